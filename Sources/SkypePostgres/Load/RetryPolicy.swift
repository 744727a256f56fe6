import Foundation
import SkypeSupport

/// When a database operation is tried again after a failure, and how long it waits between
/// tries. Bounded by time, not by a count of attempts: an outage of a minute within a
/// five-minute `--retry-timeout` is survived, whatever the backoff did meanwhile.
package struct RetryPolicy: Sendable, Codable, Equatable {
    /// The first wait; each later wait doubles, up to `maximumDelay`. Default 0.2 s.
    package var initialDelay = 0.2
    /// Default 10 s.
    package var maximumDelay = 10.0
    /// An operation stops being retried once this many seconds have passed since its first
    /// failure (`--retry-timeout`). Default 300 s: long enough for a server restart or a failover.
    package var timeout = 300.0

    package init() {}

    /// The wait before attempt `attempt + 1` (attempt counts from 1): exponential, with
    /// ±50% jitter so that many connections do not reconnect in lockstep.
    package func delay(afterAttempt attempt: Int) -> Double {
        let exponential = min(maximumDelay, initialDelay * pow(2, Double(min(30, max(0, attempt - 1)))))
        return exponential * Double.random(in: 0.5...1.5)
    }

    /// Whether to try again after `failure`, the first failure of this operation having
    /// happened at `firstFailure` (``MonotonicClock`` nanoseconds).
    package func allowsRetry(after failure: PostgresConnection.Failure, connectionHealthy: Bool,
                            firstFailure: UInt64) -> Bool {
        Self.isTransient(failure, connectionHealthy: connectionHealthy)
            && MonotonicClock.seconds(since: firstFailure) < timeout
    }

    /// Whether a failure may succeed if tried again.
    package static func isTransient(_ failure: PostgresConnection.Failure, connectionHealthy: Bool) -> Bool {
        // A full disk waits for someone to free space, even when the server crashed on it: a
        // PANIC writing the WAL (53100 too) ends every connection, and on a full disk the
        // server cannot finish its recovery and stays down. Retrying would only hide why.
        if failure.isDiskFull { return false }
        guard let state = failure.sqlState else {
            // No SQLSTATE: the connection broke, or could not be made (server down or restarting).
            return true
        }
        if state.hasPrefix("08") { return true }  // connection exceptions
        if state == "XX000" && citusNodeFailures.contains(where: failure.message.contains) { return true }
        // Citus's COPY stream to a shard placement broke (its node restarting): an I/O error
        // of the coordinator's connection to that node, not of the data.
        if state == "58030" && failure.message.contains("failed to COPY to shard") { return true }
        return transientStates.contains(state) || !connectionHealthy
    }

    /// How Citus (13.2) reports a worker node it lost or cannot reach (restarting, failing
    /// over): SQLSTATE XX000 with one of these messages. The transaction rolled back; once the
    /// node is back, the same statement succeeds.
    static let citusNodeFailures = [
        "failure on connection marked as essential",
        "connection to the remote node",
        "could not establish any connections to the node",
        "terminating connection due to administrator command",
        "the database system is shutting down",
        "the database system is starting up",
        "server closed the connection unexpectedly",
    ]

    /// Shutdown and start-up (57P01-03), too many connections (53300), serialization failure
    /// (40001), deadlock (40P01), lock timeout (55P03: a lock held by another load's
    /// transaction, or by a connection that died and the server has not noticed yet; see
    /// ``LockTimeout``).
    static let transientStates: Set<String> = ["57P01", "57P02", "57P03", "53300", "40001", "40P01", "55P03"]
}
