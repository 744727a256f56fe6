/// Counts the time spent reading (and so decompressing) the export, for the report's phases.
final class TimedByteSource: ByteSource {
    private let upstream: ByteSource
    /// Nanoseconds spent inside `read`.
    private(set) var nanoseconds: UInt64 = 0

    init(_ upstream: ByteSource) { self.upstream = upstream }

    var storedBytesRead: Int64 { upstream.storedBytesRead }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let start = MonotonicClock.now()
        defer { nanoseconds += MonotonicClock.now() - start }
        return try upstream.read(into: buffer)
    }
}
