/// Lets the format detector look at the first bytes of a stream and then replays them, so
/// that detection works on pipes as well as on files.
final class PeekableByteSource: ByteSource {
    private let upstream: any ByteSource
    private var replay: [UInt8] = []
    private var replayPosition = 0

    init(_ upstream: any ByteSource) { self.upstream = upstream }

    var storedBytesRead: Int64 { upstream.storedBytesRead }

    /// Returns up to `count` first bytes (fewer only if the stream is shorter). Call before any read.
    func peek(_ count: Int) throws -> [UInt8] {
        if replay.count < count {
            var more = [UInt8](repeating: 0, count: count - replay.count)
            let got = try more.withUnsafeMutableBytes { try upstream.readFully(into: $0) }
            replay.append(contentsOf: more[0..<got])
        }
        return Array(replay.prefix(count))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if replayPosition < replay.count {
            let count = min(buffer.count, replay.count - replayPosition)
            replay.withUnsafeBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[replayPosition..<(replayPosition + count)]))
            }
            replayPosition += count
            if replayPosition == replay.count {
                replay = []
                replayPosition = 0
            }
            return count
        }
        return try upstream.read(into: buffer)
    }
}
