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
        let statement = Self.substitute(schema: schema, in: sql)
        do {
            return try connection.executePrepared(statement, parameters).rows.map(ArchiveRow.init)
        } catch {
            throw ViewerError(failure: error)
        }
    }

    /// `sql` with every `$schema` replaced by `schema`. Bytes, not Foundation's
    /// `replacingOccurrences`, which took a tenth of a page's time on statements this long.
    static func substitute(schema: String, in sql: String) -> String {
        let marker = Array("$schema".utf8)
        var sql = sql
        return sql.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 64)
            var index = 0
            while index < bytes.count {
                if bytes[index] == marker[0], index + marker.count <= bytes.count,
                   UnsafeBufferPointer(rebasing: bytes[index..<(index + marker.count)]).elementsEqual(marker) {
                    output.append(contentsOf: schema.utf8)
                    index += marker.count
                } else {
                    output.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: output, as: UTF8.self)
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
        // The cursor orders conversations without a message last: coalesce to -infinity. The
        // participants are read for the page's conversations only, where the primary key's
        // order lets DISTINCT and the ordered aggregate skip most of the sorting of text that
        // was most of the statement's time.
        try rows("""
            WITH page AS (
              SELECT c.account, c.id, c.title, c.kind, c.message_count, c.first_message_at, c.last_message_at
              FROM $schema.conversations c
              WHERE ($2::text IS NULL OR c.account = $2)
                AND ($3 = '' OR strpos(lower(c.title), lower($3)) > 0 OR strpos(lower(c.id), lower($3)) > 0)
                AND ($4::text IS NULL OR
                     (coalesce(c.last_message_at, '-infinity'), c.account, c.id) <
                     (split_part($4, '_', 1)::timestamptz, split_part(substr($4, strpos($4, '_') + 1), E'\\x01', 1),
                      substr($4, strpos($4, E'\\x01') + 1)))
              ORDER BY coalesce(c.last_message_at, '-infinity') DESC, c.account DESC, c.id DESC
              LIMIT $5)
            SELECT page.account, page.id, page.title, page.kind, page.message_count,
                   to_char(page.first_message_at AT TIME ZONE $1, 'YYYY-MM-DD'),
                   to_char(page.last_message_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
                   people.count, array_to_string(people.names, E'\\n'),
                   coalesce(to_char(page.last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '-infinity')
                     || '_' || page.account || E'\\x01' || page.id
            FROM page LEFT JOIN LATERAL (
              SELECT count(*) AS count,
                     (array_agg(x.participant_id ORDER BY x.participant_id)
                        FILTER (WHERE x.participant_id <> page.account))[1:4] AS names
              FROM (SELECT DISTINCT p.participant_id FROM $schema.participants p
                     WHERE p.conversation_id = page.id AND p.account = page.account) x) people ON true
            ORDER BY coalesce(page.last_message_at, '-infinity') DESC, page.account DESC, page.id DESC
            """, [timeZone, account, filter, after, String(limit)]).map { row in
            ConversationSummary(account: row.text(0), id: row.text(1), title: row.text(2), kind: row.text(3),
                                messageCount: row.int(4) ?? 0, participantCount: row.int(7) ?? 0,
                                participants: row.string(8).map(Self.lines) ?? [],
                                firstMessageAt: row.string(5), lastMessageAt: row.string(6), cursor: row.text(9))
        }
    }

    /// The lines of `text`, split on bytes: splitting on `Character`s was a sixth of `/`'s time.
    private static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
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
