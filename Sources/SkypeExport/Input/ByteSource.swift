/// A stream of bytes read front to back, such as a file, a decompressor or a tar entry.
///
/// Sources are used by one thread at a time; they are classes because each holds a position.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns the count, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// How many bytes of the file as stored (before decompression) have been consumed, for
    /// error locations and progress.
    var storedBytesRead: Int64 { get }
}

extension ByteSource {
    /// Reads exactly `buffer.count` bytes unless the stream ends first; returns the count read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
            let count = try read(into: slice)
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}
