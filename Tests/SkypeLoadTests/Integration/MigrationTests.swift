import Foundation
import Testing
@testable import SkypeLoad

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
}
