import Foundation
import SkypeSupport

/// The one way a database operation is retried, in the coordinator (its statements, the
/// deferred index builds, finalisation) and in the workers (each shard): the operation runs
/// on a connection opened lazily; when it fails transiently (``RetryPolicy/isTransient(_:connectionHealthy:)``)
/// the connection is dropped if it broke, and after a backoff the whole operation runs again
/// on a new one, until it succeeds, fails permanently, or ``RetryPolicy/timeout`` seconds have
/// passed since its first failure. Operations must be safe to repeat (one transaction, or
/// idempotent statements). With a ``StopControl``, a stop request ends the wait and cancels
/// the running statement (``StopControl/Stopped``).
///
/// Used by one thread at a time.
package final class RetryingConnection {
    package let conninfo: String
    package let applicationName: String
    package let policy: RetryPolicy
    let stop: StopControl?
    /// Runs on every new connection before the operation (session settings).
    let prepare: (PostgresConnection) throws -> Void
    private(set) var connection: PostgresConnection?
    /// Failures retried since the last ``resetCounts()``, by SQLSTATE ("connection" when none).
    package private(set) var retriesBySQLState: [String: Int] = [:]

    package init(conninfo: String, applicationName: String = "skype-parallel-load", policy: RetryPolicy,
                stop: StopControl? = nil, connection: PostgresConnection? = nil,
                prepare: @escaping (PostgresConnection) throws -> Void = { _ in }) {
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.policy = policy
        self.stop = stop
        self.connection = connection
        self.prepare = prepare
    }

    /// No retry after this moment (``MonotonicClock``), whatever the policy allows: a load
    /// that has failed winds down without waiting --retry-timeout for the server again.
    package private(set) var windDownDeadline: UInt64?

    /// Sets ``windDownDeadline`` (an earlier one stays).
    package func windDown(by deadline: UInt64) {
        windDownDeadline = min(windDownDeadline ?? deadline, deadline)
    }

    /// Seconds left before ``windDownDeadline`` (infinite without one).
    private var windDownLeft: Double {
        guard let windDownDeadline else { return .infinity }
        let now = MonotonicClock.now()
        return now >= windDownDeadline ? 0 : Double(windDownDeadline - now) / 1e9
    }

    /// Retries counted since the last reset.
    package var retries: Int { retriesBySQLState.values.reduce(0, +) }

    package func resetCounts() { retriesBySQLState = [:] }

    /// The current connection, opened if there is none (not retried).
    package func connected() throws -> PostgresConnection {
        if let connection, connection.isHealthy { return connection }
        connection = nil
        let fresh = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
        try prepare(fresh)
        connection = fresh
        return fresh
    }

    /// Runs `body` until it succeeds, retrying transient failures as the type's doc says.
    /// - Throws: the last ``PostgresConnection/Failure`` (its message says how long it was
    ///   retried), ``StopControl/Stopped``, or whatever else `body` throws (not retried).
    /// - Parameter stoppable: false for what must happen even after a stop (recording the run's
    ///   outcome): neither cancelled nor ended by a stop request.
    package func run<T>(stoppable: Bool = true, _ body: (PostgresConnection) throws -> T) throws -> T {
        let stop = stoppable ? self.stop : nil
        var attempt = 1
        var firstFailure: UInt64?
        while true {
            try stop?.check()
            do {
                let connection = try connected()
                if let stop { return try stop.cancellable(connection) { try body(connection) } }
                return try body(connection)
            } catch let failure as PostgresConnection.Failure {
                let healthy = connection?.isHealthy ?? false
                let started = firstFailure ?? MonotonicClock.now()
                firstFailure = started
                let windingDown = windDownLeft <= 0
                guard !windingDown && policy.allowsRetry(after: failure, connectionHealthy: healthy, firstFailure: started) else {
                    guard attempt > 1 else { throw failure }
                    let seconds = Int(MonotonicClock.seconds(since: started).rounded())
                    let limit = windingDown && RetryPolicy.isTransient(failure, connectionHealthy: healthy)
                        ? "no longer: the load has failed already" : "--retry-timeout is \(Int(policy.timeout)) s"
                    throw PostgresConnection.Failure(
                        sqlState: failure.sqlState,
                        message: failure.message + " (after \(attempt) attempts in \(seconds) s; \(limit))")
                }
                retriesBySQLState[failure.sqlState ?? "connection", default: 0] += 1
                if !healthy { connection = nil }
                // Never sleep past the deadline: the last attempt comes at the timeout, not after it.
                let remaining = min(policy.timeout - MonotonicClock.seconds(since: started), windDownLeft)
                let delay = max(0, min(policy.delay(afterAttempt: attempt), remaining))
                if let stop {
                    if stop.wait(seconds: delay) { try stop.check() }
                } else {
                    Thread.sleep(forTimeInterval: delay)
                }
                attempt += 1
            }
        }
    }
}
