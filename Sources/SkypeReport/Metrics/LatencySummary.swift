/// Percentiles of the time shards took from receipt by a worker to commit.
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Shards measured (those loaded in this run).
    public var count = 0
    public var p50Seconds = 0.0
    public var p95Seconds = 0.0
    public var p99Seconds = 0.0
    public var maxSeconds = 0.0

    public init() {}

    /// Nearest-rank percentiles of `samples`.
    public init(samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        guard !sorted.isEmpty else { return }
        func rank(_ percentile: Double) -> Double {
            let index = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        p50Seconds = rank(50)
        p95Seconds = rank(95)
        p99Seconds = rank(99)
        maxSeconds = sorted[sorted.count - 1]
    }
}
