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
    let statements: LoadStatements
    let media: MediaStatements
    let runID: Int64
    let worker: Int
    /// Fault injection for tests: the worker kills itself with SIGKILL inside this many media
    /// transactions (after the chunks, before COMMIT) while the file it names does not exist.
    let crashMarker: String?

    package init(schema: String, runID: Int64, worker: Int, crashMarker: String?) {
        statements = LoadStatements(schema: schema)
        media = MediaStatements(schema: schema)
        self.runID = runID
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

        if let committed = try connection.execute(statements.shardIsLoaded, [key]).rows.first {
            if committed.first == String(runID) {
                // Committed by this run; the acknowledgement was lost with a worker or a connection.
                figures.chunksStored = Int(committed.count > 1 ? committed[1] ?? "" : "") ?? 0
            } else {
                metrics.alreadyLoaded = true
            }
            metrics.media = figures
            metrics.totalSeconds = MonotonicClock.seconds(since: started)
            return metrics
        }

        do {
            try connection.execute("BEGIN")
            let claimed = try connection.execute(statements.claimShard, [
                key, String(runID), String(shard.ordinal), "{}", "0", String(shard.byteCount), String(worker), "",
            ])
            guard claimed.affectedRows == 1 else {
                try connection.execute("ROLLBACK")
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
            try connection.execute(statements.recordShard, [key, String(figures.chunksStored), nil])
            let commitStart = MonotonicClock.now()
            metrics.commitStartedAt = commitStart
            try connection.execute("COMMIT")
            metrics.commitSeconds = MonotonicClock.seconds(since: commitStart)
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
