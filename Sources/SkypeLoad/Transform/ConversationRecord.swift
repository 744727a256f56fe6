/// One conversation as it is stored in `conversations`, and its listed members.
public struct ConversationRecord: Sendable, Equatable {
    public var id: String
    /// The export's owner (`userId`), "" when the export names none.
    public var account: String = ""
    /// `displayName` as the export has it (often null or empty).
    public var displayName: String?
    /// What to call the conversation: the display name, else the topic, else the id.
    public var title: String
    public var kind: ConversationKind
    public var topic: String?
    public var version: Int64?
    public var properties: String?
    public var threadProperties: String?
    /// Members from `threadProperties.members`, in either of its two forms.
    public var members: [String]

    /// The upsert's arrays (``LoadStatements/mergeConversations``), one element per record, in
    /// its parameters' order.
    static func arrays(_ records: [ConversationRecord]) -> [String?] {
        func array(_ value: (ConversationRecord) -> String?) -> String? { CopyEncoding.textArrayLiteral(records.map(value)) }
        return [
            array(\.id), array(\.account), array(\.displayName), array(\.title), array(\.kind.rawValue), array(\.topic),
            array { $0.version.map(String.init) }, array(\.properties), array(\.threadProperties),
        ]
    }

    /// The member upsert's arrays (``LoadStatements/mergeMembers``): conversation, account, member.
    static func memberArrays(_ records: [ConversationRecord]) -> [String?] {
        let rows = records.flatMap { record in record.members.map { (record.id, record.account, $0) } }
        return [CopyEncoding.textArrayLiteral(rows.map(\.0)), CopyEncoding.textArrayLiteral(rows.map(\.1)),
                CopyEncoding.textArrayLiteral(rows.map(\.2))]
    }
}
