/// The binary form of a ``Shard`` on a worker's pipe: a shard's bytes are mostly raw JSON, so
/// they travel as they are, with little-endian lengths around them.
public enum ShardCodec {
    public static func encode(_ shard: Shard) -> [UInt8] {
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

    public static func decode(_ bytes: [UInt8]) throws -> Shard {
        var reader = Reader(bytes: bytes)
        let ordinal = Int(try reader.integer(UInt64.self))
        let account = String(decoding: try reader.block(), as: UTF8.self)
        let count = Int(try reader.integer(UInt32.self))
        var parts: [ConversationPart] = []
        for _ in 0..<count {
            let id = String(decoding: try reader.block(), as: UTF8.self)
            let slice = Int(try reader.integer(UInt32.self))
            let messageCount = Int(try reader.integer(UInt32.self))
            let hasHeader = try reader.integer(UInt8.self) == 1
            let header = hasHeader ? try reader.block() : nil
            let messages = try reader.block()
            parts.append(ConversationPart(conversationID: id, slice: slice, header: header,
                                          messages: messages, messageCount: messageCount))
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
            guard position + size <= bytes.count else { throw Self.truncated }
            var value: T = 0
            for index in 0..<size { value |= T(bytes[position + index]) << (8 * index) }
            position += size
            return value
        }

        mutating func block() throws -> [UInt8] {
            let count = Int(try integer(UInt32.self))
            guard position + count <= bytes.count else { throw Self.truncated }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }

        static let truncated = LoadError(.workerProtocol, "a shard frame is shorter than its contents say")
    }
}
