import SkypeSupport

/// What a deferred index build is doing, for the progress display: read from another thread
/// while the build's threads update it.
package final class IndexBuildStatus: @unchecked Sendable {
    /// One `CREATE INDEX` running now.
    package struct Running: Sendable, Equatable {
        /// Its place in the build order, from 1.
        package var number: Int
        package var name: String
        package var table: String
        /// Its server process, to find it in `pg_stat_progress_create_index`.
        package var backendPID: Int32
        /// ``MonotonicClock`` nanoseconds.
        package var started: UInt64
    }

    /// A copy of the status at one moment.
    package struct Snapshot: Sendable, Equatable {
        /// Indexes to build in this run (partitions' indexes, and indexes of unpartitioned tables).
        package var total = 0
        package var finished = 0
        package var running: [Running] = []
        /// Failures the builds retried, by SQLSTATE ("connection" when none).
        package var retriesBySQLState: [String: Int] = [:]
    }

    private let state = Locked(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func begin(total: Int) {
        state.withLock { $0 = Snapshot(total: total) }
    }

    func started(_ running: Running) {
        state.withLock { $0.running.append(running) }
    }

    func retried(_ counts: [String: Int]) {
        guard !counts.isEmpty else { return }
        state.withLock { status in
            for (state, count) in counts { status.retriesBySQLState[state, default: 0] += count }
        }
    }

    func ended(_ name: String, built: Bool) {
        state.withLock { status in
            status.running.removeAll { $0.name == name }
            if built { status.finished += 1 }
        }
    }
}
