import Foundation

/// Nanoseconds from a monotonic clock, for durations that must not jump with wall-clock changes.
enum MonotonicClock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }
}
