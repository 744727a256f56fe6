import Foundation
import SkypeSupport

/// A load's stop requests (Ctrl-C, SIGTERM), shared between the thread that receives the
/// signals and the threads that wait or run statements: a request wakes every wait and cancels
/// every statement running under ``cancellable(_:_:)`` (a `CREATE INDEX` can take minutes).
package final class StopControl: @unchecked Sendable {
    /// Thrown by a wait or a statement that a stop request ended.
    package struct Stopped: Error, CustomStringConvertible {
        package var signal: Int32
        package var description: String { "stopped by signal \(signal)" }
    }

    private let condition = NSCondition()
    private var signals: [Int32] = []
    private var running: [Int: PostgresConnection.CancelHandle] = [:]
    private var nextToken = 0

    package init() {}

    /// Records a request and cancels the statements running now.
    package func request(signal: Int32) {
        condition.lock()
        signals.append(signal)
        for handle in running.values { handle.cancel() }
        condition.broadcast()
        condition.unlock()
    }

    /// The first request's signal, nil while none came.
    package var signal: Int32? {
        condition.lock()
        defer { condition.unlock() }
        return signals.first
    }

    /// How many requests came (a second Ctrl-C means "stop at once").
    package var requestCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return signals.count
    }

    /// Throws ``Stopped`` if a stop was requested.
    package func check() throws(Stopped) {
        if let signal { throw Stopped(signal: signal) }
    }

    /// Tries `attempt` once a second (`interval`) until it succeeds: the one way a load waits
    /// for the database to reach a state (another load's lock released, Citus's two-phase
    /// commits recovered); failures inside `attempt` are retried by its ``RetryingConnection``.
    /// - Returns: true once `attempt` returned true; false when `timeout` seconds (nil: no
    ///   limit) passed first, or a stop was requested.
    package func poll(every interval: Double = 1, timeout: Double? = nil, _ attempt: () throws -> Bool) rethrows -> Bool {
        let started = MonotonicClock.now()
        while true {
            if try attempt() { return true }
            if let timeout, MonotonicClock.seconds(since: started) >= timeout { return false }
            if wait(seconds: interval) { return false }
        }
    }

    /// Sleeps for `seconds`, or less if a stop is requested meanwhile.
    /// - Returns: true when a stop was requested.
    @discardableResult
    package func wait(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(max(0, seconds))
        condition.lock()
        defer { condition.unlock() }
        while signals.isEmpty {
            if !condition.wait(until: deadline) { break }
        }
        return !signals.isEmpty
    }

    /// Runs `body` on `connection` so that a stop request cancels the statement it is running;
    /// a statement cancelled that way ends in ``Stopped``.
    package func cancellable<T>(_ connection: PostgresConnection, _ body: () throws -> T) throws -> T {
        guard let handle = connection.cancelHandle() else { return try body() }
        condition.lock()
        let token = nextToken
        nextToken += 1
        let already = signals.first
        if already == nil { running[token] = handle }
        condition.unlock()
        if let already { throw Stopped(signal: already) }
        defer {
            condition.lock()
            running[token] = nil
            condition.unlock()
        }
        do {
            return try body()
        } catch {
            if let signal { throw Stopped(signal: signal) }
            throw error
        }
    }
}
