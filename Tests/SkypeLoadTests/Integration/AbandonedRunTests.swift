import Foundation
import Testing
import SkypeRuntime
import SyntheticExport

/// Security review finding 8: a coordinator killed with SIGKILL left its `load_runs` row
/// `running` for good, even after a rerun completed, so monitoring saw a phantom load.
@Suite struct AbandonedRunTests {
    @Test func aRunLeftByAKilledCoordinatorIsMarkedAbandonedByTheNextLoad() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 40_000, conversations: 40)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.loaderExecutable)
        process.arguments = ["--database", db.url, "--schema", db.schema, "--quiet", "--workers", "1", export.messagesJSON]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it as soon as its run is recorded, long before 40,000 messages are in.
        let deadline = Date().addingTimeInterval(60)
        var running: String?
        while running == nil && Date() < deadline && process.isRunning {
            running = try? db.scalar("SELECT id FROM $schema.load_runs WHERE status = 'running'")
            if running == nil { usleep(10_000) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killed = try #require(running, "the load never recorded its run")
        #expect(try db.scalar("SELECT status FROM $schema.load_runs WHERE id = \(killed)") == "running")

        let outcome = db.load(export.messagesJSON, workers: 2)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(try db.scalar("SELECT status FROM $schema.load_runs WHERE id = \(killed)") == "abandoned")
        #expect(try db.scalar("SELECT count(*) FROM $schema.load_runs WHERE status = 'running'") == "0")
        #expect(try db.scalar("SELECT status FROM $schema.load_runs ORDER BY id DESC LIMIT 1") == "completed")
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }
}
