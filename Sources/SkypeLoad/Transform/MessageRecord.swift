/// One message as it is stored in `messages`: the columns, in COPY order.
public struct MessageRecord: Sendable, Equatable {
    public var conversationID: String
    public var messageID: String
    /// Identity within (`conversationID`, `messageID`): a hash of the arrival time, sender,
    /// type and content, so that exact repeats merge and distinct messages sharing an id do not.
    public var fingerprint: Int64
    public var sentAt: String
    public var senderID: String?
    public var senderName: String?
    public var messageType: String?
    public var content: String?
    public var bodyText: String?
    public var isEdited: Bool
    public var isDeleted: Bool
    /// `properties.isserversidegenerated`: a blank message the server made.
    public var isServerGenerated: Bool
    public var editedAt: String?
    public var deletedAt: String?
    public var version: Int64?
    /// `properties` as compact JSON, for the `jsonb` column.
    public var properties: String?
    /// `amsreferences` as compact JSON.
    public var amsReferences: String?
    /// Byte offset of the message in `messages.json`.
    public var sourceOffset: Int64
    /// Position of the message in its conversation's `MessageList`.
    public var sourceIndex: Int

    /// The columns of `messages`, in the order ``write(to:)`` writes them.
    public static let columns = [
        "conversation_id", "message_id", "fingerprint", "sent_at", "sender_id", "sender_name",
        "message_type", "content", "body_text", "is_edited", "is_deleted", "edited_at", "deleted_at",
        "version", "properties", "amsreferences", "source_offset", "source_index", "is_server_generated",
    ]

    public func write(to writer: inout CopyWriter) {
        writer.field(conversationID)
        writer.field(messageID)
        writer.field(fingerprint)
        writer.field(sentAt)
        writer.field(senderID)
        writer.field(senderName)
        writer.field(messageType)
        writer.field(content)
        writer.field(bodyText)
        writer.field(isEdited)
        writer.field(isDeleted)
        writer.field(editedAt)
        writer.field(deletedAt)
        writer.field(version)
        writer.field(properties)
        writer.field(amsReferences)
        writer.field(sourceOffset)
        writer.field(Int64(sourceIndex))
        writer.field(isServerGenerated)
        writer.endRow()
    }
}
