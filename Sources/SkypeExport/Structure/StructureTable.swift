/// The tables that hold what the markup of a message means, one row per thing: each row starts
/// with the message's identity (`conversation_id`, `account`, `message_id`, `fingerprint`).
package enum StructureTable: String, CaseIterable, Sendable {
    case attachments
    case calls
    case callParticipants = "call_participants"
    case threadEvents = "thread_events"
    case reactions
    case polls
    case sharedContacts = "shared_contacts"
    case locations
    case quotes
    case mentions

    /// The columns after the identity, in COPY order.
    package var columns: [String] {
        switch self {
        case .attachments: return ["position", "kind", "name", "size_bytes", "doc_id", "uri", "thumbnail_uri"]
        case .calls: return ["state", "call_id"]
        case .callParticipants: return ["position", "participant_id", "name", "duration_seconds"]
        case .threadEvents: return ["event_type", "event_time", "initiator", "targets", "value"]
        case .reactions: return ["reaction", "user_id", "reacted_at"]
        case .polls: return ["question", "options"]
        case .sharedContacts: return ["position", "contact_id", "full_name", "kind"]
        case .locations: return ["latitude", "longitude", "address", "label"]
        case .quotes:
            return ["position", "quoted_message_id", "quoted_conversation_id", "author_id", "author_name", "quoted_at",
                    "quoted_text"]
        case .mentions: return ["position", "mentioned_id", "name"]
        }
    }

    /// The columns (after the identity) that an index covers: longer than
    /// ``ServerLimits/indexedBytes``, they make the message a reject.
    var indexedColumns: [String] {
        switch self {
        case .attachments: return ["doc_id", "kind"]
        case .calls: return ["call_id"]
        case .reactions: return ["reaction", "user_id"]
        case .quotes: return ["quoted_message_id"]
        case .mentions: return ["mentioned_id"]
        case .callParticipants, .threadEvents, .polls, .sharedContacts, .locations: return []
        }
    }

    /// The message's identity, the first columns of every structure table.
    package static let identityColumns = ["conversation_id", "account", "message_id", "fingerprint"]

    /// Whether the rows describe one state of the message, replaced with it when a newer
    /// export changes the message (an edit, a deletion). Reactions are not: they are the union
    /// of what every export saw.
    package var followsMessageState: Bool { self != .reactions }
}

/// A value in a structure row, written in COPY text format.
package enum StructureValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
    case textArray([String])

    func write(to writer: inout CopyWriter) {
        switch self {
        case let .text(value): writer.field(value)
        case let .integer(value): writer.field(value)
        case let .real(value): writer.field(value.map { String($0) })
        case let .textArray(values): writer.field(CopyEncoding.textArrayLiteral(values))
        }
    }
}

/// One row for one of the ``StructureTable``s, without the message identity.
package struct StructureRow: Sendable, Equatable {
    package var table: StructureTable
    package var values: [StructureValue]

    /// Whether an indexed value is too long for its index.
    var tooLongForItsIndexes: Bool {
        zip(table.columns, values).contains { column, value in
            guard case let .text(text) = value, table.indexedColumns.contains(column) else { return false }
            return ServerLimits.tooLongForAnIndex(text)
        }
    }
}
