/// Cuts the stream of conversations and messages into shards of about `shardBytes` bytes:
/// small conversations grouped, a large conversation's messages cut into slices.
///
/// The cuts depend only on the bytes of the export and `shardBytes`, never on timing, so a
/// rerun cuts the same shards.
final class ShardBuilder {
    private let shardBytes: Int
    private let spillDirectory: String
    private let emit: (Shard) throws -> Void
    private var parts: [ConversationPart] = []
    private var partsBytes = 0
    private var open = ConversationPart(conversationID: "", slice: 0, header: nil)
    private var conversationID: String?
    private var spill: SliceSpill?
    private var nextOrdinal = 0
    /// The export's owner, stamped on every shard (``Shard/account``).
    var account = ""

    /// Shards emitted so far.
    var shardCount: Int { nextOrdinal }

    init(shardBytes: Int, spillDirectory: String, emit: @escaping (Shard) throws -> Void) {
        self.shardBytes = max(1, shardBytes)
        self.spillDirectory = spillDirectory
        self.emit = emit
    }

    func beginConversation() {
        open = ConversationPart(conversationID: "", slice: 0, header: nil)
        conversationID = nil
    }

    func conversationIDKnown(_ id: String) {
        conversationID = id
    }

    func addMessage(_ bytes: UnsafeRawBufferPointer, offset: Int64, index: Int) throws {
        open.appendMessage(bytes, offset: offset, index: index)
        if partsBytes + open.byteCount >= shardBytes {
            try cutSlice()
        }
    }

    /// Closes the current conversation; `header` holds its own keys as a JSON object.
    func endConversation(id: String, header: [UInt8]) throws {
        if let spill, !spill.isEmpty {
            try spill.drain(conversationID: id) { part in
                try emitShard([part])
            }
        }
        var part = open
        part.conversationID = id
        part.header = header
        open = ConversationPart(conversationID: "", slice: 0, header: nil)
        parts.append(part)
        partsBytes += part.byteCount
        if partsBytes >= shardBytes { try flush() }
    }

    /// Emits what is left. Call once, after the last conversation.
    func finish() throws {
        try flush()
    }

    private func cutSlice() throws {
        var slice = open
        open = ConversationPart(conversationID: "", slice: slice.slice + 1, header: nil)
        if let id = conversationID {
            slice.conversationID = id
            parts.append(slice)
            partsBytes += slice.byteCount
        } else {
            if spill == nil { spill = try SliceSpill(directory: spillDirectory) }
            try spill?.append(slice)
        }
        try flush()
    }

    private func flush() throws {
        guard !parts.isEmpty else { return }
        let ready = parts
        parts = []
        partsBytes = 0
        try emitShard(ready)
    }

    private func emitShard(_ parts: [ConversationPart]) throws {
        let shard = Shard(ordinal: nextOrdinal, parts: parts, account: account)
        nextOrdinal += 1
        try emit(shard)
    }
}
