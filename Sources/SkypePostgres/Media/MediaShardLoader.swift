#if canImport(Glibc)
import Glibc
package import SkypeExport
package import SkypeReport
import SkypeSupport
#endif

/// Stores one ``MediaShard`` in one transaction on one connection: claim the shard in the
/// ledger (no conversations, no account: media belong to no one account), insert each chunk (`ON CONFLICT DO NOTHING`: the same bytes are stored once), record
/// the count, commit. Either all of it commits or none of it does.
package struct MediaShardLoader {
    let ledger: ShardLedger
    let media: MediaStatements
    let worker: Int
    /// Fault injection for tests: the worker kills itself with SIGKILL inside this many media
    /// transactions (after the chunks, before COMMIT) while the file it names does not exist.
    let crashMarker: String?

    package init(schema: String, runID: Int64, worker: Int, crashMarker: String?) {
        ledger = ShardLedger(statements: LoadStatements(schema: schema), runID: runID, worker: worker)
        media = MediaStatements(schema: schema)
        self.worker = worker
        self.crashMarker = crashMarker
    }

    package func load(_ shard: MediaShard, on connection: PostgresConnection) throws -> ShardMetrics {
        let started = MonotonicClock.now()
        let key = shard.key
        var metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
        var figures = MediaShardFigures()
        figures.chunks = shard.chunks.count
        figures.bytes = shard.byteCount

        if let committed = try ledger.committed(key, on: connection) {
            if committed.byThisRun {
                figures.chunksStored = committed.rowsInserted
            } else {
                metrics.alreadyLoaded = true
            }
            metrics.media = figures
            metrics.totalSeconds = MonotonicClock.seconds(since: started)
            return metrics
        }

        do {
            try connection.execute("BEGIN")
            // Media belong to no one account and no conversation.
            guard try ledger.claim(key, ordinal: shard.ordinal, conversationIDs: [], messageCount: 0,
                                   byteCount: shard.byteCount, account: "", on: connection) else {
                metrics.alreadyLoaded = true
                metrics.media = figures
                return metrics
            }
            let copyStart = MonotonicClock.now()
            metrics.copyStartedAt = copyStart
            // In digest order: two transactions storing the same chunks take their row locks in
            // the same order, so they wait for each other instead of deadlocking.
            for chunk in shard.chunks.sorted(by: { $0.sha256.lexicographicallyPrecedes($1.sha256) }) {
                let inserted = try connection.executeBinary(media.insertChunk, [chunk.sha256, chunk.data]).affectedRows
                figures.chunksStored += inserted
                figures.bytesStored += inserted * chunk.data.count
            }
            metrics.copySeconds = MonotonicClock.seconds(since: copyStart)
            if let crashMarker, access(crashMarker, F_OK) != 0 {
                _ = creat(crashMarker, 0o644)
                kill(getpid(), SIGKILL)
            }
            try ledger.record(key, rowsInserted: figures.chunksStored, rejects: nil, on: connection)
            try ledger.commit(&metrics, on: connection)
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
        metrics.bytesOut = figures.bytesStored
        metrics.media = figures
        metrics.totalSeconds = MonotonicClock.seconds(since: started)
        return metrics
    }
}
