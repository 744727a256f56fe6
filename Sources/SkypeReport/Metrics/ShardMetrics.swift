package import SkypeExport

/// What loading one shard took and did, reported by a worker over its event pipe.
package struct ShardMetrics: Sendable, Codable, Equatable {
    package var ordinal: Int
    package var shardKey: String
    package var worker: Int
    /// True when the ledger already held the shard: nothing was written.
    package var alreadyLoaded: Bool
    package var messages: Int
    /// Messages that were new to the database.
    package var rowsInserted: Int
    /// Messages whose stored state an older one this shard held replaced (an edit, a deletion).
    package var rowsReplaced: Int
    package var conversations: Int
    /// Bytes of raw JSON in the shard.
    package var bytesIn: Int
    /// Bytes of COPY data sent to the server.
    package var bytesOut: Int
    package var parseSeconds: Double
    package var copySeconds: Double
    package var mergeSeconds: Double
    package var commitSeconds: Double
    /// Wall time from receipt to commit.
    package var totalSeconds: Double
    package var retries: Int
    /// Retries by SQLSTATE of the error that caused them.
    package var retriesBySQLState: [String: Int]
    /// When each phase started, in nanoseconds of the system's monotonic clock (the same in
    /// every process), so that the coordinator can tell how long each phase ran on the wall
    /// clock across all workers; 0 for a phase that did not run.
    package var parseStartedAt: UInt64
    package var copyStartedAt: UInt64
    package var mergeStartedAt: UInt64
    package var commitStartedAt: UInt64
    package var messageTypes: [String: Int]
    package var repairs: RepairCounts
    package var rejects: [String: Int]
    /// The rejected messages themselves, for the reject file.
    package var rejectRecords: [RejectRecord]
    /// Set for a media shard (chunks of media files) instead of messages.
    package var media: MediaShardFigures?

    package init(ordinal: Int, shardKey: String, worker: Int) {
        self.ordinal = ordinal
        self.shardKey = shardKey
        self.worker = worker
        alreadyLoaded = false
        messages = 0
        rowsInserted = 0
        rowsReplaced = 0
        conversations = 0
        bytesIn = 0
        bytesOut = 0
        parseSeconds = 0
        copySeconds = 0
        mergeSeconds = 0
        commitSeconds = 0
        totalSeconds = 0
        retries = 0
        retriesBySQLState = [:]
        parseStartedAt = 0
        copyStartedAt = 0
        mergeStartedAt = 0
        commitStartedAt = 0
        messageTypes = [:]
        repairs = RepairCounts()
        rejects = [:]
        rejectRecords = []
    }

    /// Messages that were already present (repeats in the export, or an earlier load).
    package var duplicates: Int { alreadyLoaded ? 0 : messages - rowsInserted - rowsReplaced }
    /// 1 for a shard this run committed, for the summed ``WorkerSummary/shardsLoaded``.
    var shardsLoaded: Int { alreadyLoaded ? 0 : 1 }
    /// 1 for a shard found committed already.
    var shardsAlreadyLoaded: Int { alreadyLoaded ? 1 : 0 }
    var rejectCount: Int { rejects.values.reduce(0, +) }
}
