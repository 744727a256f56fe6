import Foundation
import Logging
import SkypePostgres
import SkypeReport
import SkypeRuntime
import SkypeSupport
import Testing

/// Once a load has failed, what is left (the workers' shards in flight, the count refresh, the
/// report) does not wait --retry-timeout again, step after step, for a server that is gone: a
/// server stopped by its full disk cannot start again until someone frees space.
@Suite struct FailureWindDownTests {
    /// The server "goes away" for the load's own role only (NOLOGIN, its sessions ended), which
    /// the loader sees as a server it cannot reach. Before, the load took 4 retry timeouts
    /// after the cut (two rounds of shards held by each worker, the count refresh's lock, the
    /// report): 20 s with --retry-timeout 5; now one, and at most 5 s to wind down.
    @Test func aFailedLoadWindsDownWithinSecondsWhileTheServerIsUnreachable() throws {
        let db = try DatabaseFixture()
        let role = "spl_wind_down_" + db.schema.dropFirst(2)
        let admin = try db.connect()
        try admin.execute("CREATE ROLE \(role) LOGIN SUPERUSER")
        defer {
            db.drop()
            _ = try? admin.execute("DROP OWNED BY \(role)")
            _ = try? admin.execute("DROP ROLE \(role)")
        }
        var components = try #require(URLComponents(string: db.url))
        components.user = role
        let url = try #require(components.string)

        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 3)
        var configuration = db.configuration(export: export.messagesJSON, workers: 2, shardBytes: 16 << 10)
        configuration.conninfo = url
        configuration.retry.timeout = 5
        let pauseFile = directory.path("pause")
        configuration.testPause = TestPause(point: .splitting, file: pauseFile)

        let outcome = Locked<LoadOutcome?>(nil)
        let done = DispatchSemaphore(value: 0)
        let settings = configuration
        Thread {
            outcome.withLock { $0 = db.load(settings) }
            done.signal()
        }.start()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: pauseFile) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(FileManager.default.fileExists(atPath: pauseFile), "the load never reached its pause")

        try admin.execute("ALTER ROLE \(role) NOLOGIN")
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role])
        let cut = MonotonicClock.now()
        try FileManager.default.removeItem(atPath: pauseFile)
        #expect(done.wait(timeout: .now() + 120) == .success)
        let seconds = MonotonicClock.seconds(since: cut)

        let result = try #require(outcome.withLock { $0 })
        #expect(result.report.status == .failed)
        #expect(result.error?.description.contains("cannot connect to PostgreSQL") == true, "\(String(describing: result.error))")
        // One retry timeout (5 s) for the first failure, at most 5 s more to wind down.
        #expect(seconds < 14, "the load took \(seconds) s to end after the server went away")
    }
}
