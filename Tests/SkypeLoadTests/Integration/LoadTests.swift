import Foundation
@testable import SkypeExport
@testable import SkypeReport
@testable import SkypeRuntime
import Testing
import Logging
import SkypePostgres
import SyntheticExport

/// End to end against a real PostgreSQL: the coordinator in this process, workers spawned from
/// the built `skype-parallel-load`.
@Suite struct LoadTests {
    /// A checksum of everything a load writes about messages, to compare two states.
    static func checksum(_ db: DatabaseFixture) throws -> String {
        try db.scalar("""
            SELECT md5(string_agg(conversation_id || '|' || message_id || '|' || fingerprint || '|' || sent_at || '|'
                       || coalesce(content, '~') || '|' || coalesce(body_text, '~'), E'\\n'
                       ORDER BY conversation_id, message_id, fingerprint)) FROM $schema.messages
            """) ?? ""
    }

    @Test func loadsEveryMessageExactlyOnceWithThreeWorkers() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 6000, conversations: 15)
        let path = try export.wrapped([.tar, .zstd], in: directory)

        let outcome = db.load(path, workers: 3, shardBytes: 64 << 10)
        #expect(outcome.error == nil, "\(outcome.error.map(String.init(describing:)) ?? "")")
        let report = outcome.report
        #expect(try db.count("messages") == export.manifest.distinctMessages)
        #expect(report.totals.rowsInserted == export.manifest.distinctMessages)
        #expect(report.totals.duplicates == export.manifest.exactDuplicates)
        #expect(report.exportMessages == export.manifest.messages)
        #expect(try db.count("conversations") == export.manifest.conversations)
        #expect(report.shards > 10)
        #expect(report.totals.shardsLoaded + report.totals.shardsAlreadyLoaded == report.shards)
        #expect(try db.count("shard_ledger") == report.shards)
        // The totals line is the sum of the worker lines.
        var sum = WorkerSummary(worker: nil)
        for line in report.workers { sum.add(line) }
        #expect(sum == report.totals)
        #expect(report.workers.count == 3)
        #expect(report.workers.allSatisfy { $0.shardsLoaded > 0 })
        // Conversation counts agree with the rows.
        #expect(try db.scalar("SELECT count(*) FROM $schema.conversations c WHERE message_count <> (SELECT count(*) FROM $schema.messages m WHERE m.conversation_id = c.id)") == "0")
        // The run is recorded with its report.
        #expect(try db.scalar("SELECT status || ' ' || (report->'totals'->>'rowsInserted') FROM $schema.load_runs") == "completed \(export.manifest.distinctMessages)")
        // Repairs were needed and made: the hazards are in the generated file.
        #expect(report.repairs.total > 0)
        #expect(try db.scalar("SELECT count(*) FROM $schema.participants WHERE source = 'member'") != "0")
    }

    @Test func everyMessageIdentityOfTheExportIsPresent() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 8, hazards: false)
        let outcome = db.load(export.messagesJSON, workers: 2, shardBytes: 32 << 10)
        #expect(outcome.error == nil)
        // Independent of our parser: Foundation reads the same file.
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: export.messagesJSON))) as? [String: Any]
        var expected = Set<String>()
        for conversation in root?["conversations"] as? [[String: Any]] ?? [] {
            for message in conversation["MessageList"] as? [[String: Any]] ?? [] {
                expected.insert("\(conversation["id"] ?? "")|\(message["id"] ?? "")|\(message["originalarrivaltime"] ?? "")")
            }
        }
        let rows = try db.connect().execute("""
            SELECT conversation_id || '|' || message_id || '|' ||
                   regexp_replace(to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '\\.?0+$', '') || 'Z'
            FROM \(db.schema).messages
            """).rows.compactMap { $0[0] }
        #expect(rows.count == export.manifest.distinctMessages)
        #expect(Set(rows) == expected)
    }

    @Test func reloadingTheSameExportChangesNothing() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 10)
        let path = try export.wrapped([.tar], in: directory)
        let first = db.load(path, workers: 2, shardBytes: 64 << 10)
        #expect(first.error == nil)
        let before = try Self.checksum(db)

        let second = db.load(path, workers: 3, shardBytes: 64 << 10)
        #expect(second.error == nil)
        #expect(second.report.totals.rowsInserted == 0)
        #expect(second.report.totals.shardsLoaded == 0)
        #expect(second.report.totals.shardsAlreadyLoaded == first.report.shards)
        #expect(try Self.checksum(db) == before)
        #expect(try db.count("load_runs") == 2)
    }

    @Test func reloadingCutDifferentlyMergesWithoutDuplicates() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 10)
        #expect(db.load(export.messagesJSON, workers: 2, shardBytes: 64 << 10).error == nil)
        let before = try Self.checksum(db)
        // Other shard sizes give other shard keys: every shard is loaded again and merged.
        let again = db.load(export.messagesJSON, workers: 2, shardBytes: 20 << 10)
        #expect(again.error == nil)
        #expect(again.report.totals.shardsLoaded == again.report.shards)
        #expect(again.report.totals.rowsInserted == 0)
        #expect(try db.count("messages") == export.manifest.distinctMessages)
        #expect(try Self.checksum(db) == before)
    }

    @Test func aGiantConversationIsSplitAcrossShards() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 4000, conversations: 6)
        let outcome = db.load(export.messagesJSON, workers: 3, shardBytes: 32 << 10)
        #expect(outcome.error == nil)
        let giant = try db.scalar("SELECT id FROM $schema.conversations ORDER BY message_count DESC LIMIT 1") ?? ""
        let slices = Int(try db.scalar("SELECT count(*) FROM $schema.shard_ledger WHERE '\(giant)' = ANY(conversation_ids)") ?? "") ?? 0
        #expect(slices > 5)
        let count = try db.scalar("SELECT message_count FROM $schema.conversations WHERE id = '\(giant)'")
        #expect(count == (try db.scalar("SELECT count(*) FROM $schema.messages WHERE conversation_id = '\(giant)'")))
        // The giant holds a quarter of the export; a few of its elements are exact repeats.
        #expect(Int(count ?? "") ?? 0 > export.manifest.largestConversation * 9 / 10)
    }

    @Test(arguments: [[ContainerFormat](), [.tar], [.zstd], [.tar, .zstd]])
    func eachContainerCombinationLoads(_ formats: [ContainerFormat]) throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 800, conversations: 6)
        let outcome = db.load(try export.wrapped(formats, in: directory), workers: 2)
        #expect(outcome.error == nil)
        #expect(outcome.report.formats == formats.reversed() + [.json])
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }

    @Test func hostileContentReadsBackExactly() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let hostile = #"it's \"quoted\"\t\\N\n\\.\n'); DROP TABLE messages; --\r\\\\ 東京 😀"#
        let json = #"{"conversations":[{"id":"8:live:x","MessageList":[{"id":"1","originalarrivaltime":"2025-01-01T00:00:00Z","messagetype":"Text","content":"\#(hostile)"}]}]}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: directory.path("m.json")))
        #expect(db.load(directory.path("m.json"), workers: 1).error == nil)
        let stored = try db.scalar("SELECT content FROM $schema.messages")
        #expect(stored == "it's \"quoted\"\t\\N\n\\.\n'); DROP TABLE messages; --\r\\\\ 東京 😀")
    }
}

