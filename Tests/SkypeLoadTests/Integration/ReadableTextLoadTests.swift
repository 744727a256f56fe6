import Foundation
import Testing
import SkypePostgres
import SkypeRuntime
import SyntheticExport

/// `body_text` as loaded into PostgreSQL: what a person reads, for every kind of message, with
/// what the markup carried in the structure tables.
@Suite struct ReadableTextLoadTests {
    /// A generated export with every content shape (and the hazards): no body has machine text.
    @Test func noBodyTextHoldsIDsEpochTimesOrNumbersGluedToNames() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        // 20 conversations: the 19th is the call log.
        let export = try TestExport.generate(in: directory, messages: 8000, conversations: 20)
        let outcome = db.load(export.messagesJSON)
        #expect(outcome.error == nil)
        #expect(try db.count("messages") == export.manifest.distinctMessages)

        // The acceptance checks, over every row.
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE body_text ~ '[0-9]{10}'") == "0")
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE body_text ~ '[0-9]8:live'") == "0")
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE body_text ~ '[[:alpha:]][0-9]+\\.[0-9]+'") == "0")
        // Nor markup, Skype's fallback text, quote boilerplate.
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.messages
            WHERE body_text ~ '<e_m|</?[a-zA-Z]|To view this|&lt;|<<<|\\[[0-9]+\\]'
            """) == "0")

        // Every shape was there, and reads as a person would say it.
        func count(_ condition: String) throws -> Int {
            Int(try db.scalar("SELECT count(*) FROM $schema.messages WHERE \(condition)") ?? "") ?? -1
        }
        #expect(try count("message_type = 'Event/Call' AND body_text ~ '^Call, ([0-9]+ h )?([0-9]+ min )?([0-9]+ s)?$'") > 0)
        #expect(try count("message_type = 'Event/Call' AND body_text = 'Missed call'") > 0)
        #expect(try count("message_type = 'Event/Call' AND body_text = 'Call started'") > 0)
        #expect(try count("message_type = 'Event/Call' AND body_text !~ '^(Call, |Missed call$|Call started$)'") == 0)
        #expect(try count("conversation_id = '48:calllogs' AND body_text ~ '^Call, [0-9]+ min [0-9]+ s$'") > 0)
        #expect(try count("conversation_id = '48:calllogs' AND body_text = 'Missed call'") > 0)
        #expect(try count("conversation_id = '48:calllogs' AND body_text = 'Call declined'") > 0)
        #expect(try count("conversation_id = '48:calllogs' AND body_text !~ '^(Call, |Missed call$|Call declined$)'") == 0)
        #expect(try count("message_type = 'ThreadActivity/AddMember' AND body_text ~ '^Person [A-Za-z0-9]+ added Person [A-Za-z0-9]+$'") > 0)
        #expect(try count("message_type = 'ThreadActivity/DeleteMember' AND body_text ~ '^Person [A-Za-z0-9]+ left$'") > 0)
        #expect(try count("message_type = 'ThreadActivity/DeleteMember' AND body_text ~ ' removed '") > 0)
        #expect(try count("message_type = 'ThreadActivity/RoleUpdate' AND body_text ~ ' changed the role of .* to admin$'") > 0)
        #expect(try count("message_type = 'ThreadActivity/TopicUpdate' AND body_text ~ ' changed the topic to New topic [0-9]+$'") > 0)
        #expect(try count("message_type = 'ThreadActivity/PictureUpdate' AND body_text ~ ' changed the group picture$'") > 0)
        #expect(try count("message_type = 'ThreadActivity/MemberJoined' AND body_text = 'Joiner joined'") > 0)
        #expect(try count("message_type = 'RichText/UriObject' AND body_text ~ '^(IMG|photo)_[0-9]+\\.jpg$'") > 0)
        // The hazards add words after some objects: the sender's words come first.
        #expect(try count("message_type = 'RichText/UriObject' AND body_text !~ '(^|\n)(IMG|photo)_[0-9]+\\.jpg$'") == 0)
        #expect(try count("message_type = 'RichText/Media_GenericFile' AND body_text ~ '^notes [0-9]+\\.pdf$'") > 0)
        #expect(try count("message_type = 'Poll' AND body_text = 'Poll: Lunch on Friday? (Yes, No, Maybe)'") > 0)
        #expect(try count("message_type = 'RichText/Contacts' AND body_text = 'Shared Person'") > 0)
        #expect(try count("message_type = 'RichText/Location' AND body_text = 'Office, 1 Main St'") > 0)
        #expect(try count("content LIKE '%<at id=\"*\">all</at>%' AND body_text LIKE 'Hey @all %'") > 0)
        #expect(try count("content LIKE '%<e_m %/>%' AND NOT is_deleted") > 0)

        // Each reply's quote is a row: one per reply, its words not in the reply's body.
        let replies = try count("content LIKE '<quote %'")
        #expect(replies > 0)
        #expect(try db.count("quotes") == replies)
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.quotes q JOIN $schema.messages m USING (conversation_id, message_id, fingerprint)
            WHERE q.quoted_text IS NOT NULL AND q.quoted_at IS NOT NULL AND q.author_name IS NOT NULL
              AND q.quoted_message_id IS NOT NULL AND q.quoted_conversation_id = m.conversation_id
            """) == String(replies))
        // (Random words: a short quote may recur in a reply by chance, a long one not.)
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.quotes q JOIN $schema.messages m USING (conversation_id, message_id, fingerprint)
            WHERE length(q.quoted_text) > 40 AND position(q.quoted_text IN m.body_text) > 0
            """) == "0")
        #expect(try db.scalar("SELECT count(*) FROM $schema.quotes WHERE quoted_text LIKE '%@all'") != "0")
        #expect(try db.scalar("SELECT count(*) FROM $schema.quotes WHERE author_id LIKE 'live:%'") != "0")
        // Whom each message mentions; those inside a quote are the quoted message's.
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.mentions x JOIN $schema.messages m USING (conversation_id, message_id, fingerprint)
            WHERE x.mentioned_id = '*' AND x.name = 'all' AND m.body_text LIKE 'Hey @all %'
            """) == String(try count("body_text LIKE 'Hey @all %'")))
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.mentions x JOIN $schema.messages m USING (conversation_id, message_id, fingerprint)
            WHERE m.body_text LIKE 'Hey @' || x.name || ' %' AND x.mentioned_id = m.sender_id
            """) != "0")
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.mentions x JOIN $schema.messages m USING (conversation_id, message_id, fingerprint)
            WHERE m.content LIKE '<quote %'
            """) == "0")
    }

    static let export = """
        {"userId":"8:live:owner","exportDate":"2025-03-08T17:40","conversations":[
         {"id":"19:team@thread.skype","displayName":"Team","threadProperties":{"topic":"Team","members":"[\\"8:live:owner\\",\\"8:live:lee\\"]"},"MessageList":[
           {"id":"9","originalarrivaltime":"2025-03-08T17:40:00Z","messagetype":"RichText","displayName":"Lee Park","from":"8:live:lee",
            "content":"<quote author=\\"live:owner\\" authorname=\\"Owner One\\" timestamp=\\"1741455000\\" conversation=\\"19:team@thread.skype\\" messageid=\\"5\\"><legacyquote>[1741455000] Owner One: </legacyquote>Lunch at noon?<legacyquote>\\n\\n&lt;&lt;&lt; </legacyquote></quote>Sure thing"},
           {"id":"8","originalarrivaltime":"2025-03-08T17:39:00Z","messagetype":"ThreadActivity/DeleteMember","from":"19:team@thread.skype",
            "content":"<deletemember><eventtime>1741455540000</eventtime><initiator>8:live:lee</initiator><target>8:live:lee</target></deletemember>"},
           {"id":"7","originalarrivaltime":"2025-03-08T17:38:00Z","messagetype":"ThreadActivity/TopicUpdate","from":"19:team@thread.skype",
            "content":"<topicupdate><eventtime>1741455480000</eventtime><initiator>8:live:owner</initiator><value>Budget review</value></topicupdate>"},
           {"id":"6","originalarrivaltime":"2025-03-08T17:37:00Z","messagetype":"Event/Call","from":"8:live:owner",
            "content":"<partlist type=\\"ended\\" alt=\\"\\"><part identity=\\"8:live:owner\\"><name>Owner One</name><duration>312.2</duration></part></partlist>"},
           {"id":"5","originalarrivaltime":"2025-03-08T17:30:00Z","messagetype":"RichText","displayName":null,"from":"8:live:owner","content":"Lunch at noon?"},
           {"id":"4","originalarrivaltime":"2025-03-08T17:29:00Z","messagetype":"RichText","displayName":"Lee Park","from":"8:live:lee","content":"hello"},
           {"id":"3","originalarrivaltime":"2025-03-08T17:28:00Z","messagetype":"ThreadActivity/AddMember","from":"19:team@thread.skype",
            "content":"<addmember><eventtime>1741454880000</eventtime><initiator>8:live:owner</initiator><target>8:live:lee</target><target>8:live:sam</target></addmember>"}
         ]}]}
        """

    /// Thread events name people as the rest of the shard shows them (a call participant's name,
    /// a sender's displayName, even from messages before or after the event), ids otherwise; a
    /// search for a quoted message's words finds that message, not the reply.
    @Test func eventsUseTheNamesTheExportShowsAndQuotesLinkToTheQuotedMessage() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let path = directory.path("team.json")
        try Data(Self.export.utf8).write(to: URL(fileURLWithPath: path))
        let outcome = db.load(path, workers: 1)
        #expect(outcome.error == nil)
        let rows = try db.connect().execute("SELECT message_id, body_text FROM \(db.schema).messages ORDER BY message_id").rows
        #expect(rows == [["3", "Owner One added Lee Park and 8:live:sam"], ["4", "hello"], ["5", "Lunch at noon?"],
                         ["6", "Call, 5 min 12 s"], ["7", "Owner One changed the topic to Budget review"], ["8", "Lee Park left"],
                         ["9", "Sure thing"]])
        #expect(try db.connect().execute("""
            SELECT q.message_id, q.position::text, q.author_id, q.author_name, q.quoted_at AT TIME ZONE 'UTC', q.quoted_text, m.body_text
            FROM \(db.schema).quotes q
            JOIN \(db.schema).messages m ON m.conversation_id = q.quoted_conversation_id AND m.message_id = q.quoted_message_id
            """).rows == [["9", "0", "live:owner", "Owner One", "2025-03-08 17:30:00", "Lunch at noon?", "Lunch at noon?"]])
        #expect(try db.scalar("""
            SELECT string_agg(message_id, ',') FROM $schema.messages
            WHERE to_tsvector('simple', coalesce(body_text, '')) @@ websearch_to_tsquery('simple', 'noon')
            """) == "5")
        // What the events said stays queryable.
        #expect(try db.scalar("SELECT targets::text FROM $schema.thread_events WHERE message_id = '3'") == "{8:live:lee,8:live:sam}")
    }
}
