/// How far each running `CREATE INDEX` is, from `pg_stat_progress_create_index`.
package struct IndexBuildProgress: Equatable {
    /// The command's phase, such as "building index: scanning table".
    package var phase: String
    /// Done of the phase's work (blocks while scanning the table, tuples while loading them),
    /// nil when the server gives no total for it.
    package var fraction: Double?

    /// The progress of the builds served by `pids`, by server process.
    package static func read(_ connection: PostgresConnection, pids: [Int32]) throws -> [Int32: IndexBuildProgress] {
        guard !pids.isEmpty else { return [:] }
        let rows = try connection.execute("""
            SELECT pid, phase, blocks_done, blocks_total, tuples_done, tuples_total
            FROM pg_stat_progress_create_index WHERE pid = ANY($1::int[])
            """, ["{" + pids.map(String.init).joined(separator: ",") + "}"]).rows
        var result: [Int32: IndexBuildProgress] = [:]
        for row in rows where row.count == 6 {
            guard let pid = row[0].flatMap({ Int32($0) }) else { continue }
            let numbers = row[2...].map { $0.flatMap { Double($0) } ?? 0 }
            result[pid] = IndexBuildProgress(phase: row[1] ?? "", fraction: fraction(
                blocksDone: numbers[0], blocksTotal: numbers[1], tuplesDone: numbers[2], tuplesTotal: numbers[3]))
        }
        return result
    }

    /// The scan of the table is most of a build's time; the tuples' phase follows it.
    static func fraction(blocksDone: Double, blocksTotal: Double, tuplesDone: Double, tuplesTotal: Double) -> Double? {
        if tuplesTotal > 0 { return min(1, tuplesDone / tuplesTotal) }
        if blocksTotal > 0 { return min(1, blocksDone / blocksTotal) }
        return nil
    }
}
