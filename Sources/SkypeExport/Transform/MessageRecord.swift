/// One message as it is stored in `messages`: the columns, in COPY order.
package struct MessageRecord: Sendable, Equatable {
    package var conversationID: String
    /// The export's owner (`userId`), "" when the export names none: conversations are the
    /// account's own (Alice's `8:bob` is not Carol's).
    package var account: String = ""
    package var messageID: String
    /// Identity within (`account`, `conversationID`, `messageID`): a hash of the arrival time,
    /// sender and type (``MessageIdentity``), so that an edited, deleted or reacted-to message
    /// stays one message and distinct messages sharing an id do not merge.
    package var fingerprint: Int64
    /// `originalarrivaltime`.
    package var sentTime: SkypeTimestamp
    package var senderID: String?
    package var senderName: String?
    package var messageType: String?
    /// `content` as UTF-8 (valid, repaired): the row takes it as bytes.
    package var contentUTF8: [UInt8]?
    package var isEdited: Bool
    package var isDeleted: Bool
    /// `properties.isserversidegenerated`: a blank message the server made.
    package var isServerGenerated: Bool
    /// `properties.edittime` and `deletetime`, epoch milliseconds.
    package var editedAtMilliseconds: Int64?
    package var deletedAtMilliseconds: Int64?
    package var version: Int64?
    /// `properties` as compact JSON, for the `jsonb` column.
    package var properties: String?
    /// `amsreferences` as compact JSON.
    package var amsReferences: String?
    /// Byte offset of the message in `messages.json`.
    package var sourceOffset: Int64
    /// Position of the message in its conversation's `MessageList`.
    package var sourceIndex: Int
    /// `body_text` for the kinds whose content is not the sender's words (``ReadableText``:
    /// thread events, calls, files, polls, contacts, locations); nil for the others, whose
    /// `body_text` is the content's ``PlainText``.
    package var readableText: [UInt8]? = nil

    /// The columns of `messages`, in the order ``write(to:)`` writes them.
    package static let columns = [
        "conversation_id", "account", "message_id", "fingerprint", "sent_at", "sender_id", "sender_name",
        "message_type", "content", "body_text", "is_edited", "is_deleted", "edited_at", "deleted_at",
        "version", "properties", "amsreferences", "source_offset", "source_index", "is_server_generated",
    ]

    /// `content`, the message's HTML-ish markup as the export has it.
    package var content: String? { contentUTF8.map { String(decoding: $0, as: UTF8.self) } }

    /// What a person reads: ``readableText`` when set, else the content's ``PlainText``. What
    /// the full-text index sees. Computed, not stored: the COPY writer converts the content
    /// straight into its buffer.
    package var bodyText: String? {
        if let readableText { return String(decoding: readableText, as: UTF8.self) }
        return content.map(PlainText.from(html:))
    }

    /// The same instant, for the binary COPY.
    package var sentAtUnixMicroseconds: Int64 { sentTime.unixMicroseconds }

    /// Which of two states of one message is the newer: see ``MessageRevision``.
    var revision: MessageRevision {
        MessageRevision(changedAt: max(editedAtMilliseconds ?? .min, deletedAtMilliseconds ?? .min),
                        version: version ?? .min, isDeleted: isDeleted)
    }

    /// Writes the row, in the order of ``columns`` and with each column's type.
    package func write(to writer: inout BinaryCopyWriter) {
        writer.beginRow(fields: Self.columns.count)
        writer.text(conversationID)
        writer.text(account)
        writer.text(messageID)
        writer.int8(fingerprint)
        writer.timestamp(unixMicroseconds: sentAtUnixMicroseconds)
        writer.text(senderID)
        writer.text(senderName)
        writer.text(messageType)
        writer.text(utf8: contentUTF8)
        if let readableText {
            writer.text(utf8: readableText)
        } else if let contentUTF8 {
            contentUTF8.withUnsafeBufferPointer { html in writer.text { PlainText.append(html: html, to: &$0) } }
        } else {
            writer.text(nil)
        }
        writer.bool(isEdited)
        writer.bool(isDeleted)
        writer.timestamp(unixMicroseconds: editedAtMilliseconds.map { $0 * 1000 })
        writer.timestamp(unixMicroseconds: deletedAtMilliseconds.map { $0 * 1000 })
        writer.int8(version)
        writer.jsonb(properties)
        writer.jsonb(amsReferences)
        writer.int8(sourceOffset)
        writer.int4(Int32(clamping: sourceIndex))
        writer.bool(isServerGenerated)
    }
}
