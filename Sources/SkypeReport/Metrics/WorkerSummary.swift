/// Figures summed over shards: one worker's line in the report, or the totals.
public struct WorkerSummary: Sendable, Codable, Equatable {
    /// The worker's number, or nil for the totals line.
    public var worker: Int?
    public var shardsLoaded = 0
    public var shardsAlreadyLoaded = 0
    public var messages = 0
    public var rowsInserted = 0
    /// Stored messages replaced by a later state of theirs (edited or deleted since).
    public var rowsReplaced = 0
    public var duplicates = 0
    public var rejects = 0
    public var conversations = 0
    public var bytesIn = 0
    public var bytesOut = 0
    public var parseSeconds = 0.0
    public var copySeconds = 0.0
    public var mergeSeconds = 0.0
    public var commitSeconds = 0.0
    public var busySeconds = 0.0
    public var retries = 0

    public init(worker: Int?) { self.worker = worker }

    public mutating func add(_ shard: ShardMetrics) {
        if shard.alreadyLoaded { shardsAlreadyLoaded += 1 } else { shardsLoaded += 1 }
        messages += shard.messages
        rowsInserted += shard.rowsInserted
        rowsReplaced += shard.rowsReplaced
        duplicates += shard.duplicates
        rejects += shard.rejects.values.reduce(0, +)
        conversations += shard.conversations
        bytesIn += shard.bytesIn
        bytesOut += shard.bytesOut
        parseSeconds += shard.parseSeconds
        copySeconds += shard.copySeconds
        mergeSeconds += shard.mergeSeconds
        commitSeconds += shard.commitSeconds
        busySeconds += shard.totalSeconds
        retries += shard.retries
    }

    public mutating func add(_ other: WorkerSummary) {
        shardsLoaded += other.shardsLoaded
        shardsAlreadyLoaded += other.shardsAlreadyLoaded
        messages += other.messages
        rowsInserted += other.rowsInserted
        rowsReplaced += other.rowsReplaced
        duplicates += other.duplicates
        rejects += other.rejects
        conversations += other.conversations
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
        parseSeconds += other.parseSeconds
        copySeconds += other.copySeconds
        mergeSeconds += other.mergeSeconds
        commitSeconds += other.commitSeconds
        busySeconds += other.busySeconds
        retries += other.retries
    }
}
