extension ArchiveReader {
    /// The hits of a validated search, best first or newest first.
    package func search(_ request: SearchRequest) throws -> [SearchHit] {
        let order: String
        switch request.order {
        case .rank:
            order = "ts_rank(to_tsvector('simple', coalesce(m.body_text, '')), q) DESC, m.sent_at DESC, m.message_id DESC, m.fingerprint DESC"
        case .newest:
            order = "m.sent_at DESC, m.message_id DESC, m.fingerprint DESC"
        }
        // ts_headline marks matches with U+0001/U+0002 so that the snippet can be escaped part
        // by part; it runs on the rows that survive the LIMIT only (its cost postpones it).
        return try rows("""
            SELECT m.account, m.conversation_id, c.title, m.message_id, m.fingerprint,
                   to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   to_char(m.sent_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), m.sender_id, m.sender_name,
                   ts_headline('simple', coalesce(m.body_text, ''), q,
                               'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
            FROM $schema.messages m
            JOIN $schema.conversations c ON c.id = m.conversation_id AND c.account = m.account
            CROSS JOIN websearch_to_tsquery('simple', $1) q
            WHERE to_tsvector('simple', coalesce(m.body_text, '')) @@ q
              AND ($3::text IS NULL OR m.conversation_id = $3)
              AND ($4::text IS NULL OR m.account = $4)
              AND ($5::text IS NULL OR m.sender_id = $5 OR m.sender_id = '8:' || $5 OR lower(m.sender_name) = lower($5))
              AND ($6::text IS NULL OR m.sent_at >= ($6::date::timestamp AT TIME ZONE $2))
              AND ($7::text IS NULL OR m.sent_at < (($7::date + 1)::timestamp AT TIME ZONE $2))
              AND ($8::text IS NULL OR (m.sent_at <= $8::timestamptz
                   AND (m.sent_at, m.message_id, m.fingerprint) < ($8::timestamptz, $9, $10::bigint)))
            ORDER BY \(order)
            LIMIT $11
            """, [request.query, timeZone, request.conversation, request.account, request.sender, request.since, request.until,
                  request.before?.sentAt, request.before?.messageID, request.before.map { String($0.fingerprint) },
                  String(request.limit)]).compactMap { row in
            guard let fingerprint = row.int64(4) else { return nil }
            return SearchHit(account: row.text(0), conversationID: row.text(1), conversationTitle: row.text(2),
                             messageID: row.text(3), fingerprint: fingerprint,
                             cursor: MessageCursor(sentAt: row.text(5), messageID: row.text(3), fingerprint: fingerprint),
                             sentAt: row.text(5), localTime: row.text(6), senderID: row.string(7), senderName: row.string(8),
                             snippet: Snippet.parts(row.text(9)))
        }
    }
}
