import Foundation

/// Drops the secondary indexes of `messages` before a bulk load and builds them again after it,
/// recording them in `deferred_indexes` in the same transaction as the drop so that no index
/// is ever lost, whatever interrupts the load.
public struct IndexDeferral: Sendable {
    public let schema: String
    /// The table whose secondary indexes are deferred.
    static let table = "messages"

    public init(schema: String) { self.schema = schema }

    private var quotedSchema: String { PostgresConnection.quoteIdentifier(schema) }

    /// Whether the table is empty (so that deferring pays off).
    public func tableIsEmpty(_ connection: PostgresConnection) throws -> Bool {
        try connection.execute("SELECT NOT EXISTS (SELECT 1 FROM \(quotedSchema).\(Self.table))").rows.first?.first == "t"
    }

    /// Indexes dropped by an earlier load and not yet rebuilt.
    public func pending(_ connection: PostgresConnection) throws -> [(name: String, definition: String)] {
        try connection.execute("SELECT index_name, definition FROM \(quotedSchema).deferred_indexes ORDER BY index_name")
            .rows.compactMap { row in
                guard row.count == 2, let name = row[0], let definition = row[1] else { return nil }
                return (name, definition)
            }
    }

    /// Drops every index of the table except its primary key (which the merge needs);
    /// returns how many were dropped.
    @discardableResult
    public func dropSecondaryIndexes(_ connection: PostgresConnection) throws -> Int {
        try connection.execute("BEGIN")
        do {
            let rows = try connection.execute("""
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.relname
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary
                """, [quotedSchema + "." + Self.table]).rows
            for row in rows {
                guard row.count == 3, let qualified = row[0], let definition = row[1], let name = row[2] else { continue }
                try connection.execute("INSERT INTO \(quotedSchema).deferred_indexes (index_name, table_name, definition) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                       [name, Self.table, definition])
                try connection.execute("DROP INDEX \(qualified)")
            }
            try connection.execute("COMMIT")
            return rows.count
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Builds every pending index, `parallelism` at a time, each on a connection of its own.
    /// - Returns: the seconds each build took.
    public func rebuild(conninfo: String, parallelism: Int, maintenanceWorkMem: String? = nil) throws -> [Double] {
        let work = BlockingQueue<(name: String, definition: String)>(capacity: 1024)
        let coordinator = try PostgresConnection(conninfo: conninfo, applicationName: "skype-parallel-load index build")
        let pending = try pending(coordinator)
        guard !pending.isEmpty else { return [] }
        for index in pending { work.push(index) }
        work.close()
        let results = Locked<(seconds: [Double], failure: Error?)>(([], nil))
        let done = DispatchGroup()
        for _ in 0..<max(1, min(parallelism, pending.count)) {
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    let connection = try PostgresConnection(conninfo: conninfo, applicationName: "skype-parallel-load index build")
                    if let maintenanceWorkMem {
                        try connection.execute("SELECT set_config('maintenance_work_mem', $1, false)", [maintenanceWorkMem])
                    }
                    while let index = work.pop() {
                        let started = MonotonicClock.now()
                        do {
                            try connection.execute(index.definition)
                        } catch let failure as PostgresConnection.Failure where failure.sqlState == "42P07" {
                            // Built by an earlier attempt that stopped before forgetting it.
                        }
                        try connection.execute("DELETE FROM \(quotedSchema).deferred_indexes WHERE index_name = $1", [index.name])
                        let seconds = MonotonicClock.seconds(since: started)
                        results.withLock { $0.seconds.append(seconds) }
                    }
                } catch {
                    results.withLock { if $0.failure == nil { $0.failure = error } }
                }
            }.start()
        }
        done.wait()
        let outcome = results.withLock { $0 }
        if let failure = outcome.failure { throw failure }
        return outcome.seconds
    }
}
