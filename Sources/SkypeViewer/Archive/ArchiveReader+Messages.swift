import SkypeExport

/// Which messages of a conversation a page holds.
package enum MessageWindow: Sendable, Equatable {
    /// The newest messages (the page a conversation opens at).
    case newest
    /// The oldest messages.
    case oldest
    /// The messages after a cursor (older to newer).
    case after(MessageCursor)
    /// The messages before a cursor.
    case before(MessageCursor)
    /// The messages from a local date on (`YYYY-MM-DD`).
    case from(date: String)
    /// The messages around one (a permalink): half before it, the message and half after.
    case around(MessageCursor)
}

/// A page of a conversation: its messages, oldest first, and whether there are more on each side.
package struct MessagePage: Sendable, Equatable {
    package var messages: [ArchiveMessage]
    package var hasOlder: Bool
    package var hasNewer: Bool
}

extension ArchiveReader {
    /// The columns of a message itself; its structure rows come from `structureRows`.
    private var messageColumns: String {
        """
        m.account, m.conversation_id, m.message_id, m.fingerprint,
        to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        to_char(m.sent_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS'),
        m.sender_id, m.sender_name, coalesce(m.message_type, ''), coalesce(m.content, ''), coalesce(m.body_text, ''),
        to_char(m.edited_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'), to_char(m.deleted_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'),
        m.is_edited, m.is_deleted
        """
    }

    /// The reactions, quotes, attachments and calls (a row per participant) of a page's
    /// messages, one row each, in the order a page shows them (`ordinal` within each kind). One scan of
    /// each table by the page's message ids costs a fraction of four correlated subqueries per
    /// message, and plain columns a fraction of JSON aggregates decoded again here.
    private var structureRows: String {
        """
        SELECT 'r', r.message_id, r.fingerprint,
               row_number() OVER (ORDER BY r.message_id, r.fingerprint, r.reaction, r.reacted_at, r.user_id),
               r.reaction, r.user_id, NULL, NULL, NULL, NULL, NULL, NULL
          FROM $schema.reactions r
         WHERE r.conversation_id = $1 AND r.account = $2 AND r.message_id = ANY($4::text[])
        UNION ALL
        SELECT 'q', q.message_id, q.fingerprint, row_number() OVER (ORDER BY q.message_id, q.fingerprint, q.position),
               q.quoted_message_id, q.quoted_conversation_id, q.author_name, q.author_id,
               to_char(q.quoted_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'), q.quoted_text, NULL, NULL
          FROM $schema.quotes q
         WHERE q.conversation_id = $1 AND q.account = $2 AND q.message_id = ANY($4::text[])
        UNION ALL
        SELECT 'a', a.message_id, a.fingerprint, row_number() OVER (ORDER BY a.message_id, a.fingerprint, a.position),
               a.position::text, a.kind, coalesce(a.name, f.file_name), a.size_bytes::text, a.doc_id, f.content_type,
               o.archive_entry,
               EXISTS (SELECT 1 FROM $schema.media_entries t WHERE t.account = a.account AND t.doc_id = a.doc_id
                                                               AND t.variant = 'thumbnail')::text
          FROM $schema.attachments a
          LEFT JOIN $schema.media_files f ON f.account = a.account AND f.doc_id = a.doc_id
          LEFT JOIN LATERAL (SELECT e.archive_entry FROM $schema.media_entries e
                              WHERE e.account = a.account AND e.doc_id = a.doc_id AND e.variant = 'original'
                              ORDER BY e.archive_entry LIMIT 1) o ON true
         WHERE a.conversation_id = $1 AND a.account = $2 AND a.message_id = ANY($4::text[])
        UNION ALL
        SELECT 'c', k.message_id, k.fingerprint, row_number() OVER (ORDER BY k.message_id, k.fingerprint, p.position),
               k.state, coalesce(nullif(p.name, ''), p.participant_id), p.duration_seconds::text, NULL, NULL, NULL, NULL, NULL
          FROM $schema.calls k
          LEFT JOIN $schema.call_participants p ON p.conversation_id = k.conversation_id AND p.message_id = k.message_id
                                               AND p.fingerprint = k.fingerprint AND p.account = k.account
         WHERE k.conversation_id = $1 AND k.account = $2 AND k.message_id = ANY($4::text[])
        ORDER BY 1, 4
        """
    }

