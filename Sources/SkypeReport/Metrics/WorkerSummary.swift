/// Figures summed over shards: one worker's line in the report, or the totals.
///
/// A new figure is a stored property here and its row in ``metrics`` (which names the
/// ``ShardMetrics`` value summed into it, and how it is printed and exported), plus its entry
/// in `Docs/report.schema.json`.
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

    package mutating func add(_ shard: ShardMetrics) {
        for metric in Self.metrics {
            switch metric.value {
            case let .count(figure, source): self[keyPath: figure] += shard[keyPath: source]
            case let .seconds(figure, source): self[keyPath: figure] += shard[keyPath: source]
            }
        }
    }

    package mutating func add(_ other: WorkerSummary) {
        for metric in Self.metrics {
            switch metric.value {
            case let .count(figure, _): self[keyPath: figure] += other[keyPath: figure]
            case let .seconds(figure, _): self[keyPath: figure] += other[keyPath: figure]
            }
        }
    }
}
