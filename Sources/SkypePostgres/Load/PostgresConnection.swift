import CLibPQ

/// One libpq connection, used by one thread at a time. Calls block, so it lives on a thread
/// of its own, never on Swift concurrency's cooperative pool.
package final class PostgresConnection {
    private var connection: OpaquePointer?
    /// Masks the connection string's secrets in every message of this connection.
    private let redaction: ConnectionString
    /// The statements ``executePrepared(_:_:)`` prepared on this session, by their SQL.
    private var preparedStatements: [String: String] = [:]
    /// At most this many prepared statements per session: the viewer's queries are a few
    /// dozen texts, so more means SQL built from data, which must not grow the server's memory.
    private static let preparedStatementLimit = 128

    /// A failed statement or connection attempt.
    package struct Failure: Error, CustomStringConvertible, Sendable {
        /// The five-character SQLSTATE, when the server sent one.
        package var sqlState: String?
        package var message: String
        package init(sqlState: String?, message: String) {
            self.sqlState = sqlState
            self.message = message
        }
        package var description: String {
            sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        /// A unique violation, also as Citus relays it from a worker node during a COPY into a
        /// distributed table: SQLSTATE XX000 with the worker's message (Citus 13.2).
        package var isUniqueViolation: Bool {
            sqlState == "23505"
                || (sqlState == "XX000" && message.contains("duplicate key value violates unique constraint"))
        }
    }

    /// Connects with a libpq connection string or URL; an empty string lets libpq use the PG*
    /// variables and `~/.pgpass`. The loader's timeouts (``ConnectionString/defaultOptions``)
    /// apply unless the string, a `PG*` variable or a service sets them. No part of the string
    /// reaches an error message: it may hold a password (``ConnectionString/redact(_:)``).
    package init(conninfo: String, applicationName: String = "skype-parallel-load",
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) {
        let string = ConnectionString(conninfo)
        redaction = string
        let parameters = string.connectParameters(extra: [("application_name", applicationName), ("client_encoding", "UTF8")],
                                                  environment: environment)
        var cKeys = parameters.map { strdup($0.key) }
        var cValues = parameters.map { strdup($0.value) }
        cKeys.append(nil)
        cValues.append(nil)
        defer {
            cKeys.forEach { free($0) }
            cValues.forEach { free($0) }
        }
        // expand_dbname = 1: the dbname value may be a whole connection string or URL; it comes
        // after the defaults, so that what it sets wins.
        let keyPointers = cKeys.map { UnsafePointer($0) }
        let valuePointers = cValues.map { UnsafePointer($0) }
        connection = PQconnectdbParams(keyPointers, valuePointers, 1)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let connection { PQfinish(connection) }
            self.connection = nil
            throw Failure(sqlState: nil, message: "cannot connect to PostgreSQL: " + string.redact(Self.trimmed(message)))
        }
        // NOTICEs ("schema already exists, skipping") would land in the middle of the progress display.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    /// The password this connection authenticated with, wherever libpq found it (the string,
    /// `PGPASSWORD`, `~/.pgpass`): handed to workers over their pipe, never printed.
    package var passwordInUse: String? {
        guard let connection, let password = PQpass(connection) else { return nil }
        let text = String(cString: password)
        return text.isEmpty ? nil : text
    }

    /// The options the connection uses, as libpq resolved them (string, variables, defaults),
    /// secrets masked: what `connect_timeout` or `keepalives_idle` really is.
    package var effectiveOptions: [String: String] {
        guard let connection, let options = PQconninfo(connection) else { return [:] }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        ConnectionString.forEach(options) { key, value in
            result[key] = ConnectionString.secretKeys.contains(key) ? "***" : value
        }
        return result
    }

    deinit {
        if let connection { PQfinish(connection) }
    }

    /// False once the server or the network dropped the connection.
    package var isHealthy: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// The server's version number, such as 150018.
    package var serverVersion: Int {
        connection.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// The server process serving this connection (as in `pg_stat_activity.pid`).
    package var backendPID: Int32 {
        connection.map { PQbackendPID($0) } ?? 0
    }

    /// What another thread needs to cancel the statement this connection runs (`PQcancel`).
    package final class CancelHandle: @unchecked Sendable {
        private let handle: OpaquePointer

        fileprivate init(_ handle: OpaquePointer) { self.handle = handle }

        deinit { PQfreeCancel(handle) }

        /// Asks the server to cancel the running statement; does nothing if none runs.
        package func cancel() {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &buffer, Int32(buffer.count))
        }
    }

    /// A handle that cancels this connection's statements from any thread; nil without a connection.
    package func cancelHandle() -> CancelHandle? {
        guard let connection, let handle = PQgetCancel(connection) else { return nil }
        return CancelHandle(handle)
    }

    /// Runs one or more statements without parameters; returns the rows of the last one.
    @discardableResult
    package func execute(_ sql: String) throws(Failure) -> QueryResult {
        let result = PQexec(connection, sql)
        return try check(result)
    }

    /// Runs one statement with text parameters sent separately from the SQL (never spliced in).
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String?]) throws(Failure) -> QueryResult {
        try check(Self.withCStrings(parameters) { PQexecParams(connection, sql, Int32(parameters.count), nil, $0, nil, nil, 0) })
    }

    /// Runs one statement as ``execute(_:_:)`` does, prepared once per session and reused:
    /// the statements a viewer sends on every page are parsed and, once PostgreSQL settles on
    /// a generic plan, planned only once. For statements run many times with other values.
    @discardableResult
    package func executePrepared(_ sql: String, _ parameters: [String?]) throws(Failure) -> QueryResult {
        let name: String
        if let known = preparedStatements[sql] {
            name = known
        } else {
            if preparedStatements.count >= Self.preparedStatementLimit {
                try execute("DEALLOCATE ALL")
                preparedStatements.removeAll()
            }
            let candidate = "spl_\(preparedStatements.count)"
            _ = try check(PQprepare(connection, candidate, sql, Int32(parameters.count), nil))
            preparedStatements[sql] = candidate
            name = candidate
        }
        return try check(Self.withCStrings(parameters) { PQexecPrepared(connection, name, Int32(parameters.count), $0, nil, nil, 0) })
    }

    /// Text parameters as libpq takes them (NULL for nil), valid for the call of `body` only.
    private static func withCStrings<T>(_ parameters: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let cValues: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        return body(cValues.map { UnsafePointer($0) })
    }

    /// Runs one statement whose parameters and results travel in binary: `bytea` values as
    /// their raw bytes, with neither escaping nor hex doubling (media chunks are megabytes).
    /// - Returns: the rows, each value's raw bytes (nil for SQL NULL), and the affected-row count.
    @discardableResult
    package func executeBinary(_ sql: String, _ parameters: [[UInt8]?]) throws(Failure) -> (rows: [[[UInt8]?]], affectedRows: Int) {
        let count = parameters.count
        let copies: [UnsafeMutableRawPointer?] = parameters.map { value in
            guard let value else { return nil }
            let memory = UnsafeMutableRawPointer.allocate(byteCount: max(1, value.count), alignment: 1)
            value.withUnsafeBytes { if let base = $0.baseAddress { memory.copyMemory(from: base, byteCount: value.count) } }
            return memory
        }
        defer { copies.forEach { $0?.deallocate() } }
        let pointers = copies.map { $0.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } }
        let lengths = parameters.map { Int32($0?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: count)
        let result = PQexecParams(connection, sql, Int32(count), nil, pointers, lengths, formats, 1)
        guard let result else { throw lastFailure() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            var rows: [[[UInt8]?]] = []
            for row in 0..<PQntuples(result) {
                var values: [[UInt8]?] = []
                for column in 0..<PQnfields(result) {
                    if PQgetisnull(result, row, column) == 1 {
                        values.append(nil)
                    } else {
                        let length = Int(PQgetlength(result, row, column))
                        let base = UnsafeRawPointer(PQgetvalue(result, row, column))
                        values.append(base.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? [])
                    }
                }
                rows.append(values)
            }
            return (rows, Int(String(cString: PQcmdTuples(result))) ?? 0)
        default:
            throw failure(of: result)
        }
    }

    /// Runs `COPY ... FROM STDIN` with `data` (rows in COPY text or binary format, as `sql`
    /// says), sent in 64 KiB chunks: one libpq call per row is several times slower.
    /// - Returns: the number of rows the server reports as copied.
    @discardableResult
    package func copyIn(_ sql: String, data: [UInt8]) throws(Failure) -> Int {
        try copyIn([(sql, data)]).first ?? 0
    }

    /// Runs several `COPY ... FROM STDIN` in one query string, each with its data, optionally
    /// after `preamble` (statements with no result rows, such as a `SAVEPOINT`). The server
    /// asks for the next COPY's data as soon as the last one ends, so each costs one round trip
    /// instead of two (a shard has up to eleven). After an error the server skips the rest of
    /// the string, and the error is thrown once every result is read.
    /// - Returns: the rows the server reports as copied, per COPY that ran.
    @discardableResult
    package func copyIn(_ copies: [(sql: String, data: [UInt8])], after preamble: String? = nil) throws(Failure) -> [Int] {
        guard !copies.isEmpty else { return [] }
        let sql = ((preamble.map { [$0] } ?? []) + copies.map(\.sql)).joined(separator: ";\n")
        guard PQsendQuery(connection, sql) == 1 else { throw lastFailure() }
        var copied: [Int] = []
        var next = 0
        var failure: Failure?
        while let result = PQgetResult(connection) {
            switch PQresultStatus(result) {
            case PGRES_COPY_IN:
                PQclear(result)
                // A broken connection can leave libpq in COPY mode: nothing more will come.
                guard PQstatus(connection) != CONNECTION_BAD else { throw failure ?? lastFailure() }
                guard next < copies.count, failure == nil else {
                    // Ends a COPY there is no data for; if even that fails, nothing more will come.
                    if PQputCopyEnd(connection, "no data for this COPY") != 1 { throw failure ?? lastFailure() }
                    continue
                }
                if !send(copies[next].data) || PQputCopyEnd(connection, nil) != 1 {
                    if failure == nil { failure = lastFailure() }
                }
                next += 1
            case PGRES_COMMAND_OK:
                if String(cString: PQcmdStatus(result)).hasPrefix("COPY") {
                    copied.append(Int(String(cString: PQcmdTuples(result))) ?? 0)
                }
                PQclear(result)
            default:
                if failure == nil {
                    do { _ = try check(result) } catch let error { failure = error }
                } else {
                    PQclear(result)
                }
            }
        }
        if let failure { throw failure }
        guard copied.count == copies.count else {
            throw Failure(sqlState: nil, message: "the server did not enter COPY mode for every COPY (\(copied.count) of \(copies.count) ran)")
        }
        return copied
    }

    /// Sends one COPY's data in 64 KiB chunks; false when the connection failed.
    private func send(_ data: [UInt8]) -> Bool {
        let chunk = 64 * 1024
        return data.withUnsafeBytes { all in
            guard let base = all.baseAddress else { return true }
            var offset = 0
            while offset < all.count {
                let count = min(chunk, all.count - offset)
                let ok = base.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: count) {
                    PQputCopyData(connection, $0, Int32(count)) == 1
                }
                if !ok { return false }
                offset += count
            }
            return true
        }
    }

    /// Quotes a name for SQL (`"my ""schema"""`); every user-supplied identifier goes through it.
    package static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func check(_ result: OpaquePointer?) throws(Failure) -> QueryResult {
        guard let result else { throw lastFailure() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return QueryResult(result)
        default:
            throw failure(of: result)
        }
    }

    private func failure(of result: OpaquePointer) -> Failure {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
        return Failure(sqlState: state, message: redaction.redact(Self.trimmed(message)))
    }

    private func lastFailure() -> Failure {
        let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
        return Failure(sqlState: nil, message: redaction.redact(Self.trimmed(message)))
    }

    private static func trimmed(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

/// The rows of a statement, copied out of libpq as text.
package struct QueryResult: Sendable {
    /// Each row's values; nil for SQL NULL.
    package var rows: [[String?]]
    /// The command's affected-row count (`INSERT 0 5` gives 5); 0 when it reports none.
    package var affectedRows: Int

    init(_ result: OpaquePointer) {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            for column in 0..<columnCount {
                values.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        self.rows = rows
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}

import Foundation
