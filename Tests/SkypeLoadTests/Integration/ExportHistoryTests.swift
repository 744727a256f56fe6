import Foundation
@testable import SkypeExport
@testable import SkypePostgres
import SyntheticExport
import Testing
import SkypeReport
import SkypeRuntime

/// Several exports into one database: the same account's earlier and later exports, and
/// several accounts' exports.
@Suite struct ExportHistoryTests {
    /// Everything about the stored messages but where in an export they were read (a state
    /// found in both exports keeps the position it was first stored with).
    static func checksum(_ db: DatabaseFixture) throws -> String {
        try db.scalar("""
            SELECT md5(string_agg(conversation_id || '|' || account || '|' || message_id || '|' || fingerprint || '|' || sent_at
                       || '|' || coalesce(content, '~') || '|' || coalesce(body_text, '~') || '|' || is_edited || is_deleted
                       || '|' || coalesce(version, 0) || '|' || coalesce(properties::text, '~'), E'\\n'
                       ORDER BY conversation_id, account, message_id, fingerprint)) FROM $schema.messages
            """) ?? ""
    }

    static func structureChecksum(_ db: DatabaseFixture) throws -> String {
        try StructureTable.allCases.map { table in
            try db.scalar("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM $schema.\(table.rawValue) t") ?? ""
        }.joined(separator: " ")
    }

    static func historyChecksum(_ db: DatabaseFixture) throws -> String {
        try db.scalar("""
            SELECT count(*) || ':' || coalesce(md5(string_agg(conversation_id || '|' || message_id || '|' || fingerprint || '|' || account
                       || '|' || state, E'\n' ORDER BY conversation_id, message_id, fingerprint, account, state)), '')
            FROM $schema.message_history
            """) ?? ""
    }

    @Test func aLaterExportReplacesEditedAndDeletedMessagesWhateverTheLoadOrder() throws {
        let directory = try ScratchDirectory()
        let a = try TestExport.generate(in: directory, messages: 20_000, conversations: 12, name: "a.json")
        let b = try TestExport.generate(in: directory, messages: 20_000, conversations: 12,
                                        later: LaterExport(edits: 30, deletes: 20, reactions: 20), name: "b.json")
        #expect(b.manifest.edited == 30 && b.manifest.deleted == 20 && b.manifest.reacted == 20)
        #expect(b.manifest.distinctMessages == a.manifest.distinctMessages)

        let db = try DatabaseFixture()
        defer { db.drop() }
        #expect(db.load(a.messagesJSON, workers: 2, shardBytes: 64 << 10).error == nil)
        let afterA = try db.count("messages")
        #expect(afterA == a.manifest.distinctMessages)
        let laughsBefore = try db.scalar("SELECT count(*) FROM $schema.reactions WHERE reaction = 'laugh'")
        #expect(laughsBefore == "0")

        // Cut differently, so that no shard key matches and every row meets its stored self.
        let loadB = db.load(b.messagesJSON, workers: 2, shardBytes: 48 << 10)
        #expect(loadB.error == nil)
        #expect(try db.count("messages") == afterA)
        #expect(loadB.report.totals.rowsInserted == 0)
        // The reactions too: the same times and version, the properties decide (MessageRevision).
        #expect(loadB.report.totals.rowsReplaced == 70)
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE content LIKE 'Edited later:%' AND is_edited AND body_text LIKE 'Edited later:%'") == "30")
        let deleted = "SELECT count(*) FROM $schema.messages WHERE is_deleted AND deleted_at > sent_at + interval '119 seconds' AND deleted_at < sent_at + interval '121 seconds'"
        #expect(try db.scalar(deleted) == "20")
        #expect(try db.scalar(deleted + " AND content = '' AND body_text = ''") == "20")
        #expect(try db.scalar("SELECT count(*) FROM $schema.reactions WHERE reaction = 'laugh' AND user_id = '8:live:reactor'") == "20")
        // Every conversation counts each message once.
        #expect(try db.scalar("SELECT sum(message_count) FROM $schema.conversations") == String(afterA))
        // The replaced states are history: the text before each edit and deletion.
        #expect(try db.count("message_history") == 70)
        #expect(try db.scalar("SELECT count(*) FROM $schema.message_history h JOIN $schema.messages m USING (conversation_id, message_id, fingerprint, account) WHERE m.is_deleted AND h.body_text <> '' AND NOT h.is_deleted") == "20")
        let final = try Self.checksum(db)
        let finalStructure = try Self.structureChecksum(db)
        let finalHistory = try Self.historyChecksum(db)

        // The older export again, cut a third way: nothing changes.
        let again = db.load(a.messagesJSON, workers: 2, shardBytes: 40 << 10)
        #expect(again.error == nil)
        #expect(again.report.totals.rowsInserted == 0 && again.report.totals.rowsReplaced == 0)
        #expect(try Self.checksum(db) == final)
        #expect(try Self.structureChecksum(db) == finalStructure)
        #expect(try Self.historyChecksum(db) == finalHistory)

        // The other order ends in the same state.
        let reversed = try DatabaseFixture()
        defer { reversed.drop() }
        #expect(reversed.load(b.messagesJSON, workers: 2, shardBytes: 64 << 10).error == nil)
        #expect(reversed.load(a.messagesJSON, workers: 2, shardBytes: 48 << 10).error == nil)
        #expect(try Self.checksum(reversed) == final)
        #expect(try Self.structureChecksum(reversed) == finalStructure)
        #expect(try Self.historyChecksum(reversed) == finalHistory)
    }

