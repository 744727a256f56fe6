import Foundation
package import SkypeExport
package import SkypePostgres
package import SkypeReport
package import SkypeSupport

/// Everything a load needs, built at the edge (the command line, the environment) and passed
/// in: the library never reads argv or the environment itself.
package struct LoadConfiguration: Sendable {
    /// The export: a path, or `-` for standard input.
    package var exportPath: String
    /// Further exports loaded in the same run by the same workers, after ``exportPath``, one
    /// after another (each read once, as the first is). Empty by default.
    package var additionalExports: [String] = []
    /// Every export of the load, in order.
    package var exports: [String] { [exportPath] + additionalExports }
    /// A libpq connection string or URL; empty lets libpq use the PG* variables and `~/.pgpass`.
    package var conninfo: String
    /// The PostgreSQL schema that holds the tables. Default `skype`.
    package var schema: String = "skype"
    /// Worker processes. Default: ``defaultWorkers(connectionsPerWorker:)`` for 2 connections.
    package var workers: Int = LoadConfiguration.defaultWorkers(connectionsPerWorker: 2)
    /// Connections (and loading threads) in each worker's pool. Default 2: one loads while the
    /// other waits on the server.
    package var connectionsPerWorker: Int = 2
    /// How the export is cut into shards.
    package var splitter = SplitterConfiguration()
    /// The executable workers are started from (this program). Required.
    package var workerExecutable: String
    /// How progress is shown on standard error.
    package var progress: ProgressMode = .automatic(interval: 10)
    /// The largest zstd window accepted, as a power of two. Default 27 (128 MiB: a frame's
    /// header alone can ask for the window); 31 opens `zstd --long=31` files.
    package var zstdWindowLogMax: Int32 = ZstdByteSource.defaultWindowLog
    /// When the secondary indexes of `messages` are maintained. Default ``IndexMode/auto``.
    package var indexMode: IndexMode = .auto
    /// `maintenance_work_mem` for deferred index builds (such as `1GB`); nil keeps the server's.
    package var maintenanceWorkMem: String?
    /// Where rejected messages and quarantined shards are written, one JSON line each.
    package var rejectsPath: String?
    /// How database failures are retried.
    package var retry = RetryPolicy()
    /// Once a load has failed, how long what is left may still wait on the database, all
    /// together: the workers' shards in flight (then the workers are stopped), the count
    /// refresh, the report, each tried at least once but retried only within this. The
    /// failure is already known; the rerun redoes the rest.
    package var windDownSeconds: Double { min(retry.timeout, 5) }
    /// A shard whose worker died this many times is quarantined instead of sent again. Default 3.
    package var shardAttemptsBeforeQuarantine = 3
    /// Dead workers are replaced at most this many times in a load. Default: 2 per worker plus 8.
    package var maximumWorkerRestarts: Int?
    /// Fault injection, for tests only: workers exit abruptly on a shard holding this conversation.
    package var crashWorkersOnConversation: String?
    /// Fault injection, for tests only: a worker exits abruptly, once per run, after committing a
    /// shard holding this conversation and before reporting it.
    package var crashWorkerAfterCommitOnConversation: String?
    /// Fault injection, for tests only: pause once at a named point (``TestPause``).
    package var testPause: TestPause?
    /// Where the bytes of the export's media files go. Default: the database.
    package var media: MediaDestination = .database
    /// Fault injection, for tests only: a worker kills itself (SIGKILL) inside its first media
    /// transaction while no file exists at this path, creating it so that it happens once.
    package var mediaCrashMarker: String?

    package init(exportPath: String, conninfo: String, workerExecutable: String) {
        self.exportPath = exportPath
        self.conninfo = conninfo
        self.workerExecutable = workerExecutable
    }

    /// Shards a worker may hold at once: one loading on each connection and one prepared (or
    /// being prepared) for each, so a connection goes straight from one shard to the next while
    /// the coordinator is busy, and memory stays bounded by
    /// `workers × 2 × connectionsPerWorker × shardBytes`.
    package var shardsInFlightPerWorker: Int { 2 * connectionsPerWorker }

    /// One loading connection per CPU core: `cores / connectionsPerWorker` workers, at least
    /// one. Client and server share the cores when PostgreSQL runs on the same machine; on 2
    /// cores, one worker with 2 connections loaded fastest (49.9 s against 54.9 s for 2 workers
    /// and 59.4 s for 4, 2 million messages: Docs/performance.md).
    package static func defaultWorkers(connectionsPerWorker: Int) -> Int {
        max(1, processorCount / max(1, connectionsPerWorker))
    }

    package static var processorCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Checks the values that would make a load fail later in a less clear way.
    package func validate() throws {
        func invalid(_ message: String) -> LoadError { LoadError(.configuration, message) }
        guard workers >= 1 && workers <= 256 else { throw invalid("--workers must be between 1 and 256") }
        guard connectionsPerWorker >= 1 && connectionsPerWorker <= 16 else {
            throw invalid("--connections-per-worker must be between 1 and 16")
        }
        guard splitter.shardBytes >= 1024 else { throw invalid("--shard-size must be at least 1 KiB") }
        try SchemaName.validate(schema)
        guard (10...ZstdByteSource.largestWindowLog).contains(zstdWindowLogMax) else {
            throw invalid("--zstd-window-log must be 10 to \(ZstdByteSource.largestWindowLog)")
        }
    }
}
