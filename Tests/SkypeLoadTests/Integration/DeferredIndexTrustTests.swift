import Foundation
@testable import SkypePostgres
import SkypeSupport
import SkypeRuntime
import SkypeReport
import SyntheticExport
import Testing

/// Security review finding 5: a load ran whatever SQL `deferred_indexes.definition` held, with
/// the loader's rights, so any role that could write the schema's tables could run SQL as the
/// loader. Indexes are now built from the tool's own statements (``MessageIndexCatalog``).
@Suite struct DeferredIndexTrustTests {
    @Test func aRecordedStatementIsNeverRunEvenUnderAKnownName() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        let deferral = IndexDeferral(schema: db.schema)
        #expect(try deferral.dropSecondaryIndexes(connection) == 5)
        // What a hostile writer of the table stores: its own SQL under this tool's index names.
        try connection.execute("""
            UPDATE \(db.schema).deferred_indexes
            SET definition = 'CREATE TABLE \(db.schema).pwned_' || replace(index_name, '-', '_') || ' (x int)'
            """)
        _ = try deferral.rebuild(conninfo: db.url, parallelism: 2)
        #expect(try db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '$schema' AND tablename LIKE 'pwned%'") == "0")
        #expect(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND tablename = 'messages'") == "6")
        #expect(try deferral.invalidIndexes(connection).isEmpty)
        #expect(try db.count("deferred_indexes") == 0)
        // Built as the migrations make them.
        #expect(try db.scalar("SELECT pg_get_indexdef('$schema.messages_body_search'::regclass)")?
            .contains("USING gin (to_tsvector('simple'::regconfig, COALESCE(body_text, ''::text)))") == true)
    }

    @Test func anIndexThisToolDoesNotMakeIsIgnoredAndItsSQLNeverRuns() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        try connection.execute("""
            INSERT INTO \(db.schema).deferred_indexes (index_name, table_name, definition)
            VALUES ('evil', 'messages', 'CREATE TABLE \(db.schema).pwned (x int)'),
                   ('messages_p0_evil', 'messages_p0; DROP TABLE x', 'CREATE TABLE \(db.schema).pwned2 (x int)')
            """)
        let deferral = IndexDeferral(schema: db.schema)
        #expect(try deferral.refused(connection) == ["evil", "messages_p0_evil"])
        #expect(try deferral.pending(connection).isEmpty)
        _ = try deferral.rebuild(conninfo: db.url, parallelism: 1)
        #expect(try db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '$schema' AND tablename LIKE 'pwned%'") == "0")
        // The records stay, for the user to read and delete; they stop no load.
        #expect(try db.count("deferred_indexes") == 2)
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 300, conversations: 3)
        let outcome = db.load(export.messagesJSON)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(try db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '$schema' AND tablename LIKE 'pwned%'") == "0")
    }

    @Test func aLoadLeavesAUsersOwnIndexAlone() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        try connection.execute("CREATE INDEX my_sender_names ON \(db.schema).messages (sender_name)")
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 8)
        let outcome = db.load(export.messagesJSON)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.report.indexes == .deferred && outcome.report.indexesRebuilt == 5, "the tool's own indexes, deferred on an empty table")
        #expect(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND indexname = 'my_sender_names'") == "1")
        #expect(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND tablename = 'messages'") == "7")
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }

    @Test func oldRecordsNameTheirPartitionInTheStatementOnly() {
        let old = IndexDeferral.DeferredIndex(name: "messages_p3_sent_at_idx",
                                              definition: "CREATE INDEX messages_p3_sent_at_idx ON s.messages_p3 USING btree (sent_at)",
                                              attachTo: "messages_sent_at", table: "messages")
        let partitions: Set<String> = ["messages_p3"]
        #expect(IndexDeferral.checked(old, partitions: partitions)?.table == "messages_p3")
        var elsewhere = old
        elsewhere.definition = "CREATE INDEX messages_p3_sent_at_idx ON s.other USING btree (sent_at)"
        #expect(IndexDeferral.checked(elsewhere, partitions: partitions) == nil)
        var unknownParent = old
        unknownParent.attachTo = "whatever"
        #expect(IndexDeferral.checked(unknownParent, partitions: partitions) == nil)
        // A child may not take a parent's name (the build would make a wrong index under it).
        var posing = old
        posing.name = "messages_sender"
        posing.table = "messages_p3"
        #expect(IndexDeferral.checked(posing, partitions: partitions) == nil)
    }

    /// The catalog's statements build exactly the indexes the migrations make (a migration
    /// that changes one must change the catalog too, or a rebuild would make another index).
    @Test func theCatalogBuildsTheIndexesTheMigrationsMake() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        let made = try connection.execute("""
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = '\(db.schema).messages'::regclass AND NOT i.indisprimary ORDER BY 1
            """).rows.compactMap { $0.first ?? nil }
        #expect(made == MessageIndexCatalog.shapes.keys.sorted())
        for name in made {
            let probe = "probe_" + name
            let statement = try #require(MessageIndexCatalog.statement(
                for: IndexDeferral.DeferredIndex(name: probe, definition: "", attachTo: name), schema: db.schema, only: true))
            try connection.execute(statement)
            let definitions = try connection.execute("""
                SELECT pg_get_indexdef('\(db.schema).\(name)'::regclass), pg_get_indexdef('\(db.schema).\(probe)'::regclass)
                """).rows.first
            #expect(definitions?[0] == definitions?[1]?.replacingOccurrences(of: probe, with: name), "\(name)")
        }
    }
}
