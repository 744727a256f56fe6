/// Percentiles of the time shards took from receipt by a worker to commit.
package struct LatencySummary: Sendable, Codable, Equatable {
    /// Shards measured (those loaded in this run).
    package var count = 0
    package var p50Seconds = 0.0
    package var p95Seconds = 0.0
    package var p99Seconds = 0.0
    package var maxSeconds = 0.0

    package init() {}

    /// Nearest-rank percentiles of `samples`.
    package init(samples: [Double]) {
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
