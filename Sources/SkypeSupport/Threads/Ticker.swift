import Foundation

/// Calls `tick` every `interval` seconds on a thread of its own while `body` runs on the
/// caller's: the progress display goes on while the caller is blocked in one long statement.
/// `tick` may read the caller's state only because the caller does nothing else meanwhile.
package func whileTicking<T>(every interval: Double, _ tick: @escaping @Sendable () -> Void, _ body: () throws -> T) rethrows -> T {
    let stopped = NSCondition()
    nonisolated(unsafe) var done = false
    let finished = DispatchSemaphore(value: 0)
    Thread {
        stopped.lock()
        while !done {
            if !stopped.wait(until: Date().addingTimeInterval(interval)) && !done {
                stopped.unlock()
                tick()
                stopped.lock()
            }
        }
        stopped.unlock()
        finished.signal()
    }.start()
    defer {
        stopped.lock()
        done = true
        stopped.broadcast()
        stopped.unlock()
        finished.wait()
    }
    return try body()
}
