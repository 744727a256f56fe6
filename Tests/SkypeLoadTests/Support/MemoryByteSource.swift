@testable import SkypeExport

/// Bytes in memory, handed out at most `chunk` at a time so that every refill path of the
/// splitter runs, including a value split across many reads.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private let chunk: Int
    private var position = 0

    init(_ bytes: [UInt8], chunk: Int = 7) {
        self.bytes = bytes
        self.chunk = chunk
    }

    convenience init(_ text: String, chunk: Int = 7) {
        self.init(Array(text.utf8), chunk: chunk)
    }

    var storedBytesRead: Int64 { Int64(position) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(chunk, buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[position..<(position + count)]))
        }
        position += count
        return count
    }
}
