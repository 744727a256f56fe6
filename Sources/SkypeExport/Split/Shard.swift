/// A unit of loading: some conversations, or a slice of one, that a worker loads in one
/// transaction. Its identity (``ShardKey``) comes from its content, so the same export cut with
/// the same shard size yields the same shards and a rerun recognises what is already loaded.
public struct Shard: Sendable {
    /// Position of the shard in this run's sequence, for progress and error messages.
    package var ordinal: Int
    /// The conversations, or slices of one, that the shard holds.
    package var parts: [ConversationPart]
    /// The export's owner (`userId`), "" when the export names none (or names it only after
    /// its conversations): every row the shard makes belongs to this account.
    package var account: String

    package init(ordinal: Int, parts: [ConversationPart], account: String = "") {
        self.ordinal = ordinal
        self.parts = parts
        self.account = account
    }

    /// The bytes of raw JSON the shard carries.
    package var byteCount: Int { parts.reduce(0) { $0 + $1.byteCount } }
    /// The messages the shard carries.
    public var messageCount: Int { parts.reduce(0) { $0 + $1.messageCount } }

    /// A short human name: the first conversation and slice, as in `#12 19:abc@thread.skype[3]`.
    package var label: String {
        guard let first = parts.first else { return "#\(ordinal)" }
        let more = parts.count > 1 ? " +\(parts.count - 1)" : ""
        return "#\(ordinal) \(first.conversationID)[\(first.slice)]\(more)"
    }
}

/// The messages of one conversation within a shard: the whole conversation, or one slice of a
/// conversation too large for one shard.
package struct ConversationPart: Sendable {
    /// The conversation's `id`.
    package var conversationID: String
    /// 0 for the first (or only) slice of the conversation, counting up.
    package var slice: Int
    /// The conversation's own keys (`id`, `displayName`, `threadProperties`, ...) as a JSON
    /// object, present only on the part that ends the conversation: only then are they all known.
    package var header: [UInt8]?
    /// The messages, each framed as ``MessageFrame`` describes.
    package var messages: [UInt8]
    /// How many messages `messages` holds.
    package var messageCount: Int

    package init(conversationID: String, slice: Int, header: [UInt8]?, messages: [UInt8] = [], messageCount: Int = 0) {
        self.conversationID = conversationID
        self.slice = slice
        self.header = header
        self.messages = messages
        self.messageCount = messageCount
    }

    package var byteCount: Int { messages.count + (header?.count ?? 0) }

    /// Appends one message's raw JSON bytes.
    package mutating func appendMessage(_ bytes: UnsafeRawBufferPointer, offset: Int64, index: Int) {
        MessageFrame.append(to: &messages, offset: offset, index: index, bytes: bytes)
        messageCount += 1
    }

    /// Calls `body` for each message: its byte offset in `messages.json`, its index in the
    /// conversation's `MessageList`, and its raw JSON bytes.
    package func forEachMessage(_ body: (Int64, Int, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try messages.withUnsafeBytes { all in
            var position = 0
            while position + MessageFrame.headerSize <= all.count {
                let frame = MessageFrame.read(all, at: position)
                let start = position + MessageFrame.headerSize
                let end = min(start + frame.length, all.count)
                try body(frame.offset, frame.index, UnsafeRawBufferPointer(rebasing: all[start..<end]))
                position = end
            }
        }
    }
}

/// How a message is framed inside ``ConversationPart/messages``: offset (8 bytes), index in
/// the conversation (4), length (4), all little-endian, then the raw JSON.
package enum MessageFrame {
    static let headerSize = 16

    static func append(to buffer: inout [UInt8], offset: Int64, index: Int, bytes: UnsafeRawBufferPointer) {
        withUnsafeBytes(of: UInt64(bitPattern: offset).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: index).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
    }

    /// How many whole frames `bytes` holds, or nil when they do not end exactly at its end.
    package static func count(in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { all in
            var position = 0
            var count = 0
            while all.count - position >= headerSize {
                let length = read(all, at: position).length
                guard all.count - position - headerSize >= length else { return nil }
                position += headerSize + length
                count += 1
            }
            return position == all.count ? count : nil
        }
    }

    static func read(_ bytes: UnsafeRawBufferPointer, at position: Int) -> (offset: Int64, index: Int, length: Int) {
        let offset = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        let index = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self))
        let length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self))
        return (Int64(bitPattern: offset), Int(index), Int(length))
    }
}
