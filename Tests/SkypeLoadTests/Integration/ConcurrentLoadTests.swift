import Foundation
import Logging
@testable import SkypePostgres
@testable import SkypeRuntime
@testable import SkypeSupport
import Testing
import SyntheticExport

/// Two loads into one schema: the second waits for the first (``SchemaLock``).
@Suite struct ConcurrentLoadTests {
    static func quietLogger() -> Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs a load on a thread of its own; `wait` returns its outcome.
    final class BackgroundLoad: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let result = Locked<LoadOutcome?>(nil)

        init(_ configuration: LoadConfiguration) {
            Thread { [self] in
                let outcome = Coordinator(configuration: configuration, logger: ConcurrentLoadTests.quietLogger()).run()
                result.withLock { $0 = outcome }
                done.signal()
            }.start()
        }

        var finished: Bool { result.withLock { $0 != nil } }

        func wait() -> LoadOutcome? {
            _ = done.wait(timeout: .now() + 300)
            return result.withLock { $0 }
        }
    }

    @Test func aLoadWaitsWhileAnotherHoldsTheSchema() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 6)
        // This session plays the first load.
        let other = try db.connect()
        try other.execute("SELECT pg_advisory_lock($1, hashtext($2))", [String(SchemaLock.keySpace), db.schema])
        let load = BackgroundLoad(db.configuration(export: export.messagesJSON, workers: 2))
        // The load's lock session appears, and the load goes no further while the lock is held.
        var seen = false
        for _ in 0..<600 where !seen {
            seen = try db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'skype-parallel-load schema lock'") != "0"
            if !seen { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(seen)
        #expect(try db.scalar("SELECT to_regclass('$schema.load_runs') IS NULL") == "t")
        #expect(!load.finished)
        try other.execute("SELECT pg_advisory_unlock($1, hashtext($2))", [String(SchemaLock.keySpace), db.schema])
        let outcome = try #require(load.wait())
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }

    @Test func twoLoadsAtOnceEndCorrect() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 4000, conversations: 8)
        var configuration = db.configuration(export: export.messagesJSON, workers: 1, shardBytes: 32 << 10)
        configuration.indexMode = .defer
        let first = BackgroundLoad(configuration)
        let second = BackgroundLoad(configuration)
        let outcomes = [first.wait(), second.wait()]
        for outcome in outcomes {
            #expect(outcome?.error == nil, "\(String(describing: outcome?.error))")
        }
        #expect(try db.count("messages") == export.manifest.distinctMessages)
        #expect(try db.count("deferred_indexes") == 0)
        #expect(try db.scalar("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND NOT i.indisvalid
            """) == "0")
        #expect(try LoadTests.indexCount(db) == 6)
        #expect(try db.scalar("""
            SELECT count(*) FROM $schema.conversations c
            WHERE message_count <> (SELECT count(*) FROM $schema.messages m WHERE m.conversation_id = c.id)
            """) == "0")
    }
}
