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

    /// The columns of the conversation staging table, in the order ``write(to:ordinal:)`` writes them.
    public static let columns = [
        "id", "account", "display_name", "title", "kind", "topic", "version", "properties", "thread_properties", "ordinal",
    ]

    public func write(to writer: inout CopyWriter, ordinal: Int) {
        writer.field(id)
        writer.field(account)
        writer.field(displayName)
        writer.field(title)
        writer.field(kind.rawValue)
        writer.field(topic)
        writer.field(version)
        writer.field(properties)
        writer.field(threadProperties)
        writer.field(Int64(ordinal))
        writer.endRow()
    }
}
