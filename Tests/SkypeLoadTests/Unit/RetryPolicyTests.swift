import Testing
@testable import SkypeLoad

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
