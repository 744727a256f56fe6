/// Figures summed over shards: one worker's line in the report, or the totals.
package struct WorkerSummary: Sendable, Codable, Equatable {
    /// The worker's number, or nil for the totals line.
    package var worker: Int?
    package var shardsLoaded = 0
    package var shardsAlreadyLoaded = 0
    package var messages = 0
    package var rowsInserted = 0
    /// Stored messages replaced by a later state of theirs (edited or deleted since).
    package var rowsReplaced = 0
    package var duplicates = 0
    package var rejects = 0
    package var conversations = 0
    package var bytesIn = 0
    package var bytesOut = 0
    package var parseSeconds = 0.0
    package var copySeconds = 0.0
    package var mergeSeconds = 0.0
    package var commitSeconds = 0.0
    package var busySeconds = 0.0
    package var retries = 0

    package init(worker: Int?) { self.worker = worker }

    package mutating func add(_ shard: ShardMetrics) {
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

    package mutating func add(_ other: WorkerSummary) {
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
