@testable import SkypeReport
import Testing

/// The report's figures come from one table (``WorkerSummary/metrics``): these check that it
/// covers every figure and sums shards as the report promises.
@Suite struct WorkerSummaryTests {
    @Test func everyFigureIsInTheMetricTable() {
        var summary = WorkerSummary(worker: nil)
        for metric in WorkerSummary.metrics {
            switch metric.value {
            case let .count(figure, _): summary[keyPath: figure] = 1
            case let .seconds(figure, _): summary[keyPath: figure] = 1
            }
        }
        for child in Mirror(reflecting: summary).children where child.label != "worker" {
            let value = (child.value as? Int).map(Double.init) ?? child.value as? Double
            #expect(value == 1, "\(child.label ?? "?") is not in WorkerSummary.metrics")
        }
    }

    @Test func shardsAddUpAsTheReportSays() {
        var loaded = ShardMetrics(ordinal: 0, shardKey: "a", worker: 0)
        loaded.messages = 10
        loaded.rowsInserted = 6
        loaded.rowsReplaced = 1
        loaded.rejects = ["invalid_json": 2, "key_too_long": 1]
        loaded.totalSeconds = 0.5
        loaded.parseSeconds = 0.25
        loaded.retries = 2
        var skipped = ShardMetrics(ordinal: 1, shardKey: "b", worker: 0)
        skipped.alreadyLoaded = true
        skipped.totalSeconds = 0.25
        var line = WorkerSummary(worker: 0)
        line.add(loaded)
        line.add(skipped)
        #expect(line.shardsLoaded == 1 && line.shardsAlreadyLoaded == 1)
        #expect(line.messages == 10 && line.rowsInserted == 6 && line.rowsReplaced == 1 && line.duplicates == 3)
        #expect(line.rejects == 3 && line.retries == 2)
        #expect(line.busySeconds == 0.75 && line.parseSeconds == 0.25)
        var totals = WorkerSummary(worker: nil)
        totals.add(line)
        totals.add(line)
        #expect(totals.messages == 20 && totals.shardsAlreadyLoaded == 2 && totals.busySeconds == 1.5 && totals.worker == nil)
    }
}
