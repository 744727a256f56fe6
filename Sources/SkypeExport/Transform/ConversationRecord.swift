/// One conversation as it is stored in `conversations`, and its listed members.
package struct ConversationRecord: Sendable, Equatable {
    package var id: String
    /// The export's owner (`userId`), "" when the export names none.
    package var account: String = ""
    /// `displayName` as the export has it (often null or empty).
    package var displayName: String?
    /// What to call the conversation: the display name, else the topic, else the id.
    package var title: String
    package var kind: ConversationKind
    package var topic: String?
    package var version: Int64?
    package var properties: String?
    package var threadProperties: String?
    /// Members from `threadProperties.members`, in either of its two forms.
    package var members: [String]

    /// The upsert's arrays (``LoadStatements/mergeConversations``), one element per record, in
    /// its parameters' order.
    package static func arrays(_ records: [ConversationRecord]) -> [String?] {
        func array(_ value: (ConversationRecord) -> String?) -> String? { CopyEncoding.textArrayLiteral(records.map(value)) }
        return [
            array(\.id), array(\.account), array(\.displayName), array(\.title), array(\.kind.rawValue), array(\.topic),
            array { $0.version.map(String.init) }, array(\.properties), array(\.threadProperties),
        ]
    }

    /// The member upsert's arrays (``LoadStatements/mergeMembers``): conversation, account, member.
    package static func memberArrays(_ records: [ConversationRecord]) -> [String?] {
        let rows = records.flatMap { record in record.members.map { (record.id, record.account, $0) } }
        return [CopyEncoding.textArrayLiteral(rows.map(\.0)), CopyEncoding.textArrayLiteral(rows.map(\.1)),
                CopyEncoding.textArrayLiteral(rows.map(\.2))]
    }
}
