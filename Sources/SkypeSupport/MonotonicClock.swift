#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds of CLOCK_MONOTONIC: never jumps with wall-clock changes, and is the same clock
/// in every process of the machine, so workers' timestamps can be compared by the coordinator.
package enum MonotonicClock {
    package static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    package static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }
}
