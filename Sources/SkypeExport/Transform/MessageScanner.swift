/// Reads the messages of conversation parts as a load's transform reads them
/// (``ShardTransformer/read(_:conversationID:account:offset:index:members:repairs:)``), for `inspect` and
/// `verify`, which count what a load would store or reject without writing rows.
package struct MessageScanner {
    /// Scratch space, reused from message to message.
    private var members: [JSONMember?] = []

    package init() {}

    /// Calls `body` with each message of `part`: its row or why it is rejected, its structure
    /// rows (none for a reject), and the repairs its values needed.
    package mutating func forEachMessage(in part: ConversationPart, account: String,
                                 _ body: (Result<ParsedMessage, RejectReason>, [StructureRow], RepairCounts) -> Void) {
        part.forEachMessage { offset, index, bytes in
            var repairs = RepairCounts()
            let message = ShardTransformer.read(bytes, conversationID: part.conversationID, account: account, offset: offset,
                                                index: index, members: &members, repairs: &repairs)
            body(message.parsed, message.structure.rows, repairs)
        }
    }
}
