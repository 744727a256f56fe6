import SkypePostgres
import SkypeReport
import SkypeSupport
import SkypeExport

extension Coordinator {
    func tickProgress() {
        progress.update(progressSnapshot())
    }

    private func progressSnapshot() -> ProgressReporter.Snapshot {
        let slots = supervisor.slots
        let loading = slots.reduce(0) { $0 + $1.loading.count }
        let lines = slots.enumerated().map { index, slot in
            ProgressReporter.WorkerLine(
                index: index,
                state: slot.state == .exited ? .exited : slot.loading.isEmpty ? .idle : .loading,
                shards: slot.loading.sorted { $0.key < $1.key }.map(\.value),
                messages: messagesBySlot[index])
        }
        return ProgressReporter.Snapshot(
            stage: stage, detail: stageDetail(),
            export: currentExport,
            storedBytesRead: input?.storedBytesRead ?? 0, storedSize: input?.storedSize,
            messagesDone: report.totals.messages, shardsDone: report.totals.shardsLoaded,
            shardsSkipped: report.totals.shardsAlreadyLoaded, loading: loading,
            queued: supervisor.shardsInFlight - loading + supervisor.resends.count, workers: lines,
            media: media.map { collector in
                "media \(collector.filesFound) files (\(ProgressReporter.megabytes(collector.bytesFound))) read, "
                    + "\(report.media.shardsLoaded + report.media.shardsAlreadyLoaded) of \(report.media.shards) chunk shards stored"
            })
    }

    private var stage: ProgressReporter.Stage {
        switch supervisor.phase {
        case .loading: readingMedia ? .media : .loading
        case .draining: .draining
        case .shuttingDown, .afterWorkers: .stopping
        case .buildingIndexes: .indexes
        case .finalizing: .finalizing
        }
    }

    private func stageDetail() -> [String] {
        switch supervisor.phase {
        case .buildingIndexes: indexLines()
        case .finalizing:
            ["refreshing the counts of the conversations this load touched, "
                + ProgressReporter.duration(MonotonicClock.seconds(since: phaseStarted)) + " so far"]
        default: []
        }
    }

    /// "index 13 of 54: messages_p03_body_search on messages_p03, building index: scanning
    /// table 45%, ETA 8s", one line per running build.
    private func indexLines() -> [String] {
        let status = indexStatus.snapshot
        let builds = readIndexProgress(status.running.map(\.backendPID))
        var lines = ["\(status.finished) of \(status.total) indexes built, \(status.running.count) building"]
        for running in status.running.sorted(by: { $0.number < $1.number }) {
            var line = "index \(running.number) of \(status.total): \(running.name) on \(running.table)"
            if let build = builds[running.backendPID] {
                line += ", " + build.phase
                if let fraction = build.fraction {
                    line += " \(Int(fraction * 100))%"
                    let elapsed = MonotonicClock.seconds(since: running.started)
                    if fraction > 0.02 && fraction < 1 { line += ", ETA " + ProgressReporter.duration(elapsed / fraction - elapsed) }
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// On a connection of its own, opened again at most every 10 s after a failure: the
    /// display must not wait on a server that is restarting (the builds retry on their own).
    private func readIndexProgress(_ pids: [Int32]) -> [Int32: IndexBuildProgress] {
        if progressConnection == nil || progressConnection?.isHealthy == false {
            progressConnection = nil
            guard MonotonicClock.seconds(since: progressConnectionTried) > 10 || progressConnectionTried == 0 else { return [:] }
            progressConnectionTried = MonotonicClock.now()
            progressConnection = try? PostgresConnection(conninfo: configuration.conninfo,
                                                         applicationName: "skype-parallel-load progress")
        }
        guard let connection = progressConnection else { return [:] }
        return (try? IndexBuildProgress.read(connection, pids: pids)) ?? [:]
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
