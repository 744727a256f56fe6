import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// The live view of a load on standard error: a block redrawn in place on a terminal, a plain
/// timestamped line at an interval otherwise. Called from the coordinator's loop; between
/// redraws a call costs one clock read.
package final class ProgressReporter {
    package struct WorkerLine {
        package enum State: String {
            case loading
            case idle
            case exited
        }

        var index: Int
        var state: State
        var shards: [String]
        var messages: Int

        package init(index: Int, state: State, shards: [String], messages: Int) {
            self.index = index
            self.state = state
            self.shards = shards
            self.messages = messages
        }
    }

    /// The phase a load is in, named in the block's first line and at the start of each plain line.
    package enum Stage: String {
        case loading
        case media = "reading media entries"
        case draining = "finishing shards"
        case stopping = "stopping workers"
        case indexes = "building indexes"
        case finalizing
    }

    package struct Snapshot {
        var stage = Stage.loading
        /// What the stage is doing, when it is not loading shards (index builds, finalisation).
        var detail: [String] = []
        var export: String
        var storedBytesRead: Int64
        var storedSize: Int64?
        var messagesDone: Int
        var shardsDone: Int
        var shardsSkipped: Int
        var loading: Int
        var queued: Int
        var workers: [WorkerLine]
        /// Media files read and chunk shards stored so far; nil before the media entries.
        var media: String? = nil

        package init(stage: Stage = .loading, detail: [String] = [], export: String, storedBytesRead: Int64,
                     storedSize: Int64?, messagesDone: Int, shardsDone: Int, shardsSkipped: Int, loading: Int,
                     queued: Int, workers: [WorkerLine], media: String? = nil) {
            self.stage = stage
            self.detail = detail
            self.export = export
            self.storedBytesRead = storedBytesRead
            self.storedSize = storedSize
            self.messagesDone = messagesDone
            self.shardsDone = shardsDone
            self.shardsSkipped = shardsSkipped
            self.loading = loading
            self.queued = queued
            self.workers = workers
            self.media = media
        }
    }

    private let output: TerminalOutput
    private let redraw: Bool
    private let interval: Double
    private let enabled: Bool
    private let started = MonotonicClock.now()
    private var lastPrinted: UInt64 = 0
    private var samples: [(time: UInt64, messages: Int)] = []

    package init(mode: ProgressMode, output: TerminalOutput = .standardError) {
        self.output = output
        switch mode {
        case let .automatic(interval):
            redraw = output.isTerminal
            self.interval = redraw ? 0.25 : interval
            enabled = true
        case let .lines(interval):
            redraw = false
            self.interval = interval
            enabled = true
        case .none:
            redraw = false
            interval = 0
            enabled = false
        }
    }

    /// Shows the state if the interval has passed (a terminal's block is drawn at once the first time).
    package func update(_ snapshot: @autoclosure () -> Snapshot) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        if lastPrinted == 0 && !redraw { lastPrinted = started }
        guard lastPrinted == 0 || Double(now &- lastPrinted) / 1e9 >= interval else { return }
        lastPrinted = now
        let state = snapshot()
        samples.append((now, state.messagesDone))
        while let first = samples.first, Double(now &- first.time) / 1e9 > 10 { samples.removeFirst() }
        if redraw {
            output.showBlock(block(state, now: now))
        } else {
            let stamp = ISO8601DateFormatter().string(from: Date())
            output.line("\(stamp) \(summaryLine(state, now: now))")
        }
    }

    /// Removes the block so that the report starts on a clean screen.
    package func finish() {
        if redraw { output.clearBlock() }
    }

    private func rates(_ state: Snapshot, now: UInt64) -> (recent: Double, overall: Double) {
        let elapsed = max(0.001, Double(now &- started) / 1e9)
        let overall = Double(state.messagesDone) / elapsed
        guard let first = samples.first, now > first.time else { return (overall, overall) }
        let recent = Double(state.messagesDone - first.messages) / (Double(now - first.time) / 1e9)
        return (recent, overall)
    }

    private func readText(_ state: Snapshot, now: UInt64) -> (String, String) {
        var read = Self.megabytes(state.storedBytesRead)
        var eta = ""
        if let size = state.storedSize, size > 0 {
            let fraction = min(1, Double(state.storedBytesRead) / Double(size))
            read += " of \(Self.megabytes(size)) (\(Int(fraction * 100))%)"
            let elapsed = Double(now &- started) / 1e9
            if fraction > 0.02 && fraction < 1 {
                eta = "ETA " + Self.duration(elapsed / fraction - elapsed)
            }
        }
        return (read, eta)
    }

    private func summaryLine(_ state: Snapshot, now: UInt64) -> String {
        let (read, eta) = readText(state, now: now)
        let (recent, overall) = rates(state, now: now)
        if !state.detail.isEmpty {
            return "\(state.stage.rawValue): " + state.detail.joined(separator: "; ")
        }
        return "\(state.stage.rawValue): read \(read), \(state.messagesDone) messages (\(Int(recent))/s recent, \(Int(overall))/s overall), "
            + "shards \(state.shardsDone) done, \(state.shardsSkipped) already loaded, \(state.loading) loading, "
            + "\(state.queued) queued" + (eta.isEmpty ? "" : ", " + eta) + (state.media.map { ", " + $0 } ?? "")
    }

    private func block(_ state: Snapshot, now: UInt64) -> [String] {
        let (read, eta) = readText(state, now: now)
        let (recent, overall) = rates(state, now: now)
        let elapsed = max(0.001, Double(now &- started) / 1e9)
        var lines = [
            "\(state.stage.rawValue) \(state.export): read \(read)" + (state.stage == .loading && !eta.isEmpty ? "  \(eta)" : ""),
            "messages \(state.messagesDone)  (\(Int(recent))/s recent, \(Int(overall))/s overall)",
            "shards   \(state.shardsDone) done, \(state.shardsSkipped) already loaded, \(state.loading) loading, \(state.queued) queued",
        ]
        if let media = state.media, state.detail.isEmpty { lines.append(media) }
        if !state.detail.isEmpty {
            // After the workers, their lines would only say "exited".
            lines = [lines[0], lines[1]] + state.detail
        }
        for worker in state.workers where state.detail.isEmpty {
            let current = worker.shards.isEmpty ? "" : " " + worker.shards.joined(separator: ", ")
            lines.append("worker \(worker.index): \(worker.state.rawValue)\(current)  \(Int(Double(worker.messages) / elapsed)) msg/s")
        }
        let width = Self.terminalWidth()
        return lines.map { $0.count > width ? String($0.prefix(width - 1)) + "…" : $0 }
    }

    package static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1e6)
    }

    package static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }
}
