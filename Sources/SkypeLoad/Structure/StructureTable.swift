/// The tables that hold what the markup of a message means, one row per thing: each row starts
/// with the message's identity (`conversation_id`, `message_id`, `fingerprint`).
public enum StructureTable: String, CaseIterable, Sendable {
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
    public var columns: [String] {
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

    public static let identityColumns = ["conversation_id", "message_id", "fingerprint"]
}

/// A value in a structure row, written in COPY text format.
public enum StructureValue: Sendable, Equatable {
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
public struct StructureRow: Sendable, Equatable {
    public var table: StructureTable
    public var values: [StructureValue]
}
