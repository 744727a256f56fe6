import Foundation
@testable import SkypeReport
import Testing
import SkypeExport
import SkypeRuntime
import SyntheticExport

/// What a person running a load sees: progress on a terminal and in logs, the report after an
/// interruption, the report's JSON and Prometheus forms.
@Suite struct OperatorExperienceTests {
    @Test func progressBlockIsDrawnOnATerminalAndClearedBeforeTheReport() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 4000, conversations: 8)
        // `script` gives the loader a pseudo-terminal; stdout and stderr both arrive on it.
        let command = [TestEnvironment.loaderExecutable, "--database", db.url, "--schema", db.schema,
                       "--workers", "2", "--shard-size", "16K", export.messagesJSON].map { "'\($0)'" }.joined(separator: " ")
        let output = try Shell.run("script", ["-q", "-e", "-c", command, "/dev/null"])
        #expect(output.status == 0, "\(output.stdout)")
        let screen = output.stdout
        #expect(screen.contains("worker 0: "))
        #expect(screen.contains("\u{1B}[K"))
        let erase = try #require(screen.range(of: "\u{1B}[J", options: .backwards))
        let afterBlock = screen[erase.upperBound...]
        #expect(afterBlock.hasPrefix("skype-parallel-load run"))
        #expect(!afterBlock.contains("worker 0: "))
        #expect(!afterBlock.contains("\u{1B}["))
    }

    @Test func withoutATerminalProgressIsPlainTimestampedLines() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 6000, conversations: 8)
        let output = try Shell.run(TestEnvironment.loaderExecutable, [
            "--database", db.url, "--schema", db.schema, "--workers", "1", "--connections-per-worker", "1",
            "--shard-size", "16K", "--progress-interval", "0.05", export.messagesJSON,
        ])
        #expect(output.status == 0)
        #expect(!output.stderr.contains("\u{1B}"))
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count >= 2)
        // Every line names its phase; loading lines say how far the reading and the shards are.
        let stamp = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "#
        for line in lines {
            let loading = line.range(of: stamp + #"(loading|finishing shards|stopping workers): read .* messages .* shards \d+ done"#,
                                     options: .regularExpression) != nil
            let after = line.range(of: stamp + #"(building indexes: \d+ of \d+ indexes built|finalizing: refreshing)"#,
                                   options: .regularExpression) != nil
            #expect(loading || after, "\(line)")
        }
        #expect(lines.contains { $0.contains(" loading: read ") })
    }

    @Test func anInterruptedRunPrintsItsReportAndTheNextRunResumes() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 40000, conversations: 10)
        let arguments = ["--database", db.url, "--schema", db.schema, "--workers", "1", "--connections-per-worker", "1",
                         "--shard-size", "16K", "--quiet", export.messagesJSON]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.loaderExecutable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Interrupt once a few shards have committed.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let committed = Int((try? db.scalar("SELECT count(*) FROM $schema.shard_ledger")) ?? "0") ?? 0
            if committed >= 3 || !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning, "the load finished before it could be interrupted")
        process.interrupt()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stdout.contains("INTERRUPTED"))
        #expect(stdout.contains("worker"))
        #expect(stderr.contains("stopped"))
        #expect(try db.scalar("SELECT status FROM $schema.load_runs") == "interrupted")
        let partial = try db.count("messages")
        #expect(partial > 0 && partial < export.manifest.distinctMessages)

        let rerun = try Shell.run(TestEnvironment.loaderExecutable, arguments)
        #expect(rerun.status == 0)
        #expect(try db.count("messages") == export.manifest.distinctMessages)
        #expect(rerun.stdout.contains("already loaded"))
    }

    @Test func phaseSumsAgreeWithWorkersAndTheJSONMatchesItsSchema() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 5000, conversations: 10)
        let outcome = db.load(try export.wrapped([.tar, .zstd], in: directory), workers: 3, shardBytes: 32 << 10)
        #expect(outcome.error == nil)
        let report = outcome.report
        let summed = report.phases.summedSeconds
        for (phase, perWorker) in [(summed.parse, \WorkerSummary.parseSeconds), (summed.copy, \.copySeconds),
                                   (summed.merge, \.mergeSeconds), (summed.commit, \.commitSeconds)] {
            let sum = report.workers.reduce(into: WorkerSummary(worker: nil)) { $0.add($1) }[keyPath: perWorker]
            #expect(phase == sum)
            #expect(phase == report.totals[keyPath: perWorker])
        }
        // Workers overlap: a phase's wall time never exceeds its summed time.
        let wall = report.phases.wallSeconds
        #expect(wall.parse <= summed.parse + 1e-6 && wall.parse > 0)
        #expect(wall.merge <= summed.merge + 1e-6 && wall.merge > 0)
        #expect(report.shardLatency.count == report.totals.shardsLoaded)
        #expect(report.shardLatency.p50Seconds <= report.shardLatency.p99Seconds)

        let path = directory.path("report.json")
        try ReportPrinter.json(report).write(to: URL(fileURLWithPath: path))
        let stored = directory.path("stored.json")
        try Data((try db.scalar("SELECT report::text FROM $schema.load_runs") ?? "").utf8).write(to: URL(fileURLWithPath: stored))
        for file in [path, stored] {
            let check = try Shell.run("python3", ["-c", """
                import json, sys, jsonschema
                jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
                """, Self.schemaPath, file])
            #expect(check.status == 0, "\(check.stderr)")
        }
    }

    @Test func prometheusTextFollowsTheConventions() throws {
        var report = LoadReport(export: "x.tar.zst")
        report.runID = 7
        var metrics = ShardMetrics(ordinal: 0, shardKey: "k", worker: 1)
        metrics.messages = 10
        metrics.rowsInserted = 9
        metrics.messageTypes = ["RichText": 10]
        report.add(metrics)
        let text = PrometheusRenderer.render(report)
        #expect(text.contains(#"skype_load_rows_inserted_total{run="7",worker="1"} 9"#))
        #expect(text.contains(#"skype_load_messages_by_type_total{run="7",type="RichText"} 10"#))
        #expect(text.contains("# TYPE skype_load_rows_inserted_total counter"))
        #expect(text.contains("# TYPE skype_load_phase_wall_seconds gauge"))
    }

    @Test func helpTeachesWithExamples() throws {
        let help = try Shell.run(TestEnvironment.loaderExecutable, ["load", "--help"])
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("--workers"))
        #expect(!help.stdout.contains("worker  ")) // the hidden worker mode stays hidden
    }

    static var schemaPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Docs/report.schema.json").path
    }
}
