import Foundation
@testable import SkypeExport
@testable import SkypePostgres
import Testing
import SkypeReport
import SkypeRuntime

@Suite struct MigrationTests {
    /// A database loaded by a version-4 tool, with an index an interrupted load left deferred,
    /// moves to the partitioned table with every row and every index.
    @Test func partitioningKeepsRowsAndRestoresIndexes() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema, migrations: Migration.all.filter { $0.version <= 4 }).migrate(connection)
        let messages = "\(db.schema).messages"
        try connection.execute("""
            INSERT INTO \(messages) (conversation_id, message_id, fingerprint, sent_at, content, body_text, source_index)
            SELECT 'c' || (g % 7), g::text, g, '2025-03-08 17:33:29+00'::timestamptz + g * interval '1 minute',
                   'hello ' || g, 'hello ' || g, g
            FROM generate_series(1, 500) g
            """)
        // What a version-4 load recorded when it deferred an index and was stopped.
        try connection.execute("""
            INSERT INTO \(db.schema).deferred_indexes (index_name, table_name, definition)
            SELECT 'messages_sender', 'messages', pg_get_indexdef('\(db.schema).messages_sender'::regclass)
            """)
        try connection.execute("DROP INDEX \(db.schema).messages_sender")

        #expect(try Migrator(schema: db.schema).migrate(connection) == Migration.all.map(\.version).filter { $0 >= 5 })
        #expect(try db.count("messages") == 500)
        #expect(try db.scalar("SELECT relkind FROM pg_class WHERE oid = '$schema.messages'::regclass") == "p")
        #expect(try db.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = '$schema.messages'::regclass") == "8")
        #expect(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND tablename = 'messages'") == "6")
        #expect(try db.count("deferred_indexes") == 0)
        #expect(try db.scalar("SELECT sum(source_index) FROM $schema.messages") == String(500 * 501 / 2))
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE to_tsvector('simple', coalesce(body_text, '')) @@ to_tsquery('simple', '250')") == "1")
    }

    /// Deferred partitioned indexes come back as parents with one valid index per partition.
    @Test func deferredPartitionedIndexesAreRebuiltInParallel() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        let deferral = IndexDeferral(schema: db.schema)
        #expect(try deferral.dropSecondaryIndexes(connection) == 5)
        #expect(try deferral.pendingCount(connection) == 5)
        #expect(try db.count("deferred_indexes") == 5 * 9)
        // Each partition's index knows its partition (the rebuild starts with the largest).
        let pending = try deferral.pending(connection)
        #expect(Set(pending.filter { $0.attachTo != nil }.map(\.table)) == Set((0..<8).map { "messages_p\($0)" }))
        #expect(pending.filter { $0.attachTo == nil }.allSatisfy { $0.table == "messages" })
        // An earlier rebuild that stopped after creating a parent and one partition's index.
        let parent = try #require(pending.first { $0.attachTo == nil && $0.definition.contains("gin") })
        try connection.execute(parent.definition)
        let child = try #require(pending.first { $0.attachTo == parent.name })
        try connection.execute(child.definition)

        let built = try deferral.rebuild(conninfo: db.url, parallelism: 3)
        #expect(built.count == 5)
        #expect(try db.count("deferred_indexes") == 0)
        #expect(try db.scalar("""
            SELECT count(*) FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
            JOIN pg_index p ON p.indexrelid = h.inhparent
            WHERE p.indrelid = '$schema.messages'::regclass AND i.indisvalid
            """) == String(6 * 8))
        #expect(try db.scalar("SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = '$schema.messages'::regclass") == "t")
    }

    /// A version-5 database where an edit doubled a message: version 6 keeps the edited state
    /// once, under the account of the load that brought it, with the identity a new load
    /// computes (loading the same message again adds nothing).
    @Test func accountsAndMessageIdentityUpgradeInPlace() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let connection = try db.connect()
        try Migrator(schema: db.schema, migrations: Migration.all.filter { $0.version <= 5 }).migrate(connection)
        let s = db.schema
        try connection.execute("""
            INSERT INTO \(s).load_runs (status, export_user) VALUES ('completed', '8:live:alice');
            INSERT INTO \(s).shard_ledger (shard_key, run_id, ordinal, conversation_ids, message_count, byte_count)
                SELECT 'k1', max(id), 0, '{8:live:bob}', 3, 100 FROM \(s).load_runs;
            INSERT INTO \(s).conversations (id, title, kind) VALUES ('8:live:bob', 'Bob', 'one_to_one');
            INSERT INTO \(s).participants VALUES ('8:live:bob', '8:live:bob', 'sender');
            INSERT INTO \(s).messages (conversation_id, message_id, fingerprint, sent_at, sender_id, message_type, content, body_text,
                                       is_edited, edited_at, version, properties) VALUES
                ('8:live:bob', '100', 11, '2025-03-08 17:33:29.92+00', '8:live:bob', 'RichText', 'old words', 'old words', false, NULL, 100, NULL),
                ('8:live:bob', '100', 22, '2025-03-08 17:33:29.92+00', '8:live:bob', 'RichText', 'new words', 'new words', true,
                 '2025-03-08 17:40:00+00', 200, '{"edittime":"1741455600000"}'),
                ('8:live:bob', '101', 33, '2025-03-08 17:34:00+00', '8:live:alice', 'RichText', 'hello', 'hello', false, NULL, 101, NULL);
            INSERT INTO \(s).reactions VALUES ('8:live:bob', '100', 11, 'like', '8:live:alice', NULL),
                ('8:live:bob', '100', 22, 'like', '8:live:alice', NULL), ('8:live:bob', '100', 22, 'heart', '8:live:bob', NULL);
            INSERT INTO \(s).attachments (conversation_id, message_id, fingerprint, position, name) VALUES ('8:live:bob', '100', 11, 0, 'old.jpg');
            """)
        #expect(try Migrator(schema: db.schema).migrate(connection) == Migration.all.map(\.version).filter { $0 >= 6 })
        #expect(try db.count("messages") == 2)
        let kept = try connection.execute("SELECT account, content, is_edited, fingerprint FROM \(s).messages WHERE message_id = '100'").rows
        let sent = try #require(SkypeTimestamp("2025-03-08T17:33:29.92Z"))
        let fingerprint = MessageIdentity.fingerprint(sentAt: sent, sender: "8:live:bob", type: "RichText")
        #expect(kept == [["8:live:alice", "new words", "t", String(fingerprint)]])
        #expect(try db.scalar("SELECT string_agg(reaction, ',' ORDER BY reaction) FROM $schema.reactions WHERE fingerprint = \(fingerprint)") == "heart,like")
        #expect(try db.count("attachments") == 0)
        #expect(try db.scalar("SELECT content FROM $schema.message_history") == "old words")
        #expect(try db.scalar("SELECT account FROM $schema.conversations") == "8:live:alice")
        #expect(try db.scalar("SELECT account FROM $schema.participants") == "8:live:alice")
        #expect(try db.scalar("SELECT account FROM $schema.shard_ledger") == "8:live:alice")
        #expect(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND tablename = 'messages'") == "6")

        // The same two messages from alice's export, the first in its edited state: nothing new.
        let export = directory.path("alice.json")
        try Data(#"""
            {"userId":"8:live:alice","conversations":[{"id":"8:live:bob","MessageList":[
              {"id":"100","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","from":"8:live:bob","version":200,
               "content":"new words","properties":{"edittime":"1741455600000"}},
              {"id":"101","originalarrivaltime":"2025-03-08T17:34:00Z","messagetype":"RichText","from":"8:live:alice","version":101,"content":"hello"}]}]}
            """#.utf8).write(to: URL(fileURLWithPath: export))
        let outcome = db.load(export, workers: 1)
        #expect(outcome.error == nil)
        #expect(outcome.report.totals.rowsInserted == 0 && outcome.report.totals.rowsReplaced == 0)
        #expect(try db.count("messages") == 2)
        #expect(try db.scalar("SELECT message_count FROM $schema.conversations") == "2")
    }
}
