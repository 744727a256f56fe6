import Foundation

/// One figure of ``WorkerSummary``: where it is stored, the ``ShardMetrics`` value summed into
/// it, its column in the printed worker table (nil: none) and its per-worker Prometheus counter
/// (`skype_load_<name>_total`; nil: not exported).
struct SummaryMetric: Sendable {
    enum Value: Sendable {
        case count(any WritableKeyPath<WorkerSummary, Int> & Sendable, any KeyPath<ShardMetrics, Int> & Sendable)
        case seconds(any WritableKeyPath<WorkerSummary, Double> & Sendable, any KeyPath<ShardMetrics, Double> & Sendable)
    }

    let value: Value
    let column: String?
    let prometheus: (name: String, help: String)?

    static func count(_ figure: any WritableKeyPath<WorkerSummary, Int> & Sendable,
                      from source: any KeyPath<ShardMetrics, Int> & Sendable,
                      column: String? = nil, prometheus: (name: String, help: String)? = nil) -> SummaryMetric {
        SummaryMetric(value: .count(figure, source), column: column, prometheus: prometheus)
    }

    static func seconds(_ figure: any WritableKeyPath<WorkerSummary, Double> & Sendable,
                        from source: any KeyPath<ShardMetrics, Double> & Sendable, column: String? = nil) -> SummaryMetric {
        SummaryMetric(value: .seconds(figure, source), column: column, prometheus: nil)
    }

    /// The figure as the printed table shows it.
    func text(of summary: WorkerSummary) -> String {
        switch value {
        case let .count(figure, _): String(summary[keyPath: figure])
        case let .seconds(figure, _): String(format: "%.2f", summary[keyPath: figure])
        }
    }
}
