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
        var reader = FrameFieldReader(bytes, frame: "shard frame")
        let ordinal = try reader.int(UInt64.self, "a shard ordinal")
        let account = try reader.text("an account")
        let count = Int(try reader.integer(UInt32.self))
        var parts: [ConversationPart] = []
        for _ in 0..<count {
            let id = try reader.text("a conversation id")
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
        try reader.end(after: "the last part")
        return Shard(ordinal: ordinal, parts: parts, account: account)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    private static func appendBytes(_ bytes: [UInt8], to output: inout [UInt8]) {
        append(UInt32(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }
}