    /// The messages of one window of a conversation, at most `limit`, oldest first, each with
    /// its reactions, quotes, attachments and call.
    package func messages(account: String, conversation: String, window: MessageWindow, limit: Int) throws -> MessagePage {
        var page = try bareMessages(account: account, conversation: conversation, window: window, limit: limit)
        try attachStructure(to: &page.messages, account: account, conversation: conversation)
        return page
    }

    private func bareMessages(account: String, conversation: String, window: MessageWindow, limit: Int) throws -> MessagePage {
        switch window {
        case .newest:
            let rows = try select(account, conversation, "", [], descending: true, limit: limit + 1)
            return MessagePage(messages: Array(rows.prefix(limit).reversed()), hasOlder: rows.count > limit, hasNewer: false)
        case .oldest:
            let rows = try select(account, conversation, "", [], descending: false, limit: limit + 1)
            return MessagePage(messages: Array(rows.prefix(limit)), hasOlder: false, hasNewer: rows.count > limit)
        case .after(let cursor):
            let rows = try select(account, conversation, Self.keyset(">"), Self.parameters(cursor), descending: false, limit: limit + 1)
            return MessagePage(messages: Array(rows.prefix(limit)), hasOlder: true, hasNewer: rows.count > limit)
        case .before(let cursor):
            let rows = try select(account, conversation, Self.keyset("<"), Self.parameters(cursor), descending: true, limit: limit + 1)
            return MessagePage(messages: Array(rows.prefix(limit).reversed()), hasOlder: rows.count > limit, hasNewer: true)
        case .from(let date):
            let condition = "AND m.sent_at >= ($4::date::timestamp AT TIME ZONE $3)"
            let rows = try select(account, conversation, condition, [date], descending: false, limit: limit + 1)
            if rows.isEmpty {
                // A date after the last message: show the newest, as a person expects.
                return try bareMessages(account: account, conversation: conversation, window: .newest, limit: limit)
            }
            let earlier = try select(account, conversation, "AND m.sent_at < ($4::date::timestamp AT TIME ZONE $3)", [date],
                                     descending: true, limit: 1)
            return MessagePage(messages: Array(rows.prefix(limit)), hasOlder: !earlier.isEmpty, hasNewer: rows.count > limit)
        case .around(let cursor):
            let half = max(1, limit / 2)
            let older = try select(account, conversation, Self.keyset("<"), Self.parameters(cursor), descending: true, limit: half + 1)
            let rest = try select(account, conversation, Self.keyset(">="), Self.parameters(cursor), descending: false,
                                  limit: limit - half + 1)
            return MessagePage(messages: Array(older.prefix(half).reversed()) + Array(rest.prefix(limit - half)),
                               hasOlder: older.count > half, hasNewer: rest.count > limit - half)
        }
    }

    /// The message with this id (and fingerprint, when given) in a conversation: what a
    /// permalink or a quote points at. Without a fingerprint, the earliest message with the id.
    package func cursor(account: String, conversation: String, messageID: String, fingerprint: Int64?) throws -> MessageCursor? {
        try rows("""
            SELECT to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), m.message_id, m.fingerprint
            FROM $schema.messages m
            WHERE m.conversation_id = $1 AND m.account = $2 AND m.message_id = $3 AND ($4::bigint IS NULL OR m.fingerprint = $4)
            ORDER BY m.sent_at, m.fingerprint LIMIT 1
            """, [conversation, account, messageID, fingerprint.map(String.init)]).first.flatMap { row in
            row.int64(2).map { MessageCursor(sentAt: row.text(0), messageID: row.text(1), fingerprint: $0) }
        }
    }

