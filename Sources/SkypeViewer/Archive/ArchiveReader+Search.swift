extension ArchiveReader {
    /// The hits of a validated search, best first or newest first.
    package func search(_ request: SearchRequest) throws -> [SearchHit] {
        // Newest first walks the sent_at index backwards and stops at the limit; a rare word is
        // found through the GIN index instead. Ranking orders only the newest
        // `SearchRequest.rankedWindow` matches: ranking every match of a common word costs in
        // proportion to the archive (Docs/viewer.md).
        let window = request.order == .rank ? SearchRequest.rankedWindow : request.limit
        let order = request.order == .rank
            ? "ts_rank(to_tsvector('simple', coalesce(body_text, '')), q) DESC, sent_at DESC, message_id DESC, fingerprint DESC"
            : "sent_at DESC, message_id DESC, fingerprint DESC"
        // ts_headline marks matches with U+0001/U+0002 so that the snippet can be escaped part
        // by part; it runs on the rows that survive the LIMIT only.
        return try rows("""
            WITH matched AS (
                SELECT m.account, m.conversation_id, m.message_id, m.fingerprint, m.sent_at, m.sender_id,
                       m.sender_name, m.body_text, q
                FROM $schema.messages m
                CROSS JOIN websearch_to_tsquery('simple', $1) q
                WHERE to_tsvector('simple', coalesce(m.body_text, '')) @@ q
                  AND ($3::text IS NULL OR m.conversation_id = $3)
                  AND ($4::text IS NULL OR m.account = $4)
                  AND ($5::text IS NULL OR m.sender_id = $5 OR m.sender_id = '8:' || $5 OR lower(m.sender_name) = lower($5))
                  AND ($6::text IS NULL OR m.sent_at >= ($6::date::timestamp AT TIME ZONE $2))
                  AND ($7::text IS NULL OR m.sent_at < (($7::date + 1)::timestamp AT TIME ZONE $2))
                  AND ($8::text IS NULL OR (m.sent_at <= $8::timestamptz
                       AND (m.sent_at, m.message_id, m.fingerprint) < ($8::timestamptz, $9, $10::bigint)))
                ORDER BY m.sent_at DESC, m.message_id DESC, m.fingerprint DESC
                LIMIT $12),
            chosen AS (SELECT * FROM matched ORDER BY \(order) LIMIT $11)
            SELECT h.account, h.conversation_id, c.title, h.message_id, h.fingerprint,
                   to_char(h.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   to_char(h.sent_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), h.sender_id, h.sender_name,
                   ts_headline('simple', coalesce(h.body_text, ''), h.q,
                               'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
            FROM chosen h
            JOIN $schema.conversations c ON c.id = h.conversation_id AND c.account = h.account
            ORDER BY \(order)
            """, [request.query, timeZone, request.conversation, request.account, request.sender, request.since, request.until,
                  request.before?.sentAt, request.before?.messageID, request.before.map { String($0.fingerprint) },
                  String(request.limit), String(window)]).compactMap { row in
            guard let fingerprint = row.int64(4) else { return nil }
            return SearchHit(account: row.text(0), conversationID: row.text(1), conversationTitle: row.text(2),
                             messageID: row.text(3), fingerprint: fingerprint,
                             cursor: MessageCursor(sentAt: row.text(5), messageID: row.text(3), fingerprint: fingerprint),
                             sentAt: row.text(5), localTime: row.text(6), senderID: row.string(7), senderName: row.string(8),
                             snippet: Snippet.parts(row.text(9)))
        }
    }
}
