import Foundation

/// PostgreSQL out of disk space (SQLSTATE 53100, `disk_full`): where it ran out, and what the
/// user can do. A table's or an index's file that cannot grow is an ERROR (the statement rolls
/// back, the server goes on); a write-ahead log that cannot be written is a PANIC: the server
/// ends every connection, and on a full disk cannot finish its recovery, so it stays down.
extension PostgresConnection.Failure {
    /// Where the server ran out of space, as its message names the file.
    package enum DiskFullPlace: Equatable, Sendable {
        /// A file under `pg_tblspc/OID/`: a tablespace other than the cluster's own.
        case tablespace(oid: String)
        /// The write-ahead log (`pg_wal`).
        case writeAheadLog
        /// A file under `base/` or `global/`: the data directory (the default tablespace).
        case dataDirectory
        case unknown
    }

    /// The server could not write for lack of space.
    package var isDiskFull: Bool { sqlState == "53100" }

    /// Where, read from the file the message names (nil when this is no disk-full failure).
    package var diskFullPlace: DiskFullPlace? {
        guard isDiskFull else { return nil }
        if let range = message.range(of: "pg_tblspc/") {
            let oid = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if !oid.isEmpty { return .tablespace(oid: String(oid)) }
        }
        if message.contains("log file") || message.contains("pg_wal/") { return .writeAheadLog }
        if message.contains("\"base/") || message.contains("\"global/") { return .dataDirectory }
        return .unknown
    }

    /// What happened, where, and what to do, for a disk-full failure (nil for any other).
    /// - Parameter tablespace: the name and folder of a tablespace by OID, when the server can
    ///   still say (`tablespaceQuery`).
    package func diskFullHint(tablespace: (String) -> String? = { _ in nil }) -> String? {
        guard let place = diskFullPlace else { return nil }
        let stopped = message.contains("PANIC")
        let location: String
        switch place {
        case let .tablespace(oid): location = "in tablespace " + (tablespace(oid) ?? "with OID \(oid) (see pg_tablespace)")
        case .writeAheadLog: location = "for its write-ahead log (pg_wal, in its data directory unless moved)"
        case .dataDirectory: location = "in its data directory"
        case .unknown: location = "on its disk"
        }
        let restart = stopped ? ", start the server again if it stopped (a full write-ahead log stops it)" : ""
        return "The database server ran out of disk space \(location): free space there (or give it more)\(restart), "
            + "then rerun the same command; committed shards are kept"
    }

    /// Names a tablespace by OID: `name (folder)`; one bind parameter, the OID.
    package static let tablespaceQuery =
        "SELECT spcname || ' (' || pg_tablespace_location(oid) || ')' FROM pg_tablespace WHERE oid = $1::oid"
}
