import Foundation
package import SkypePostgres

/// The archive's read-only queries: the accounts and conversations, a conversation's messages
/// by keyset, search, the loads and the media. Every value from a request is a bound
/// parameter; the schema's name is quoted. One reader runs on one connection, on the thread
/// that owns it.
package struct ArchiveReader {
    let connection: PostgresConnection
    /// The schema, quoted as an identifier.
    let schema: String
    /// The IANA time zone local times are shown in (`Europe/Berlin`, `UTC`).
    let timeZone: String

    package init(connection: PostgresConnection, schema: String, timeZone: String) {
        self.connection = connection
        self.schema = PostgresConnection.quoteIdentifier(schema)
        self.timeZone = timeZone
    }

    /// Runs `sql` with `$schema` replaced by the quoted schema and its parameters bound.
    func rows(_ sql: String, _ parameters: [String?]) throws -> [ArchiveRow] {
        let statement = sql.replacingOccurrences(of: "$schema", with: schema)
        do {
            return try connection.executePrepared(statement, parameters).rows.map(ArchiveRow.init)
        } catch {
            throw ViewerError(failure: error)
        }
    }

    /// The accounts, with their conversation and message counts, most messages first.
    package func accounts() throws -> [ArchiveAccount] {
        try rows("""
            SELECT account, count(*), coalesce(sum(message_count), 0) FROM $schema.conversations
            GROUP BY account ORDER BY 3 DESC, 1
            """, []).map { ArchiveAccount(id: $0.text(0), conversations: $0.int(1) ?? 0, messages: $0.int(2) ?? 0) }
    }

    /// Conversations by last activity, newest first, optionally of one account and whose title
    /// or id contains `filter` (case-insensitive), from `after` (a previous page's last cursor).
    package func conversations(account: String? = nil, filter: String = "", after: String? = nil,
                               limit: Int) throws -> [ConversationSummary] {
        // The cursor orders conversations without a message last: coalesce to -infinity.
        try rows("""
            SELECT c.account, c.id, c.title, c.kind, c.message_count,
                   to_char(c.first_message_at AT TIME ZONE $1, 'YYYY-MM-DD'),
                   to_char(c.last_message_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
                   (SELECT count(DISTINCT p.participant_id) FROM $schema.participants p
                     WHERE p.conversation_id = c.id AND p.account = c.account),
                   (SELECT string_agg(x.participant_id, E'\\n') FROM (
                      SELECT DISTINCT p.participant_id FROM $schema.participants p
                       WHERE p.conversation_id = c.id AND p.account = c.account AND p.participant_id <> c.account
                       ORDER BY 1 LIMIT 4) x),
                   coalesce(to_char(c.last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '-infinity')
                     || '_' || c.account || E'\\x01' || c.id
            FROM $schema.conversations c
            WHERE ($2::text IS NULL OR c.account = $2)
              AND ($3 = '' OR strpos(lower(c.title), lower($3)) > 0 OR strpos(lower(c.id), lower($3)) > 0)
              AND ($4::text IS NULL OR
                   (coalesce(c.last_message_at, '-infinity'), c.account, c.id) <
                   (split_part($4, '_', 1)::timestamptz, split_part(substr($4, strpos($4, '_') + 1), E'\\x01', 1),
                    substr($4, strpos($4, E'\\x01') + 1)))
            ORDER BY coalesce(c.last_message_at, '-infinity') DESC, c.account DESC, c.id DESC
            LIMIT $5
            """, [timeZone, account, filter, after, String(limit)]).map { row in
            ConversationSummary(account: row.text(0), id: row.text(1), title: row.text(2), kind: row.text(3),
                                messageCount: row.int(4) ?? 0, participantCount: row.int(7) ?? 0,
                                participants: row.string(8).map { $0.split(separator: "\n").map(String.init) } ?? [],
                                firstMessageAt: row.string(5), lastMessageAt: row.string(6), cursor: row.text(9))
        }
    }

    /// One conversation's summary, or nil if the archive has no such conversation.
    package func conversation(account: String, id: String) throws -> ConversationSummary? {
        try rows("""
            SELECT c.account, c.id, c.title, c.kind, c.message_count,
                   to_char(c.first_message_at AT TIME ZONE $1, 'YYYY-MM-DD'),
                   to_char(c.last_message_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
                   (SELECT count(DISTINCT p.participant_id) FROM $schema.participants p
                     WHERE p.conversation_id = c.id AND p.account = c.account)
            FROM $schema.conversations c WHERE c.account = $2 AND c.id = $3
            """, [timeZone, account, id]).first.map { row in
            ConversationSummary(account: row.text(0), id: row.text(1), title: row.text(2), kind: row.text(3),
                                messageCount: row.int(4) ?? 0, participantCount: row.int(7) ?? 0, participants: [],
                                firstMessageAt: row.string(5), lastMessageAt: row.string(6), cursor: "")
        }
    }

    /// The loads, newest first.
    package func loads(limit: Int) throws -> [LoadRun] {
        try rows("""
            SELECT id, to_char(started_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'),
                   to_char(finished_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'), status, export_path, export_user,
                   export_date, workers, tool_version, report->'totals'->>'rowsInserted',
                   report->'totals'->>'rowsReplaced', report->'totals'->>'rejected'
            FROM $schema.load_runs ORDER BY id DESC LIMIT $2
            """, [timeZone, String(limit)]).map { row in
            LoadRun(id: row.int(0) ?? 0, startedAt: row.text(1), finishedAt: row.string(2), status: row.text(3),
                    exportPath: row.string(4), exportUser: row.string(5), exportDate: row.string(6), workers: row.int(7),
                    toolVersion: row.string(8), rowsInserted: row.int(9), rowsReplaced: row.int(10), rejected: row.int(11))
        }
    }
}