extension LoadTests {
    static func indexCount(_ db: DatabaseFixture) throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND tablename = 'messages'") ?? "") ?? -1
    }

    @Test func deferredIndexesAreBuiltAfterTheShards() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 6)
        var configuration = db.configuration(export: export.messagesJSON, workers: 2)
        configuration.indexMode = .defer
        let first = Coordinator(configuration: configuration, logger: .init(label: "test")).run()
        #expect(first.error == nil)
        #expect(first.report.indexes == .deferred)
        #expect(first.report.indexesRebuilt == 5)
        #expect(first.report.phases.wallSeconds.indexBuild > 0)
        #expect(try Self.indexCount(db) == 6)
        #expect(try db.count("deferred_indexes") == 0)
        // The full-text index is back and used.
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE to_tsvector('simple', coalesce(body_text, '')) @@ to_tsquery('simple', 'coffee')") != "0")

        let second = db.load(export.messagesJSON, workers: 2, shardBytes: 50 << 10)
        #expect(second.report.indexes == .kept)
        #expect(try Self.indexCount(db) == 6)
    }

    @Test func indexesLeftDeferredByAStoppedLoadAreBuiltByTheNext() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 1000, conversations: 4)
        // A load that fails (its export is truncated) after deferring the indexes.
        let data = try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON))
        let cut = directory.path("cut.json")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        var deferring = db.configuration(export: cut, workers: 1, shardBytes: 16 << 10)
        deferring.indexMode = .defer
        let failed = Coordinator(configuration: deferring, logger: .init(label: "test")).run()
        #expect(failed.error != nil)
        #expect(failed.report.indexesPending == 5)
        #expect(try Self.indexCount(db) == 1)
        // `keep` builds what is pending before loading; the result is a complete table.
        var configuration = db.configuration(export: export.messagesJSON, workers: 2)
        configuration.indexMode = .keep
        let outcome = Coordinator(configuration: configuration, logger: .init(label: "test")).run()
        #expect(outcome.error == nil)
        #expect(try Self.indexCount(db) == 6)
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }
}
