import SkypeSupport

/// Counts the time spent reading (and so decompressing) the export, for the report's phases.
package final class TimedByteSource: ByteSource {
    private let upstream: any ByteSource
    /// Nanoseconds spent inside `read`.
    package private(set) var nanoseconds: UInt64 = 0

    package init(_ upstream: any ByteSource) { self.upstream = upstream }

    package var storedBytesRead: Int64 { upstream.storedBytesRead }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let start = MonotonicClock.now()
        defer { nanoseconds += MonotonicClock.now() - start }
        return try upstream.read(into: buffer)
    }
}
