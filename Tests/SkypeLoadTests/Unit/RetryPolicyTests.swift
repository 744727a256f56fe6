import Foundation
@testable import SkypePostgres
@testable import SkypeSupport
import Testing

@Suite struct RetryPolicyTests {
    typealias Failure = PostgresConnection.Failure

    @Test(arguments: ["57P01", "57P02", "57P03", "53300", "40001", "40P01", "08006", "08001"])
    func transientStatesAreRetried(_ state: String) {
        #expect(RetryPolicy.isTransient(Failure(sqlState: state, message: "x"), connectionHealthy: true))
    }

    @Test(arguments: ["23505", "42P01", "42501", "22021", "28P01"])
    func permanentStatesAreNot(_ state: String) {
        #expect(!RetryPolicy.isTransient(Failure(sqlState: state, message: "x"), connectionHealthy: true))
    }

    @Test func aLostConnectionIsTransient() {
        #expect(RetryPolicy.isTransient(Failure(sqlState: nil, message: "server closed the connection"), connectionHealthy: false))
        #expect(RetryPolicy.isTransient(Failure(sqlState: "XX000", message: "x"), connectionHealthy: false))
    }

    @Test func aCitusWorkerNodeLostIsTransientButOtherInternalErrorsAreNot() {
        let lost = "failure on connection marked as essential: 127.0.0.1:51119"
        #expect(RetryPolicy.isTransient(Failure(sqlState: "XX000", message: lost), connectionHealthy: true))
        #expect(!RetryPolicy.isTransient(Failure(sqlState: "XX000", message: "could not open relation"), connectionHealthy: true))
        // Seen when a worker node restarted mid-load (scripts/citus-fault-test).
        let copyBroke = Failure(sqlState: "58030", message: "ERROR:  failed to COPY to shard 103853 on 127.0.0.1:36961")
        #expect(RetryPolicy.isTransient(copyBroke, connectionHealthy: true))
        #expect(!RetryPolicy.isTransient(Failure(sqlState: "58030", message: "could not read file"), connectionHealthy: true))
        // A unique violation relayed by Citus from a COPY is one, and not worth retrying.
        let duplicate = Failure(sqlState: "XX000", message: "duplicate key value violates unique constraint \"messages_p0_pkey_102097\"")
        #expect(duplicate.isUniqueViolation)
        #expect(!RetryPolicy.isTransient(duplicate, connectionHealthy: true))
    }

    @Test func backoffGrowsWithJitterAndStaysCapped() {
        let policy = RetryPolicy()
        for attempt in 1...12 {
            let base = min(policy.maximumDelay, policy.initialDelay * Double(1 << (attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt)
            #expect(delay >= base * 0.5 && delay <= base * 1.5)
        }
    }
}

/// The one retry mechanism, against a port where no server listens (no database needed).
@Suite struct RetryingConnectionTests {
    static let nowhere = "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"

    @Test func retriesByTimeNotByCountAndSaysHowLong() throws {
        var policy = RetryPolicy()
        policy.initialDelay = 0.01
        policy.maximumDelay = 0.02
        policy.timeout = 0.6
        let database = RetryingConnection(conninfo: Self.nowhere, policy: policy)
        let started = MonotonicClock.now()
        do {
            _ = try database.run { try $0.execute("SELECT 1") }
            Issue.record("connected to nothing")
        } catch let failure as PostgresConnection.Failure {
            #expect(failure.message.contains("attempts in"))
        }
        // Many more than the old cap of 8 attempts, all within the timeout.
        #expect(database.retries > 8)
        #expect(MonotonicClock.seconds(since: started) >= 0.6)
    }

    @Test func aStopEndsTheWaitAtOnce() throws {
        var policy = RetryPolicy()
        policy.initialDelay = 30
        policy.maximumDelay = 30
        let stop = StopControl()
        let database = RetryingConnection(conninfo: Self.nowhere, policy: policy, stop: stop)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { stop.request(signal: 2) }
        let started = MonotonicClock.now()
        #expect(throws: StopControl.Stopped.self) { try database.run { try $0.execute("SELECT 1") } }
        #expect(MonotonicClock.seconds(since: started) < 10)
    }
}
