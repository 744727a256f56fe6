import SkypeExport

extension ShardTransformer {
    /// One message's JSON through the load's own per-message path (its bytes, the members a
    /// row needs, the row, its structure, the key limits), as a shard's transform and
    /// `inspect` read it.
    static func parse(json: String, conversationID: String = "8:a", offset: Int64 = 0, index: Int = 0)
        -> Result<ParsedMessage, RejectReason> {
        var members: [JSONMember?] = []
        var repairs = RepairCounts()
        return Array(json.utf8).withUnsafeBytes {
            read($0, conversationID: conversationID, account: "8:live:me", offset: offset, index: index,
                 members: &members, repairs: &repairs).parsed
        }
    }
}

extension ShardTransformer {
    /// A conversation's row from the JSON of its own keys, as the shard transform reads it.
    static func conversation(json: String, id: String) -> ConversationRecord {
        var repairs = RepairCounts()
        return readConversation(Array(json.utf8), id: id, account: "8:live:me", repairs: &repairs).record
    }
}

extension MessageRecord {
    /// The columns in PostgreSQL's text forms, for tests that compare them with what the
    /// binary COPY stored.
    var sentAt: String { sentTime.postgresText }
    var editedAt: String? { editedAtMilliseconds.map { EpochTime.postgresText(milliseconds: $0) } }
    var deletedAt: String? { deletedAtMilliseconds.map { EpochTime.postgresText(milliseconds: $0) } }
}