    /// The row comparison of a keyset page. The plain `sent_at` bound beside it is what lets
    /// the `(conversation_id, sent_at)` index narrow the scan; the row comparison breaks ties.
    private static func keyset(_ comparison: String) -> String {
        let bound = comparison.hasPrefix(">") ? ">=" : "<="
        return """
            AND m.sent_at \(bound) $4::timestamptz
            AND (m.sent_at, m.message_id, m.fingerprint) \(comparison) ($4::timestamptz, $5, $6::bigint)
            """
    }

    private static func parameters(_ cursor: MessageCursor) -> [String?] {
        [cursor.sentAt, cursor.messageID, String(cursor.fingerprint)]
    }

    private func select(_ account: String, _ conversation: String, _ condition: String, _ extra: [String?],
                        descending: Bool, limit: Int) throws -> [ArchiveMessage] {
        let order = descending ? "DESC" : "ASC"
        let limitParameter = "$\(4 + extra.count)"
        return try rows("""
            SELECT \(messageColumns)
            FROM $schema.messages m
            WHERE m.conversation_id = $1 AND m.account = $2 \(condition)
            ORDER BY m.sent_at \(order), m.message_id \(order), m.fingerprint \(order)
            LIMIT \(limitParameter)
            """, [conversation, account, timeZone] + extra + [String(limit)]).compactMap(Self.message)
    }

    static func message(_ row: ArchiveRow) -> ArchiveMessage? {
        guard let fingerprint = row.int64(3) else { return nil }
        let localTime = row.text(5)
        return ArchiveMessage(
            account: row.text(0), conversationID: row.text(1), messageID: row.text(2), fingerprint: fingerprint,
            cursor: MessageCursor(sentAt: row.text(4), messageID: row.text(2), fingerprint: fingerprint),
            localTime: localTime, localDate: String(localTime.prefix(10)), senderID: row.string(6), senderName: row.string(7),
            messageType: row.text(8), content: row.text(9), bodyText: row.text(10), editedAt: row.string(11),
            deletedAt: row.string(12), isEdited: row.bool(13), isDeleted: row.bool(14))
    }

    /// Fills in the structure rows of `messages`, all from one conversation, in one round trip.
    private func attachStructure(to messages: inout [ArchiveMessage], account: String, conversation: String) throws {
        guard !messages.isEmpty else { return }
        let identifiers = CopyEncoding.textArrayLiteral(messages.map(\.messageID))
        var positions: [String: [Int]] = [:]
        for (position, message) in messages.enumerated() { positions[message.messageID, default: []].append(position) }
        for row in try rows(structureRows, [conversation, account, timeZone, identifiers]) {
            guard let fingerprint = row.int64(2), let matches = positions[row.text(1)] else { continue }
            for position in matches where messages[position].fingerprint == fingerprint {
                Self.attach(row, to: &messages[position])
            }
        }
    }

    /// One structure row (columns 4 on: its values) added to its message.
    private static func attach(_ row: ArchiveRow, to message: inout ArchiveMessage) {
        switch row.text(0) {
        case "r":
            message.reactions.append(.init(reaction: row.text(4), user: row.text(5)))
        case "q":
            message.quotes.append(.init(messageID: row.string(4), conversationID: row.string(5), authorName: row.string(6),
                                        authorID: row.string(7), quotedAt: row.string(8), text: row.string(9)))
        case "a":
            message.attachments.append(.init(position: row.int(4) ?? 0, kind: row.string(5), name: row.string(6),
                                             sizeBytes: row.int64(7), docID: row.string(8), contentType: row.string(9),
                                             hasOriginal: row.string(10) != nil, hasThumbnail: row.text(11) == "true",
                                             archiveEntry: row.string(10)))
        case "c":
            // One row per participant of the call (or one without, for a call nobody is listed in).
            var call = message.call ?? .init(state: row.string(4), seconds: nil, participants: nil)
            if let name = row.string(5) { call.participants = (call.participants ?? []) + [name] }
            if let seconds = row.string(6).flatMap(Double.init) {
                // PostgreSQL's max, which the statement used to take: NaN above every number.
                call.seconds = seconds.isNaN || (call.seconds?.isNaN ?? false) ? .nan : max(call.seconds ?? seconds, seconds)
            }
            message.call = call
        default:
            break
        }
    }
}
