import Foundation
import SkypePostgres
import SkypeSupport
import Logging
import SkypeReport

extension Coordinator {
    /// Decides, before any shard, whether the secondary indexes are kept or deferred (see
    /// ``IndexMode``); indexes an interrupted load left deferred stay deferred.
    func prepareIndexes() throws {
        let deferral = IndexDeferral(schema: configuration.schema)
        try withDatabase("cannot prepare the indexes") { connection in
            let refused = try deferral.refused(connection)
            if !refused.isEmpty {
                // Never built from the record: its statement could be anything a writer of the table put there.
                logger.warning("\(configuration.schema).deferred_indexes records indexes this tool does not make; they are not built: \(refused.joined(separator: ", ")). If you want one, create it yourself, then delete its row")
            }
            let pending = try deferral.pending(connection)
            let shouldDefer: Bool
            switch configuration.indexMode {
            case .defer: shouldDefer = true
            case .keep: shouldDefer = false
            case .auto:
                // On Citus keeping measured as fast or faster (Docs/scaling.md): each shard's
                // indexes are small and maintained on the nodes in parallel, while deferring
                // costs a distributed DDL per partition and index, each reaching every shard.
                shouldDefer = try !pending.isEmpty
                    || (deferral.tableIsEmpty(connection) && !CitusLayout(schema: configuration.schema).isDistributed(connection))
            }
            if shouldDefer {
                try deferral.dropSecondaryIndexes(connection)
                report.indexes = .deferred
                logger.info("secondary indexes deferred until the shards are loaded")
            }
        }
        if configuration.indexMode == .keep {
            // Keeping means maintaining them during the load: build any an earlier load left out.
            try buildIndexes(deferral, parallelism: configuration.workers)
        }
    }

    /// Builds the deferred indexes once every shard is in, in parallel, one connection each.
    /// After a failure or a stop they stay deferred (recorded in the database) and the next
    /// load builds them: a user who stops a load wants it to stop, so a stop during the build
    /// cancels the running `CREATE INDEX` statements.
    func rebuildDeferredIndexes() {
        guard report.indexes == .deferred else { return }
        let deferral = IndexDeferral(schema: configuration.schema)
        feedStopRequests()
        guard supervisor.shouldBuildIndexes else {
            report.indexesPending = pendingCount(deferral)
            return
        }
        enter(.buildingIndexes)
        let started = MonotonicClock.now()
        do {
            // No other load may drop or build these indexes meanwhile.
            try lockSchema()
            let seconds = try buildIndexes(deferral, parallelism: configuration.workers * configuration.connectionsPerWorker)
            report.indexesRebuilt = seconds.count
            report.phases.summedSeconds.indexBuild = seconds.values.reduce(0, +)
        } catch let error as LoadError {
            record(error)
        } catch {
            record(LoadError(.database, "cannot build the deferred indexes: \(error)"))
        }
        if firstFailure != nil { report.indexesPending = pendingCount(deferral) }
        report.phases.wallSeconds.indexBuild = MonotonicClock.seconds(since: started)
    }

    /// Runs the build under the load's retry policy and stop; its failure names what is left.
    @discardableResult
    private func buildIndexes(_ deferral: IndexDeferral, parallelism: Int) throws -> [String: Double] {
        var options = IndexDeferral.BuildOptions(parallelism: parallelism, maintenanceWorkMem: configuration.maintenanceWorkMem)
        options.retry = configuration.retry
        options.stop = stop
        options.status = indexStatus
        options.testPause = configuration.testPause
        options.tick = { [self] in tickProgress() }
        defer {
            for (state, count) in indexStatus.snapshot.retriesBySQLState {
                report.retriesBySQLState["index build " + state, default: 0] += count
            }
        }
        do {
            return try deferral.rebuild(conninfo: configuration.conninfo, options: options)
        } catch let stopped as StopControl.Stopped {
            throw interrupted(by: stopped.signal, during: "while building the deferred indexes (\(pendingIndexes(deferral)))")
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(.database, "cannot build the deferred indexes: \(error) (\(pendingIndexes(deferral)))",
                            hint: "The rows are loaded; run the same command again (or `migrate`) to build them")
        }
    }

    /// One attempt on a connection of its own: after a failure the database may still be
    /// down, and the load must not wait another retry timeout to say what is left.
    private func pendingCount(_ deferral: IndexDeferral) -> Int {
        (try? deferral.pendingCount(PostgresConnection(conninfo: configuration.conninfo))) ?? 0
    }

    /// "still to build: a, b, c", read after a failure (the database may be back by then).
    private func pendingIndexes(_ deferral: IndexDeferral) -> String {
        let names = try? deferral.pending(PostgresConnection(conninfo: configuration.conninfo))
            .filter { $0.attachTo == nil }.map(\.name)
        guard let names else { return "the indexes still to build are listed in \(configuration.schema).deferred_indexes" }
        return "still to build: " + (names.isEmpty ? "none" : names.joined(separator: ", "))
            + "; the next load, or `skype-parallel-load migrate`, builds them"
    }
}
