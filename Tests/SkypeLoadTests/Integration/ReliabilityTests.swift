import Foundation
import Logging
@testable import SkypeExport
@testable import SkypePostgres
@testable import SkypeRuntime
import Testing
import SkypeReport
import SyntheticExport

/// Faults and hostile input: nothing lost, nothing doubled, nobody let in. (Workers killed,
/// server restarts, terminated backends and signals are in scripts/fault-test.)
@Suite struct ReliabilityTests {
    @Test func aShardThatKillsWorkersIsQuarantinedAndTheLoadGoesOn() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 10)
        var configuration = db.configuration(export: export.messagesJSON, workers: 2, shardBytes: 32 << 10)
        configuration.crashWorkersOnConversation = "8:live:friend5"
        configuration.rejectsPath = directory.path("rejects.jsonl")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outcome = Coordinator(configuration: configuration, logger: logger).run()
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.exitCode == LoadOutcome.loadedWithRejects)
        #expect(outcome.report.quarantinedShards >= 1)
        #expect(outcome.report.workerRestarts >= configuration.shardAttemptsBeforeQuarantine)
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE conversation_id = '8:live:friend5'") == "0")
        // Every other conversation is complete; the quarantined shards are in the reject file.
        let lines = try String(contentsOfFile: directory.path("rejects.jsonl"), encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
        let quarantined = records.filter { $0.reason.hasPrefix("shard_quarantined") }
        #expect(quarantined.count == outcome.report.quarantinedShards)
        #expect(quarantined.allSatisfy { $0.length >= 0 && $0.conversation.contains("8:live:friend5") })
        #expect(quarantined.contains { $0.length > 0 })
        let verification = try Verifier(exportPath: export.messagesJSON, conninfo: db.url, schema: db.schema).run()
        let lost = Set(quarantined.flatMap { $0.conversation.split(separator: ",").map(String.init) })
        #expect(!verification.differences.isEmpty)
        #expect(verification.differences.allSatisfy { lost.contains($0.conversation) })
    }

    @Test func verifyMatchesAfterALoadAndFindsAMissingMessage() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 6)
        let path = try export.wrapped([.tar, .zstd], in: directory)
        #expect(db.load(path, workers: 2).error == nil)
        let verifier = Verifier(exportPath: path, conninfo: db.url, schema: db.schema)
        let clean = try verifier.run()
        #expect(clean.matches)
        #expect(clean.messages == export.manifest.distinctMessages)

        let victim = try db.scalar("SELECT conversation_id FROM $schema.messages ORDER BY message_id LIMIT 1") ?? ""
        // A row's ctid is unique only within its partition.
        try db.connect().execute("""
            DELETE FROM \(db.schema).messages WHERE (tableoid, ctid) IN
                (SELECT tableoid, ctid FROM \(db.schema).messages WHERE conversation_id = $1 LIMIT 1)
            """, [victim])
        let broken = try verifier.run()
        #expect(!broken.matches)
        #expect(broken.differences.map(\.conversation) == [victim])

        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["verify", "--database", db.url, "--schema", db.schema, path])
        #expect(cli.status == 1)
        #expect(cli.stdout.contains("DIFFERENT"))
        // Loading again restores the missing message: the shard keys are the same, so only a
        // load cut differently re-sends it; the merge adds just the one row.
        #expect(db.load(path, workers: 2, shardBytes: 100 << 10).error == nil)
        #expect(try verifier.run().matches)
    }

    @Test func badExportsFailClearlyAndLeaveNoPartialShard() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 4000, conversations: 8)
        let good = try export.wrapped([.tar, .zstd], in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = directory.path("truncated.tar.zst")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
        var damaged = data
        for index in stride(from: data.count / 3, to: data.count / 3 + 200, by: 7) { damaged[index] ^= 0xA5 }
        let corrupted = directory.path("corrupted.tar.zst")
        try damaged.write(to: URL(fileURLWithPath: corrupted))
        let empty = directory.path("empty.tar.zst")
        try Data().write(to: URL(fileURLWithPath: empty))

        // Damage inside compressed text can decode into other text that only the frame's checksum,
        // at the end of the stream, tells apart: shards committed before it hold that text, so
        // the corrupted file goes into a schema of its own.
        let scratch = try DatabaseFixture()
        defer { scratch.drop() }
        for (path, target) in [(truncated, db), (corrupted, scratch), (empty, db)] {
            let output = try Shell.run(TestEnvironment.loaderExecutable,
                                       ["--database", target.url, "--schema", target.schema, "--quiet", "--shard-size", "32K", path])
            #expect(output.status == 1, "\(path): \(output.stderr)")
            let errors = output.stderr.split(separator: "\n").filter { $0.contains("error:") }
            #expect(errors.count == 1 && errors[0].contains(path) && errors[0].contains("byte"), "\(output.stderr)")
            if (try? target.scalar("SELECT to_regclass('$schema.shard_ledger') IS NOT NULL")) == "t" {
                #expect(try target.scalar("SELECT coalesce(sum(rows_inserted), 0) FROM $schema.shard_ledger") == String(try target.count("messages")))
            }
        }
        #expect(try Shell.run(TestEnvironment.loaderExecutable, ["--database", db.url, "--schema", db.schema, "--quiet", good]).status == 0)
        #expect(try Verifier(exportPath: good, conninfo: db.url, schema: db.schema).run().matches)
    }

    @Test func credentialsAppearNowhere() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 20000, conversations: 6)
        // The test server trusts local connections, so any password is accepted and must be hidden.
        let secret = "Hunter2-\(UUID().uuidString.prefix(8))"
        let url = db.url.replacingOccurrences(of: "postgres@", with: "postgres:\(secret)@")
        let metrics = directory.path("metrics.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.loaderExecutable)
        process.arguments = ["--schema", db.schema, "--workers", "2", "--shard-size", "16K", "--log-level", "debug",
                             "--progress-interval", "0.1", "--metrics-json", metrics, export.messagesJSON]
        // PGPASSWORD too (libpq prefers the URL's): workers must inherit neither variable.
        let environmentSecret = "Env-\(UUID().uuidString.prefix(8))"
        process.environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": url, "PGPASSWORD": environmentSecret]) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var workerCommandLines: [String] = []
        var workerEnvironments: [String] = []
        // Until a worker has exec'd (right after spawn a child still shows the parent's line).
        while process.isRunning && !workerCommandLines.contains(where: { $0.hasSuffix(" worker ") }) {
            for child in (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(process.processIdentifier)/children", encoding: .utf8))?
                .split(separator: " ") ?? [] {
                if let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(child)/cmdline")) {
                    let commandLine = String(decoding: line.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                    workerCommandLines.append(commandLine)
                    if commandLine.hasSuffix(" worker "), let environ = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(child)/environ")) {
                        workerEnvironments.append(String(decoding: environ.map { $0 == 0 ? 0x0A : $0 }, as: UTF8.self))
                    }
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(!workerCommandLines.isEmpty)
        #expect(workerCommandLines.contains { $0.hasSuffix(" worker ") })
        #expect(workerCommandLines.allSatisfy { !$0.contains(secret) })
        #expect(!workerEnvironments.isEmpty)
        for environment in workerEnvironments {
            #expect(!environment.contains(secret) && !environment.contains(environmentSecret))
            let names = environment.split(separator: "\n").map { $0.prefix { $0 != "=" } }
            #expect(!names.contains("DATABASE_URL") && !names.contains("PGPASSWORD"))
            #expect(names.contains("PATH"))
        }
        #expect(!stdout.contains(secret))
        #expect(!stderr.contains(secret))
        #expect(!(try String(contentsOfFile: metrics, encoding: .utf8)).contains(secret))
        #expect(try db.scalar("SELECT count(*) FROM $schema.load_runs WHERE report::text LIKE '%\(secret)%' OR export_path LIKE '%\(secret)%'") == "0")
    }

    @Test func hostileContentAndSchemaNamesReadBackExactly() throws {
        let db = try DatabaseFixture()
        defer { _ = try? db.connect().execute("DROP SCHEMA IF EXISTS \"\(db.schema) \"\"odd\"\"; drop\" CASCADE") }
        let schema = "\(db.schema) \"odd\"; drop"
        let directory = try ScratchDirectory()
        let backslashes = String(repeating: "\\\\", count: 1 << 20)  // 1 MiB of backslashes once decoded
        let fragments = #"'); DROP TABLE messages; -- \t tab \\N \\. \n"#
        let json = #"{"conversations":[{"id":"8:live:o'brien\"x","MessageList":[{"id":"1","originalarrivaltime":"2025-01-01T00:00:00Z","messagetype":"Text","content":"\#(backslashes)"},{"id":"2","originalarrivaltime":"2025-01-01T00:00:01Z","messagetype":"Text","content":"\#(fragments)","from":"8:live:x'; --"}]}]}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: directory.path("m.json")))
        var configuration = db.configuration(export: directory.path("m.json"), workers: 1)
        configuration.schema = schema
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        #expect(Coordinator(configuration: configuration, logger: logger).run().error == nil)
        let quoted = PostgresConnection.quoteIdentifier(schema)
        let connection = try db.connect()
        let rows = try connection.execute("SELECT message_id, content, sender_id, conversation_id FROM \(quoted).messages ORDER BY message_id").rows
        #expect(rows.count == 2)
        #expect(rows.first?[1] == String(repeating: "\\", count: 1 << 20))
        #expect(rows.last?[1] == "'); DROP TABLE messages; -- \t tab \\N \\. \n")
        #expect(rows.last?[2] == "8:live:x'; --")
        #expect(rows.first?[3] == "8:live:o'brien\"x")
        #expect(try connection.execute("SELECT title FROM \(quoted).conversations").rows.first?[0] == "8:live:o'brien\"x")
    }
}
