package import SkypeExport

/// The merged report of a load: what every worker did, the totals, and how the run ended.
/// Printed at the end, written with `--metrics-json`, and stored in `load_runs.report`.
package struct LoadReport: Sendable, Codable, Equatable {
    package enum Status: String, Sendable, Codable {
        case completed
        /// Stopped by SIGINT or SIGTERM: committed shards stay, a rerun resumes.
        case interrupted
        case failed
    }

    package var reportVersion = 1
    package var runID: Int64?
    package var export: String
    package var formats: [ContainerFormat] = []
    package var exportUser: String?
    package var exportDate: String?
    package var status: Status = .completed
    /// The error that ended a failed run.
    package var error: String?
    package var workers: [WorkerSummary] = []
    /// The sum of the `workers` lines.
    package var totals = WorkerSummary(worker: nil)
    /// What the splitter found in the export (messages include rejected ones).
    /// A line per export when the load was given several (empty for one).
    package var exports: [ExportResult] = []
    package var exportConversations = 0
    package var exportMessages = 0
    package var shards = 0
    package var storedBytes: Int64 = 0
    package var jsonBytes: Int64 = 0
    package var elapsedSeconds = 0.0
    package var finalizeSeconds = 0.0
    package var messagesPerSecond = 0.0
    /// Time per phase, wall clock and summed over workers.
    package var phases = PhaseTimes()
    /// Receipt-to-commit time of the shards loaded in this run.
    package var shardLatency = LatencySummary()
    /// Retried statements, by SQLSTATE.
    package var retriesBySQLState: [String: Int] = [:]
    package var messageTypes: [String: Int] = [:]
    package var repairs = RepairCounts()
    package var rejects: [String: Int] = [:]
    /// Shards set aside after killing workers repeatedly (written to the reject file).
    package var quarantinedShards = 0
    /// How the secondary indexes were handled.
    package enum IndexHandling: String, Sendable, Codable {
        /// Maintained row by row during the load.
        case kept
        /// Dropped before the shards, built after them.
        case deferred
    }

    package var indexes = IndexHandling.kept
    /// Deferred indexes built at the end of this load.
    package var indexesRebuilt = 0
    /// Deferred indexes still missing (the load did not complete): the next load builds them.
    package var indexesPending = 0
    /// Documents described in the tar's `media/` folder.
    package var mediaFiles = 0
    /// The media files' bytes: found, stored, already present, skipped.
    package var media = MediaReport()
    /// Workers started again after dying.
    package var workerRestarts = 0

    package init(export: String) { self.export = export }

    /// Merges one shard's figures into its worker's line and the totals.
    package mutating func add(_ shard: ShardMetrics) {
        if let figures = shard.media {
            // Media shards have their own line (`media`); the worker lines count messages.
            media.add(figures, alreadyLoaded: shard.alreadyLoaded)
            for (state, count) in shard.retriesBySQLState { retriesBySQLState[state, default: 0] += count }
            return
        }
        while workers.count <= shard.worker { workers.append(WorkerSummary(worker: workers.count)) }
        workers[shard.worker].add(shard)
        // Summed from the lines, in their order, so the totals equal the sum of the lines exactly.
        totals = workers.reduce(into: WorkerSummary(worker: nil)) { $0.add($1) }
        for (type, count) in shard.messageTypes { messageTypes[type, default: 0] += count }
        for (reason, count) in shard.rejects { rejects[reason, default: 0] += count }
        for (state, count) in shard.retriesBySQLState { retriesBySQLState[state, default: 0] += count }
        // The workers' phase sums are the totals line's, so the two always agree.
        phases.summedSeconds.parse = totals.parseSeconds
        phases.summedSeconds.copy = totals.copySeconds
        phases.summedSeconds.merge = totals.mergeSeconds
        phases.summedSeconds.commit = totals.commitSeconds
        repairs.add(shard.repairs)
    }
}
