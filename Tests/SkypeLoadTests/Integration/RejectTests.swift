import Foundation
@testable import SkypeExport
@testable import SkypePostgres
@testable import SkypeRuntime
import Testing
import SkypeReport

/// Messages the server cannot store become reject lines; the load goes on, and a rerun or a
/// resume reports them again.
@Suite struct RejectTests {
    /// 2,000 good messages in 4 conversations and one message of each kind the server cannot
    /// store, with `--max-value-bytes 1M`.
    static func exportWithBadValues(in directory: ScratchDirectory) throws -> String {
        func message(_ id: String, _ minute: Int, content: String = "hello", properties: String = "null") -> String {
            let time = String(format: "2025-03-08T%02d:%02d:00Z", minute / 60 % 24, minute % 60)
            return #"{"id":"\#(id)","originalarrivaltime":"\#(time)","messagetype":"RichText","from":"8:live:a","content":"\#(content)","properties":\#(properties)}"#
        }
        // Hyphenated words are indexed whole and in parts: 940 KB of them is 2.5 MB of tsvector.
        let words = (1...60_000).map { "q\($0)x-r\($0)y" }.joined(separator: " ")
        let bad = [
            message(String(repeating: "9", count: 4096), 1),                             // key_too_long
            message("77", 2, properties: #"{"edittime":"1741455300000","x":1e200000}"#),   // number_out_of_range
            message("78", 3, content: words),                                            // text_too_long_to_index
            message("79", 4, content: String(repeating: "z", count: 1_100_000)),         // value_too_large
        ]
        var conversations: [String] = []
        for conversation in 0..<4 {
            var messages = (0..<500).map { message(String(10_000 + $0), $0, content: "message \($0) of \(conversation)") }
            messages.insert(bad[conversation], at: 250)
            conversations.append(#"{"id":"19:c\#(conversation)@thread.skype","MessageList":[\#(messages.joined(separator: ","))]}"#)
        }
        let path = directory.path("bad.json")
        try Data(#"{"userId":"8:live:me","conversations":[\#(conversations.joined(separator: ","))]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    static func records(_ path: String) throws -> [RejectRecord] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
    }

    static let reasons = ["key_too_long", "number_out_of_range", "text_too_long_to_index", "value_too_large"]

    @Test func valuesTheServerCannotStoreAreRejectsAndTheRestLoads() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try Self.exportWithBadValues(in: directory)
        let rejects = directory.path("rejects.jsonl")
        let arguments = ["--database", db.url, "--schema", db.schema, "--quiet", "--max-value-bytes", "1M",
                         "--shard-size", "64K", "--rejects", rejects, export]
        let first = try Shell.run(TestEnvironment.loaderExecutable, arguments)
        #expect(first.status == LoadOutcome.loadedWithRejects, "\(first.stderr)")
        #expect(try db.count("messages") == 2000)
        let records = try Self.records(rejects)
        #expect(records.map(\.reason).sorted() == Self.reasons)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: export))
        for record in records {
            #expect(record.conversation.hasPrefix("19:c") && record.messageIndex == 250)
            // The offset and length name the message in the file.
            #expect(bytes[Int(record.offset)] == UInt8(ascii: "{"))
            #expect(bytes[Int(record.offset) + record.length - 1] == UInt8(ascii: "}"))
        }
        #expect(records.first { $0.reason == "text_too_long_to_index" }?.detail?.contains("tsvector") == true)

        // A rerun: every shard is already loaded, and still says what it rejected.
        let second = try Shell.run(TestEnvironment.loaderExecutable, arguments)
        #expect(second.status == LoadOutcome.loadedWithRejects, "\(second.stderr)")
        #expect(try db.count("messages") == 2000)
        let again = try Self.records(rejects)
        #expect(again.count == 8)
        #expect(again.dropFirst(4).map(\.reason).sorted() == Self.reasons)
        #expect(try db.scalar("SELECT report->'totals'->>'rowsInserted' FROM $schema.load_runs ORDER BY id DESC LIMIT 1") == "0")
    }

    /// `inspect` reads messages as a load does, so it predicts every reject the load decides
    /// itself (all but the full-text limit, which only the server measures).
    @Test func inspectPredictsTheRejectsTheLoadDecides() throws {
        let directory = try ScratchDirectory()
        var inspector = Inspector(exportPath: try Self.exportWithBadValues(in: directory))
        inspector.splitter.maximumValueBytes = 1 << 20
        let report = try inspector.run()
        #expect(report.rejects == ["key_too_long": 1, "number_out_of_range": 1, "value_too_large": 1])
    }

    /// A worker killed after COMMIT and before reporting a shard with rejects: the shard's next
    /// worker finds it committed and reports its rejects from the ledger.
    @Test func aLostAcknowledgementStillReportsTheShardsRejects() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try Self.exportWithBadValues(in: directory)
        // One shard holds all of 19:c1, its rejected message included.
        var configuration = db.configuration(export: export, workers: 1, shardBytes: 256 << 10)
        configuration.splitter.maximumValueBytes = 1 << 20
        configuration.rejectsPath = directory.path("rejects.jsonl")
        configuration.crashWorkerAfterCommitOnConversation = "19:c1@thread.skype"
        let outcome = db.load(configuration)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.report.workerRestarts == 1)
        #expect(outcome.exitCode == LoadOutcome.loadedWithRejects)
        #expect(outcome.report.totals.rowsInserted == 2000)
        #expect(try db.count("messages") == 2000)
        #expect(try Self.records(directory.path("rejects.jsonl")).map(\.reason).sorted() == Self.reasons)
        #expect(outcome.report.rejects.values.reduce(0, +) == 4)
        // The shard whose acknowledgement was lost had rejects, kept in its ledger row.
        #expect(try db.scalar("SELECT count(*) FROM $schema.shard_ledger WHERE rejects LIKE '%number_out_of_range%' AND '19:c1@thread.skype' = ANY(conversation_ids)") == "1")
    }

    /// A refusal no check foresaw (here a trigger's data error) sets that one message aside:
    /// the rest of its shard loads.
    @Test func aRowTheServerRefusesIsSetAsideAndItsShardLoads() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let connection = try db.connect()
        try Migrator(schema: db.schema).migrate(connection)
        try connection.execute("""
            CREATE FUNCTION \(db.schema).refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.content = 'poison' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22023'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON \(db.schema).messages FOR EACH ROW EXECUTE FUNCTION \(db.schema).refuse();
            """)
        let messages = (0..<50).map { index in
            #"{"id":"\#(index)","originalarrivaltime":"2025-03-08T17:\#(10 + index % 40):00Z","messagetype":"RichText","from":"8:live:a","content":"\#(index == 20 || index == 30 ? "poison" : "fine")"}"#
        }
        let path = directory.path("poison.json")
        try Data(#"{"userId":"8:live:me","conversations":[{"id":"8:live:a","MessageList":[\#(messages.joined(separator: ","))]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        var configuration = db.configuration(export: path, workers: 1)
        configuration.rejectsPath = directory.path("rejects.jsonl")
        let outcome = db.load(configuration)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.exitCode == LoadOutcome.loadedWithRejects)
        #expect(try db.count("messages") == 48)
        let records = try Self.records(directory.path("rejects.jsonl"))
        #expect(records.map(\.messageIndex) == [20, 30])
        #expect(records.allSatisfy { $0.reason == "server_refused" && $0.detail?.contains("refused") == true })
    }
}
