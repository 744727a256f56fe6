extension Coordinator {
    func tickProgress() {
        progress.update(progressSnapshot())
    }

    private func progressSnapshot() -> ProgressReporter.Snapshot {
        let loading = slots.reduce(0) { $0 + $1.loading.count }
        let lines = slots.enumerated().map { index, slot in
            ProgressReporter.WorkerLine(
                index: index,
                state: slot.ended ? "exited" : slot.loading.isEmpty ? "idle" : "loading",
                shards: slot.loading.sorted { $0.key < $1.key }.map(\.value),
                messages: slot.messages)
        }
        return ProgressReporter.Snapshot(
            export: currentExport,
            storedBytesRead: input?.storedBytesRead ?? 0, storedSize: input?.storedSize,
            messagesDone: report.totals.messages, shardsDone: report.totals.shardsLoaded,
            shardsSkipped: report.totals.shardsAlreadyLoaded, loading: loading,
            queued: slots.reduce(0) { $0 + $1.inFlight.count } - loading + retryQueue.count, workers: lines)
    }

    func collectPhases(_ metrics: ShardMetrics) {
        guard !metrics.alreadyLoaded else { return }
        phaseIntervals[\.parse, default: IntervalUnion()].add(start: metrics.parseStartedAt, seconds: metrics.parseSeconds)
        phaseIntervals[\.copy, default: IntervalUnion()].add(start: metrics.copyStartedAt, seconds: metrics.copySeconds)
        phaseIntervals[\.merge, default: IntervalUnion()].add(start: metrics.mergeStartedAt, seconds: metrics.mergeSeconds)
        phaseIntervals[\.commit, default: IntervalUnion()].add(start: metrics.commitStartedAt, seconds: metrics.commitSeconds)
        latencies.append(metrics.totalSeconds)
    }

    func summarisePhases() {
        for (phase, union) in phaseIntervals {
            report.phases.wallSeconds[keyPath: phase] = union.seconds
        }
        report.shardLatency = LatencySummary(samples: latencies)
    }
}
