import Foundation
@testable import SkypePostgres
import Testing
import SkypeReport
import SkypeRuntime
import SyntheticExport

/// Loads into a local Citus cluster (a coordinator and 2 worker nodes). Faults on Citus (a
/// loader worker killed, a worker node restarted) are in scripts/citus-fault-test.
@Suite(.enabled(if: TestEnvironment.citusAbsence == nil, Comment(rawValue: TestEnvironment.citusAbsence ?? "")))
struct CitusTests {
    @Test func aLoadIntoCitusIsDistributedExactAndOnce() throws {
        let db = try DatabaseFixture(url: #require(TestEnvironment.citusURL))
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 10)
        let first = db.load(export.messagesJSON, workers: 2, shardBytes: 64 << 10)
        #expect(first.error == nil, "\(String(describing: first.error))")
        #expect(try db.count("messages") == export.manifest.distinctMessages)

        let placements = try CitusLayout(schema: db.schema).placements(db.connect())
        let placement = Dictionary(uniqueKeysWithValues: placements.map { ($0.table, $0.placement) })
        #expect(placement["conversations"] == .distributed(by: "id"))
        #expect(placement["messages"] == .distributed(by: "conversation_id"))
        #expect(placement["media_files"] == .reference)
        #expect(placement["shard_ledger"] == .citusLocal)
        #expect(placement["load_runs"] == .reference)
        #expect(!placements.contains { $0.placement == .plain }, "\(placements)")
        // Every per-conversation table shares the colocation group of conversations.
        #expect(try db.scalar("""
            SELECT count(DISTINCT colocationid) FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND p.partmethod = 'h'
              AND c.relname NOT LIKE 'media\\_%'
            """) == "1")
        // Media bytes are spread by digest, never copied to every node.
        #expect(placement["media_chunks"] == .distributed(by: "sha256"))
        #expect(placement["media_blobs"] == .distributed(by: "sha256"))

        let again = db.load(export.messagesJSON, workers: 2, shardBytes: 64 << 10)
        #expect(again.error == nil)
        #expect(again.report.totals.rowsInserted == 0)
        // Cut differently, the same messages meet rows already there: the merge adds nothing.
        let recut = db.load(export.messagesJSON, workers: 2, shardBytes: 40 << 10)
        #expect(recut.error == nil, "\(String(describing: recut.error))")
        #expect(recut.report.totals.rowsInserted == 0)
        #expect(try db.count("messages") == export.manifest.distinctMessages)
        #expect(try Verifier(exportPath: export.messagesJSON, conninfo: db.url, schema: db.schema).run().matches)
        #expect(try db.scalar("SELECT count(*) FROM pg_prepared_xacts") == "0")
    }

    /// Alice's and Carol's exports in one command: their `8:bob` chats stay two conversations,
    /// on one worker node (one id, one shard) but apart by account.
    @Test func twoAccountsInOneCommandStayApartOnCitus() throws {
        let db = try DatabaseFixture(url: #require(TestEnvironment.citusURL))
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let alice = try ExportHistoryTests.accountExport("alice", ["hi alice", "see you"], in: directory)
        let carol = try ExportHistoryTests.accountExport("carol", ["hi carol", "see you"], in: directory)
        let load = try Shell.run(TestEnvironment.loaderExecutable, [
            "--database", db.url, "--schema", db.schema, "--workers", "2", "--shard-size", "1K", "--quiet", alice, carol,
        ])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("user 8:alice"))
        #expect(load.stdout.contains("user 8:carol"))
        let bob = try db.connect().execute("SELECT account, message_count FROM \(db.schema).conversations WHERE id = '8:bob' ORDER BY account").rows
        #expect(bob == [["8:alice", "2"], ["8:carol", "2"]])
        #expect(try db.scalar("SELECT string_agg(content, ',' ORDER BY message_id) FROM $schema.messages WHERE account = '8:carol' AND conversation_id = '8:bob'") == "hi carol,see you")
        #expect(try Verifier(exportPath: alice, conninfo: db.url, schema: db.schema).run().matches)
        #expect(try Verifier(exportPath: carol, conninfo: db.url, schema: db.schema).run().matches)
        let again = try Shell.run(TestEnvironment.loaderExecutable, [
            "--database", db.url, "--schema", db.schema, "--workers", "2", "--shard-size", "1K", "--quiet", carol, alice,
        ])
        #expect(again.stdout.contains("nothing to do"), "\(again.stdout)")
    }

    @Test func aSchemaMadeForOneServerIsDistributedOnlyWhenAsked() throws {
        let db = try DatabaseFixture(url: #require(TestEnvironment.citusURL))
        defer { db.drop() }
        let connection = try db.connect()
        // A schema made for one server: migration 1 applied by hand, as an older tool did.
        let first = try #require(Migration.all.first)
        try connection.execute("CREATE SCHEMA \(db.schema)")
        try connection.execute("SET search_path TO \(db.schema)")
        try connection.execute(first.sql)
        try connection.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        try connection.execute("INSERT INTO schema_migrations VALUES (1, 'initial')")
        try connection.execute("INSERT INTO conversations (id, title, kind) VALUES ('8:bob', 'Bob', 'one_to_one')")

        let kept = try Migrator(schema: db.schema).run(connection)
        #expect(kept.placed.isEmpty)
        #expect(kept.notice?.contains("migrate --distribute") == true)
        #expect(try !CitusLayout(schema: db.schema).isDistributed(connection))

        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["migrate", "--distribute", "--database", db.url, "--schema", db.schema])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("conversations: distributed by id"))
        #expect(cli.stdout.contains("messages: distributed by conversation_id"))
        #expect(try CitusLayout(schema: db.schema).isDistributed(connection))
        #expect(try db.count("conversations") == 1)
    }
}
