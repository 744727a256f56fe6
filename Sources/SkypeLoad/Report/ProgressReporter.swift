import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The live view of a load on standard error: a redrawn line on a terminal, a timestamped line
/// at an interval otherwise. Called from the coordinator's loop, it costs a clock read per call.
final class ProgressReporter {
    struct Snapshot {
        var storedBytesRead: Int64
        var storedSize: Int64?
        var shardsDispatched: Int
        var shardsDone: Int
        var inFlight: Int
        var messagesDone: Int
    }

    private let redraw: Bool
    private let interval: Double
    private let enabled: Bool
    private let started = MonotonicClock.now()
    private lazy var lastPrinted: UInt64 = started
    private var drewLine = false

    init(mode: ProgressMode) {
        switch mode {
        case let .automatic(interval):
            redraw = isatty(2) == 1
            self.interval = redraw ? 0.5 : interval
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

    func update(_ snapshot: @autoclosure () -> Snapshot) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        guard Double(now &- lastPrinted) / 1e9 >= interval else { return }
        lastPrinted = now
        let state = snapshot()
        let elapsed = max(0.001, MonotonicClock.seconds(since: started))
        var read = String(format: "%.1f MB", Double(state.storedBytesRead) / 1e6)
        var eta = ""
        if let size = state.storedSize, size > 0 {
            let fraction = Double(state.storedBytesRead) / Double(size)
            read += String(format: " of %.1f MB (%.0f%%)", Double(size) / 1e6, fraction * 100)
            if fraction > 0.01 && fraction < 1 {
                eta = String(format: ", ETA %.0f s", elapsed / fraction - elapsed)
            }
        }
        let line = String(format: "read %@, %d messages (%.0f/s), shards %d done, %d in flight%@",
                          read, state.messagesDone, Double(state.messagesDone) / elapsed,
                          state.shardsDone, state.inFlight, eta)
        if redraw {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            drewLine = true
        } else {
            let stamp = ISO8601DateFormatter().string(from: Date())
            FileHandle.standardError.write(Data("\(stamp) \(line)\n".utf8))
        }
    }

    /// Clears the redrawn line so that the report starts on a clean line.
    func finish() {
        if drewLine {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drewLine = false
        }
    }
}
