import SkypeExport
import SkypeReport
import SkypeSupport

/// A worker's side of `shard_ledger`, the record that makes each shard (of messages or of
/// media chunks) commit exactly once: claimed inside the shard's transaction (a second claim of
/// the same key waits, then finds it taken) with its counts, which a merge updates before
/// COMMIT; looked up before any work on a rerun, and after a claim that found it taken.
struct ShardLedger {
    let statements: LoadStatements
    let runID: Int64
    let worker: Int

    /// A shard the ledger holds: committed by an earlier transaction than the one asking.
    struct Committed {
        /// Committed by this run: the acknowledgement was lost (a connection that broke after
        /// COMMIT, a worker that died before reporting), so it counts as loaded; otherwise an
        /// earlier run committed it and it counts as skipped.
        var byThisRun: Bool
        /// The rows (messages, or media chunks) it recorded as new.
        var rowsInserted: Int
        /// Its rejects are part of its record, so that the exit code and the reject file are
        /// right after any resume.
        var rejects: [RejectRecord]
    }

    /// The shard's entry, or nil when it is to be loaded.
    func committed(_ key: String, on connection: PostgresConnection) throws -> Committed? {
        guard let row = try connection.execute(statements.shardIsLoaded, [key]).rows.first, row.count == 3 else { return nil }
        return Committed(byThisRun: row[0] == String(runID), rowsInserted: Int(row[1] ?? "") ?? 0,
                         rejects: RejectRecord.records(fromLines: row[2]))
    }

    /// Claims the shard in the open transaction, recording `rowsInserted` and `rejects` (see
    /// ``record(_:rowsInserted:rejects:on:)`` to change them before COMMIT). False, after rolling
    /// the transaction back, when another transaction committed it first.
    func claim(_ key: String, ordinal: Int, conversationIDs: [String], messageCount: Int, byteCount: Int, account: String,
               rowsInserted: Int = 0, rejects: String? = nil, on connection: PostgresConnection) throws -> Bool {
        let claimed = try connection.execute(statements.claimShard, [
            key, String(runID), String(ordinal), CopyEncoding.textArrayLiteral(conversationIDs),
            String(messageCount), String(byteCount), String(worker), account, String(rowsInserted), rejects,
        ])
        if claimed.affectedRows == 1 { return true }
        try connection.execute("ROLLBACK")
        return false
    }

    /// Records the shard's counts (rows new to the database, its rejects as lines) in its transaction.
    func record(_ key: String, rowsInserted: Int, rejects: String?, on connection: PostgresConnection) throws {
        try connection.execute(statements.recordShard, [key, String(rowsInserted), rejects])
    }

    /// Commits the shard's transaction; `metrics` gets its timing.
    func commit(_ metrics: inout ShardMetrics, on connection: PostgresConnection) throws {
        let commitStart = MonotonicClock.now()
        metrics.commitStartedAt = commitStart
        try connection.execute("COMMIT")
        metrics.commitSeconds = MonotonicClock.seconds(since: commitStart)
    }
}
