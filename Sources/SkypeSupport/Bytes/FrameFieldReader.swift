/// Reads the fields of a binary frame one process received from another over a pipe (a shard,
/// a media shard): little-endian integers and length-prefixed blocks, each checked against the
/// bytes that remain before anything is taken or allocated, so that a length field is never
/// trusted beyond the frame. Every failure is a ``LoadError`` `.workerProtocol` naming the byte
/// where the frame goes wrong.
package struct FrameFieldReader {
    package let bytes: [UInt8]
    /// What the frame is, for messages: "shard frame", "media shard frame".
    package let frame: String
    package private(set) var position = 0

    package init(_ bytes: [UInt8], frame: String) {
        self.bytes = bytes
        self.frame = frame
    }

    package var remaining: Int { bytes.count - position }

    package mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated() }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[position + index]) << (8 * index) }
        position += size
        return value
    }

    /// An unsigned integer field as an `Int`; `name` says what it is when it is beyond `Int`.
    package mutating func int<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ name: String) throws -> Int {
        let offset = position
        guard let value = Int(exactly: try integer(type)) else { throw failure("\(name) beyond Int", at: offset) }
        return value
    }

    /// The next `count` bytes.
    package mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw truncated() }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// A block: its length (4 bytes), then its bytes.
    package mutating func block() throws -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)))
    }

    /// A block of text, which must be valid UTF-8: the sender encodes only Swift strings, and
    /// decoding it leniently would hand on another text than the one sent.
    package mutating func text(_ name: String) throws -> String {
        let offset = position
        guard let text = String(validating: try block(), as: UTF8.self) else {
            throw failure("\(name) that is not UTF-8", at: offset)
        }
        return text
    }

    /// Checks that the frame holds nothing after its last field.
    package func end(after last: String) throws {
        guard remaining == 0 else { throw failure("\(remaining) bytes after \(last)", at: position) }
    }

    package func truncated() -> LoadError {
        failure("a \(frame) of \(bytes.count) bytes is shorter than its contents say", at: position)
    }

    package func failure(_ message: String, at offset: Int) -> LoadError {
        LoadError(.workerProtocol, "\(message) (byte \(offset) of the \(frame))", location: .init(offset: Int64(offset)))
    }
}
