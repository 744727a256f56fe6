package import SkypeExport
import SkypeSupport

/// The binary form of a ``Shard`` on a worker's pipe: a shard's bytes are mostly raw JSON, so
/// they travel as they are, with little-endian lengths around them.
package enum ShardCodec {
    package static func encode(_ shard: Shard) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(shard.byteCount + 64 * shard.parts.count + 16)
        append(UInt64(shard.ordinal), to: &output)
        appendBytes(Array(shard.account.utf8), to: &output)
        append(UInt32(shard.parts.count), to: &output)
        for part in shard.parts {
            appendBytes(Array(part.conversationID.utf8), to: &output)
            append(UInt32(part.slice), to: &output)
            append(UInt32(part.messageCount), to: &output)
            output.append(part.header == nil ? 0 : 1)
            if let header = part.header { appendBytes(header, to: &output) }
            appendBytes(part.messages, to: &output)
        }
        return output
    }

    /// Decodes a shard frame; any frame that is not exactly what ``encode(_:)`` makes is a
    /// ``LoadError`` `.workerProtocol` naming the byte where it goes wrong.
    package static func decode(_ bytes: [UInt8]) throws -> Shard {
        var reader = Reader(bytes: bytes)
        guard let ordinal = Int(exactly: try reader.integer(UInt64.self)) else {
            throw reader.failure("a shard ordinal beyond Int", at: 0)
        }
        let account = String(decoding: try reader.block(), as: UTF8.self)
        let count = Int(try reader.integer(UInt32.self))
        var parts: [ConversationPart] = []
        for _ in 0..<count {
            let id = String(decoding: try reader.block(), as: UTF8.self)
            let slice = Int(try reader.integer(UInt32.self))
            let messageCount = Int(try reader.integer(UInt32.self))
            let flagOffset = reader.position
            let header: [UInt8]?
            switch try reader.integer(UInt8.self) {
            case 0: header = nil
            case 1: header = try reader.block()
            default: throw reader.failure("a header flag that is neither 0 nor 1", at: flagOffset)
            }
            let messagesOffset = reader.position + 4
            let messages = try reader.block()
            // The count must be the frames the bytes hold, each whole: the transform trusts both.
            guard let frames = MessageFrame.count(in: messages), frames == messageCount else {
                throw reader.failure("a part whose messages do not match its count of \(messageCount)", at: messagesOffset)
            }
            parts.append(ConversationPart(conversationID: id, slice: slice, header: header,
                                          messages: messages, messageCount: messageCount))
        }
        guard reader.position == bytes.count else {
            throw reader.failure("\(bytes.count - reader.position) bytes after the last part", at: reader.position)
        }
        return Shard(ordinal: ordinal, parts: parts, account: account)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    private static func appendBytes(_ bytes: [UInt8], to output: inout [UInt8]) {
        append(UInt32(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard bytes.count - position >= size else { throw truncated() }
            var value: T = 0
            for index in 0..<size { value |= T(bytes[position + index]) << (8 * index) }
            position += size
            return value
        }

        mutating func block() throws -> [UInt8] {
            let count = Int(try integer(UInt32.self))
            guard bytes.count - position >= count else { throw truncated() }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }

        func truncated() -> LoadError {
            failure("a shard frame of \(bytes.count) bytes is shorter than its contents say", at: position)
        }

        func failure(_ message: String, at offset: Int) -> LoadError {
            LoadError(.workerProtocol, "\(message) (byte \(offset) of the shard frame)",
                      location: .init(offset: Int64(offset)))
        }
    }
}
