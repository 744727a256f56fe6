import Foundation
@testable import SkypePostgres
@testable import SkypeSupport
import Testing

/// Connections notice a dead peer: default timeouts and keepalives that a URL or a `PG*`
/// variable overrides, a bounded wait for locks, and a peer whose packets vanish.
@Suite(.serialized) struct ConnectionTests {
    func url(_ db: DatabaseFixture, adding parameters: String) -> String {
        db.url + (db.url.contains("?") ? "&" : "?") + parameters
    }

    @Test func defaultTimeoutsApplyAndTheURLOrAVariableOverridesThem() throws {
        let db = try DatabaseFixture()
        let defaults = try PostgresConnection(conninfo: db.url).effectiveOptions
        for (key, value) in ConnectionString.defaultOptions {
            #expect(defaults[key] == value, "\(key)")
        }
        let overridden = try PostgresConnection(conninfo: url(db, adding: "connect_timeout=3&keepalives_idle=7&tcp_user_timeout=1234"))
            .effectiveOptions
        #expect(overridden["connect_timeout"] == "3")
        #expect(overridden["keepalives_idle"] == "7")
        #expect(overridden["tcp_user_timeout"] == "1234")
        #expect(overridden["keepalives_count"] == "3")
        // A PG* variable wins too: the loader leaves the option to libpq (setenv here would
        // race with every other test's connections, so ConnectionStringTests checks that part).
        // The password never shows, even here.
        let withPassword = db.url.replacingOccurrences(of: "postgres@", with: "postgres:50%25off@")
        #expect(try PostgresConnection(conninfo: withPassword).effectiveOptions["password"] == "***")
    }

    @Test func transactionsWaitForALockAtMostThirtySecondsUnlessConfiguredOtherwise() throws {
        let db = try DatabaseFixture()
        let connection = try db.connect()
        try connection.execute(LockTimeout.begin)
        #expect(try connection.execute("SHOW lock_timeout").rows.first?.first == LockTimeout.duration)
        try connection.execute("COMMIT")
        #expect(try connection.execute("SHOW lock_timeout").rows.first?.first == "0")
        try connection.execute("SET lock_timeout = '5s'")
        try connection.execute(LockTimeout.begin)
        #expect(try connection.execute("SHOW lock_timeout").rows.first?.first == "5s")
        try connection.execute("COMMIT")
        #expect(RetryPolicy.isTransient(.init(sqlState: "55P03", message: "lock timeout"), connectionHealthy: true))
    }

    /// Drops every packet of one connection (both directions, on loopback only) while it
    /// waits for a result and while it sends: the keepalives and `tcp_user_timeout` (lowered
    /// in the URL, so the test is quick) must end it, where without them it waited for as long
    /// as the operating system's retransmissions, 15 minutes or more.
    @Test func aPeerThatFallsSilentIsNoticed() throws {
        let db = try DatabaseFixture()
        guard let iptables = ["/usr/sbin/iptables", "/sbin/iptables", "/usr/bin/iptables"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            Issue.record("iptables is missing: scripts/setup-machine installs it")
            return
        }
        let tag = "skype-parallel-load-test"
        // Rules a crashed earlier run left behind would drop whatever connection reuses the port.
        let listed = try Shell.run(iptables, ["-S", "OUTPUT"]).stdout
        for line in listed.split(separator: "\n") where line.contains(tag) && line.hasPrefix("-A ") {
            let rule = line.dropFirst(3).split(separator: " ").map(String.init).map { $0 == "\"\(tag)\"" ? tag : $0 }
            try Shell.run(iptables, ["-D"] + rule)
        }
        let quick = url(db, adding: "keepalives_idle=1&keepalives_interval=1&keepalives_count=2&tcp_user_timeout=3000")
        guard let serverPort = URLComponents(string: db.url)?.port else { throw TestFailure("no port in \(db.url)") }

        for waitsForResult in [true, false] {
            // Used by one thread at a time: the query's thread, then this one after it ended.
            nonisolated(unsafe) let connection = try PostgresConnection(conninfo: quick)
            guard let clientPort = try connection.execute("SELECT inet_client_port()").rows.first?.first.flatMap({ $0 }) else {
                throw TestFailure("no client port")
            }
            let rules = [["--sport", clientPort, "--dport", String(serverPort)], ["--sport", String(serverPort), "--dport", clientPort]]
                .map { ["OUTPUT", "-o", "lo", "-p", "tcp"] + $0 + ["-m", "comment", "--comment", tag, "-j", "DROP"] }
            defer { for rule in rules { _ = try? Shell.run(iptables, ["-D"] + rule) } }

            let ended = DispatchSemaphore(value: 0)
            let failure = Locked<PostgresConnection.Failure?>(nil)
            let started = Date()
            if waitsForResult {
                // The query is sent before the packets vanish; its result never comes.
                Thread {
                    do { try connection.execute("SELECT pg_sleep(40)") } catch { failure.withLock { $0 = error as? PostgresConnection.Failure } }
                    ended.signal()
                }.start()
                Thread.sleep(forTimeInterval: 0.5)
                for rule in rules { #expect(try Shell.run(iptables, ["-I"] + rule).status == 0) }
            } else {
                for rule in rules { #expect(try Shell.run(iptables, ["-I"] + rule).status == 0) }
                Thread {
                    do { try connection.execute("SELECT 1") } catch { failure.withLock { $0 = error as? PostgresConnection.Failure } }
                    ended.signal()
                }.start()
            }
            // Bounded: after 30 s the packets flow again, so a failing test cannot hang.
            let noticed = ended.wait(timeout: .now() + 30) == .success
            for rule in rules { _ = try? Shell.run(iptables, ["-D"] + rule) }
            if !noticed { ended.wait() }
            let elapsed = Date().timeIntervalSince(started)
            #expect(noticed, "waiting for a result: \(waitsForResult), \(elapsed) s")
            #expect(failure.withLock { $0 } != nil)
            #expect(!connection.isHealthy)
            if let failure = failure.withLock({ $0 }) {
                #expect(RetryPolicy.isTransient(failure, connectionHealthy: connection.isHealthy), "\(failure)")
            }
        }
    }
}
