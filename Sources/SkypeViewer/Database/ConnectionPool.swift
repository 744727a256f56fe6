import Foundation
package import SkypePostgres
import SkypeSupport

/// A fixed number of libpq connections, each owned by a thread of its own, serving the
/// viewer's requests. libpq calls block, so they never run on Swift concurrency's cooperative
/// threads: a request awaits its turn and a connection's thread runs its queries.
///
/// Bounded by design: `size` connections, at most `queueLimit` requests waiting (more are
/// answered "busy" at once). A connection the server dropped is opened again on the next
/// request; while the database is away, requests fail fast with ``ViewerError/Code/unavailable``.
/// Every session is read-only (`default_transaction_read_only`), with a statement timeout
/// and no JIT (which would spend longer compiling a page's query than running it).
package final class ConnectionPool: Sendable {
    /// How the pool connects and how much it holds.
    package struct Settings: Sendable {
        package var conninfo: String
        /// Connections (and threads). Default 4.
        package var size: Int = 4
        /// Requests that may wait for a connection before more are refused. Default 64.
        package var queueLimit: Int = 64
        /// A statement running longer is cancelled by the server. Default 10 s.
        package var statementTimeoutMilliseconds: Int = 10_000
        package var applicationName: String = "skype-parallel-load viewer"

        package init(conninfo: String) {
            self.conninfo = conninfo
        }
    }

    private typealias Job = @Sendable (PostgresConnection?, ViewerError?) -> Void

    private let settings: Settings
    private let jobs: BlockingQueue<Job>
    private let waiting = Locked(0)
    private let finished: BlockingQueue<Bool>

    package init(settings: Settings) {
        self.settings = settings
        jobs = BlockingQueue(capacity: max(1, settings.queueLimit))
        finished = BlockingQueue(capacity: max(1, settings.size))
        for index in 0..<max(1, settings.size) {
            let thread = Thread { [self] in serve() }
            thread.name = "viewer-db-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a pooled connection's thread and returns what it returns.
    /// - Throws: ``ViewerError`` (`busy`, `unavailable`, or the body's own).
    package func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let admitted = waiting.withLock { count -> Bool in
            guard count < settings.queueLimit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw ViewerError(.busy, "the viewer is answering \(settings.queueLimit) requests already", hint: "Try again in a moment")
        }
        return try await withCheckedThrowingContinuation { continuation in
            let job: Job = { [waiting] connection, failure in
                waiting.withLock { $0 -= 1 }
                guard let connection else {
                    continuation.resume(throwing: failure ?? ViewerError(.unavailable, "the viewer is stopping"))
                    return
                }
                do {
                    continuation.resume(returning: try body(connection))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !jobs.push(job) { job(nil, ViewerError(.unavailable, "the viewer is stopping")) }
        }
    }

    /// Ends the pool: requests still queued are answered, the threads close their connections.
    /// Returns once every thread has ended.
    package func shutDown() {
        jobs.close()
        for _ in 0..<max(1, settings.size) { _ = finished.pop() }
    }

    /// A connection's thread: takes requests, (re)connecting as needed.
    private func serve() {
        var connection: PostgresConnection?
        while let job = jobs.pop() {
            if connection == nil || connection?.isHealthy == false {
                connection = nil
                do {
                    connection = try open()
                } catch {
                    job(nil, error)
                    continue
                }
            }
            job(connection, nil)
        }
        connection = nil
        finished.push(true)
    }

    private func open() throws(ViewerError) -> PostgresConnection {
        do {
            return try ReadOnlySession.open(conninfo: settings.conninfo, applicationName: settings.applicationName,
                                            statementTimeoutMilliseconds: settings.statementTimeoutMilliseconds)
        } catch {
            throw ViewerError(.unavailable, error.message, hint: "The viewer reconnects by itself; try again in a moment")
        }
    }
}
