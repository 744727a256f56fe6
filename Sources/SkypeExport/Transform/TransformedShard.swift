/// A shard turned into COPY rows, ready to send, with what was learned on the way.
public struct TransformedShard: Sendable {
    /// Rows for `messages` (or its staging table), binary COPY format.
    package var messageRows: [UInt8] = []
    /// The conversations whose header this shard carries, in order, with their listed members
    /// (bound as arrays to one upsert each: no staging table per shard).
    package var conversationRecords: [ConversationRecord] = []
    /// Rows for the structure tables (attachments, calls, ...), COPY text format.
    package var structureRows: [StructureTable: [UInt8]] = [:]
    /// Messages turned into rows, repeats within the shard included.
    package var messages = 0
    /// Rows in `messageRows`: the distinct messages.
    package var rows = 0
    /// Conversations whose header this shard carries.
    package var conversations = 0
    /// Messages by `messagetype`.
    package var messageTypes: [String: Int] = [:]
    package var repairs = RepairCounts()
    /// Messages that could not be loaded, by reason.
    package var rejects: [RejectReason: Int] = [:]
    /// One record per rejected message, raw JSON included.
    package var rejectRecords: [RejectRecord] = []
    /// The source offset of each row in `messageRows`, in order, and of each structure row: a
    /// COPY error names a row by its number, which these turn into the message to set aside.
    package var messageRowOffsets: [Int64] = []
    package var structureRowOffsets: [StructureTable: [Int64]] = [:]
    /// Messages whose readable text may be too long for the full-text index: the server is
    /// asked (``ServerLimits/textSearchSafeBytes``), by offset.
    package var textSearchChecks: [(offset: Int64, text: String)] = []
    /// The conversations this shard touches, for the ledger.
    package var conversationIDs: [String] = []

    package init() {}

    /// ``rejects`` keyed as the report and the reject file name them.
    package var rejectCounts: [String: Int] {
        Dictionary(uniqueKeysWithValues: rejects.map { ($0.key.rawValue, $0.value) })
    }
}
