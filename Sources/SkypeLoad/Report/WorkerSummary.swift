/// Figures summed over shards: one worker's line in the report, or the totals.
///
/// A new figure is a stored property here and its row in ``metrics`` (which names the
/// ``ShardMetrics`` value summed into it, and how it is printed and exported), plus its entry
/// in `Docs/report.schema.json`.
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

    /// Every figure, in the order of the report's worker table: how a shard's value is summed
    /// into it, and how the printed table and the Prometheus text show it.
    static let metrics: [SummaryMetric] = [
        .count(\.shardsLoaded, from: \.shardsLoaded, column: "shards",
               prometheus: ("shards_loaded", "Shards committed by this run")),
        .count(\.shardsAlreadyLoaded, from: \.shardsAlreadyLoaded, column: "skipped",
               prometheus: ("shards_skipped", "Shards found already committed")),
        .count(\.messages, from: \.messages, column: "messages", prometheus: ("messages", "Messages parsed and merged")),
        .count(\.rowsInserted, from: \.rowsInserted, column: "inserted",
               prometheus: ("rows_inserted", "Messages new to the database")),
        .count(\.rowsReplaced, from: \.rowsReplaced,
               prometheus: ("rows_replaced", "Stored messages replaced by a later state (edited or deleted since)")),
        .count(\.duplicates, from: \.duplicates, column: "dupes", prometheus: ("duplicates", "Messages already present")),
        .count(\.rejects, from: \.rejectCount, prometheus: ("rejects", "Messages that could not be loaded")),
        .count(\.conversations, from: \.conversations),
        .count(\.bytesIn, from: \.bytesIn, prometheus: ("bytes_in", "Bytes of JSON received by the worker")),
        .count(\.bytesOut, from: \.bytesOut, prometheus: ("bytes_out", "Bytes sent to PostgreSQL by COPY")),
        .seconds(\.parseSeconds, from: \.parseSeconds, column: "parse s"),
        .seconds(\.copySeconds, from: \.copySeconds, column: "copy s"),
        .seconds(\.mergeSeconds, from: \.mergeSeconds, column: "merge s"),
        .seconds(\.commitSeconds, from: \.commitSeconds, column: "commit s"),
        .seconds(\.busySeconds, from: \.totalSeconds),
        .count(\.retries, from: \.retries, prometheus: ("retries", "Retried statements")),
    ]

    public mutating func add(_ shard: ShardMetrics) {
        for metric in Self.metrics {
            switch metric.value {
            case let .count(figure, source): self[keyPath: figure] += shard[keyPath: source]
            case let .seconds(figure, source): self[keyPath: figure] += shard[keyPath: source]
            }
        }
    }

    public mutating func add(_ other: WorkerSummary) {
        for metric in Self.metrics {
            switch metric.value {
            case let .count(figure, _): self[keyPath: figure] += other[keyPath: figure]
            case let .seconds(figure, _): self[keyPath: figure] += other[keyPath: figure]
            }
        }
    }
}
