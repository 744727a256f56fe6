/// The merged report of a load: what every worker did, the totals, and how the run ended.
/// Printed at the end, written with `--metrics-json`, and stored in `load_runs.report`.
public struct LoadReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case completed
        /// Stopped by SIGINT or SIGTERM: committed shards stay, a rerun resumes.
        case interrupted
        case failed
    }

    public var reportVersion = 1
    public var runID: Int64?
    public var export: String
    public var formats: [ContainerFormat] = []
    public var exportUser: String?
    public var exportDate: String?
    public var status: Status = .completed
    /// The error that ended a failed run.
    public var error: String?
    public var workers: [WorkerSummary] = []
    /// The sum of the `workers` lines.
    public var totals = WorkerSummary(worker: nil)
    /// What the splitter found in the export (messages include rejected ones).
    /// A line per export when the load was given several (empty for one).
    public var exports: [ExportResult] = []
    public var exportConversations = 0
    public var exportMessages = 0
    public var shards = 0
    public var storedBytes: Int64 = 0
    public var jsonBytes: Int64 = 0
    public var elapsedSeconds = 0.0
    public var finalizeSeconds = 0.0
    public var messagesPerSecond = 0.0
    /// Time per phase, wall clock and summed over workers.
    public var phases = PhaseTimes()
    /// Receipt-to-commit time of the shards loaded in this run.
    public var shardLatency = LatencySummary()
    /// Retried statements, by SQLSTATE.
    public var retriesBySQLState: [String: Int] = [:]
    public var messageTypes: [String: Int] = [:]
    public var repairs = RepairCounts()
    public var rejects: [String: Int] = [:]
    /// Shards set aside after killing workers repeatedly (written to the reject file).
    public var quarantinedShards = 0
    /// How the secondary indexes were handled.
    public enum IndexHandling: String, Sendable, Codable {
        /// Maintained row by row during the load.
        case kept
        /// Dropped before the shards, built after them.
        case deferred
    }

    public var indexes = IndexHandling.kept
    /// Deferred indexes built at the end of this load.
    public var indexesRebuilt = 0
    /// Deferred indexes still missing (the load did not complete): the next load builds them.
    public var indexesPending = 0
    /// Documents described in the tar's `media/` folder.
    public var mediaFiles = 0
    /// The media files' bytes: found, stored, already present, skipped.
    public var media = MediaReport()
    /// Workers started again after dying.
    public var workerRestarts = 0

    public init(export: String) { self.export = export }

    /// Merges one shard's figures into its worker's line and the totals.
    public mutating func add(_ shard: ShardMetrics) {
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
