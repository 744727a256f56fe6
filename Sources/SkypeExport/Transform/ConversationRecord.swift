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

    /// The columns of the conversation staging table, in the order ``write(to:ordinal:)`` writes them.
    package static let columns = [
        "id", "account", "display_name", "title", "kind", "topic", "version", "properties", "thread_properties", "ordinal",
    ]

    package func write(to writer: inout CopyWriter, ordinal: Int) {
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