    /// One export that holds a message twice, the original and the edited copy (the edited one
    /// second, or first): one row, the edited text.
    @Test func oneExportHoldingTwoStatesOfAMessageKeepsTheLaterOne() throws {
        let original = #"{"id":"7","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"RichText","from":"8:live:bob","version":7,"content":"first words"}"#
        let edited = #"{"id":"7","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"RichText","from":"8:live:bob","version":9,"content":"second words<e_m ts_ms=\"1\"/>","properties":{"edittime":"1741455300000"}}"#
        let directory = try ScratchDirectory()
        for (index, list) in [[original, edited], [edited, original]].enumerated() {
            let db = try DatabaseFixture()
            defer { db.drop() }
            let path = directory.path("twice\(index).json")
            try Data(#"{"userId":"8:live:me","conversations":[{"id":"8:live:bob","MessageList":[\#(list.joined(separator: ","))]}]}"#.utf8)
                .write(to: URL(fileURLWithPath: path))
            let outcome = db.load(path, workers: 1)
            #expect(outcome.error == nil)
            #expect(outcome.report.totals.duplicates == 1)
            let rows = try db.connect().execute("SELECT content, is_edited FROM \(db.schema).messages").rows
            #expect(rows == [[#"second words<e_m ts_ms="1"/>"#, "t"]])
        }
    }

    /// `owner`'s export holding a one-to-one chat `8:bob` with `words` (the same ids, times
    /// and sender whoever the owner: only the account tells two such chats apart), and the same
    /// group chat, byte for byte, whoever the owner (large enough to be a shard of its own,
    /// which must not pass for loaded already).
    static func accountExport(_ owner: String, _ words: [String], in directory: ScratchDirectory) throws -> String {
        let messages = words.enumerated().map { index, text in
            #"{"id":"\#(100 + index)","originalarrivaltime":"2025-03-08T17:3\#(index):00Z","messagetype":"RichText","from":"8:bob","content":"\#(text)"}"#
        }
        let path = directory.path("\(owner).json")
        let dinner = String(repeating: "dinner? ", count: 150)
        let group = #"{"id":"19:family@thread.skype","MessageList":[{"id":"5","originalarrivaltime":"2025-03-08T12:00:00Z","messagetype":"RichText","from":"8:bob","content":"\#(dinner)"}]}"#
        try Data(#"{"userId":"8:\#(owner)","exportDate":"2025-03-08T17:40","conversations":[\#(group),{"id":"8:bob","displayName":"Bob","MessageList":[\#(messages.joined(separator: ","))]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Alice's and Carol's one-to-one chats with Bob share the id `8:bob` (each seen from its
    /// own side): two conversations, each with its own two messages.
    @Test func twoAccountsNeverShareAConversation() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let alice = try Self.accountExport("alice", ["hi alice", "see you"], in: directory)
        let carol = try Self.accountExport("carol", ["hi carol", "see you"], in: directory)
        #expect(db.load(alice, workers: 1, shardBytes: 1024).error == nil)
        let second = db.load(carol, workers: 1, shardBytes: 1024)
        #expect(second.error == nil)
        #expect(second.report.shards == 2 && second.report.totals.shardsAlreadyLoaded == 0)
        let conversations = try db.connect().execute("SELECT account, message_count FROM \(db.schema).conversations WHERE id = '8:bob' ORDER BY account").rows
        #expect(conversations == [["8:alice", "2"], ["8:carol", "2"]])
        #expect(try db.scalar("SELECT string_agg(account || ' ' || message_count, ',' ORDER BY account) FROM $schema.conversations WHERE id = '19:family@thread.skype'") == "8:alice 1,8:carol 1")
        #expect(try db.scalar("SELECT string_agg(content, ',' ORDER BY message_id) FROM $schema.messages WHERE account = '8:alice' AND conversation_id = '8:bob'") == "hi alice,see you")
        #expect(try db.scalar("SELECT string_agg(content, ',' ORDER BY message_id) FROM $schema.messages WHERE account = '8:carol' AND conversation_id = '8:bob'") == "hi carol,see you")
        #expect(try db.scalar("SELECT count(*) FROM $schema.participants WHERE participant_id = '8:bob' AND conversation_id = '8:bob'") == "2")
        // verify compares each export with its own account's rows.
        #expect(try Verifier(exportPath: alice, conninfo: db.url, schema: db.schema).run().matches)
        #expect(try Verifier(exportPath: carol, conninfo: db.url, schema: db.schema).run().matches)
    }
}
