import Foundation
import SkypePostgres
import SkypeReport
import SkypeSupport
import Logging

extension Coordinator {
    /// The first connection: not retried, so that a wrong URL or password fails at once.
    func connect() throws {
        let first = try PostgresConnection.open(conninfo: configuration.conninfo)
        database = RetryingConnection(conninfo: configuration.conninfo, policy: configuration.retry,
                                      stop: stop, connection: first)
    }

    /// Runs `body` on the coordinator's connection under the load's one retry mechanism
    /// (``RetryingConnection``); `body` must be safe to repeat (each of its uses is one
    /// transaction or one idempotent statement). A stop request cancels it.
    @discardableResult
    func withDatabase<T>(_ what: String, stoppable: Bool = true, _ body: (PostgresConnection) throws -> T) throws -> T {
        guard let database else { throw LoadError(.database, "\(what): not connected") }
        if isWindingDown { database.windDown(by: windDownDeadline()) }
        database.resetCounts()
        defer {
            for (state, count) in database.retriesBySQLState {
                report.retriesBySQLState["coordinator " + state, default: 0] += count
            }
        }
        do {
            return try database.run(stoppable: stoppable, body)
        } catch let stopped as StopControl.Stopped {
            // `what` says what failed ("cannot refresh conversation counts"); a stop is not a failure.
            let doing = what.hasPrefix("cannot ") ? "while trying to " + what.dropFirst("cannot ".count) : "during: " + what
            throw interrupted(by: stopped.signal, during: doing)
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, "\(what): \(failure)",
                            hint: diskFullHint(failure) ?? "Committed shards are kept; rerun the same command when the cause is fixed")
        }
    }

    /// The load has failed (not been stopped): what is left is tidying up, and waits on the
    /// database for ``LoadConfiguration/windDownSeconds`` at most.
    var isWindingDown: Bool { firstFailure != nil && interruptedBy == nil }

    /// When the wind-down ends: ``LoadConfiguration/windDownSeconds`` after it began (the
    /// first time this is asked for), one deadline for the workers and every later step.
    func windDownDeadline() -> UInt64 {
        if let deadline = database?.windDownDeadline { return deadline }
        let deadline = MonotonicClock.now() + UInt64(configuration.windDownSeconds * 1e9)
        database?.windDown(by: deadline)
        return deadline
    }

    /// What to do about a full disk on the server, naming the tablespace when the server can
    /// still say (one try on the coordinator's connection, not retried); nil for other failures.
    func diskFullHint(_ failure: PostgresConnection.Failure) -> String? {
        failure.diskFullHint { oid in
            guard let connection = try? database?.connected(),
                  let rows = try? connection.execute(PostgresConnection.Failure.tablespaceQuery, [oid]).rows else { return nil }
            return rows.first?.first ?? nil
        }
    }

    /// Takes the schema's lock (see ``SchemaLock``), waiting while another load holds it;
    /// again before each step that needs it, since a server restart releases it.
    func lockSchema() throws {
        let lock = schemaLock ?? SchemaLock(schema: configuration.schema, conninfo: configuration.conninfo,
                                            retry: configuration.retry, stop: stop)
        schemaLock = lock
        if isWindingDown { lock.windDown(by: windDownDeadline()) }
        do {
            try lock.acquire(stop: stop) { holder in
                logger.warning("another load into schema \(configuration.schema) is running (\(holder)); waiting for it to end (Ctrl-C stops waiting)")
            }
        } catch let stopped as StopControl.Stopped {
            throw interrupted(by: stopped.signal, during: "while waiting for another load into schema \(configuration.schema)")
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, "cannot lock schema \(configuration.schema) for this load: \(failure)",
                            hint: "Committed shards are kept; rerun the same command when the cause is fixed")
        }
    }

    func migrate() throws {
        let (outcome, recovered) = try withDatabase("cannot prepare schema \(configuration.schema)") { connection in
            let outcome = try Migrator(schema: configuration.schema).run(connection)
            let citus = try CitusLayout.isInstalled(connection)
            return (outcome, citus ? try CitusLayout.recoverPreparedTransactions(connection) : 0)
        }
        if !outcome.applied.isEmpty { logger.info("applied schema migrations \(outcome.applied) to \(configuration.schema)") }
        for line in outcome.placed { logger.info("citus: \(line)") }
        if let notice = outcome.notice { logger.warning("\(notice)") }
        if recovered > 0 { logger.info("citus: finished \(recovered) prepared transactions left by an earlier crash") }
    }

    /// Records this load in `load_runs`, first marking `abandoned` the runs a dead coordinator
    /// left `running` (the schema lock is held: no other load is running).
    func startRun() throws -> Int64 {
        let statements = LoadStatements(schema: configuration.schema)
        let (result, abandoned) = try withDatabase("cannot record the load run") { connection in
            try connection.execute("BEGIN")
            do {
                let abandoned = try connection.execute(statements.abandonStaleRuns).rows.compactMap { $0.first ?? nil }
                // Several exports: one run, every path on a line of its own.
                let result = try connection.execute(statements.startRun, [configuration.exports.joined(separator: "\n"),
                                                                          String(configuration.workers), ToolVersion.current])
                try connection.execute("COMMIT")
                return (result, abandoned)
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
        if !abandoned.isEmpty {
            logger.info("marked load run \(abandoned.joined(separator: ", ")) abandoned: it was left running by a load that stopped without finishing")
        }
        guard let text = result.rows.first?.first ?? nil, let id = Int64(text) else {
            throw LoadError(.database, "the load_runs insert returned no id")
        }
        return id
    }

    /// Refreshes the counts of the conversations the committed shards touched, even after a
    /// failure: what committed is complete and should be consistent.
    func finalize() {
        enter(.finalizing)
        let finalizeStart = MonotonicClock.now()
        do {
            // On the counts as the last shard of any load left them: no other load runs now.
            try lockSchema()
            try settlePreparedTransactions()
            // The statement blocks this thread; the display goes on from another.
            try whileTicking(every: 0.25, { [self] in tickProgress() }) {
                try withDatabase("cannot refresh conversation counts") { try refreshCounts(on: $0) }
            }
        } catch let error as LoadError {
            var error = error
            error.hint = "Rerun the same command; the counts are refreshed at the end of every load"
            record(error)
        } catch {
            record(LoadError(.database, "cannot refresh conversation counts: \(error)"))
        }
        report.finalizeSeconds = MonotonicClock.seconds(since: finalizeStart)
        report.phases.wallSeconds.finalize = report.finalizeSeconds
        report.phases.summedSeconds.finalize = report.finalizeSeconds
    }

    /// On Citus: every shard's rows committed on every worker node before they are counted. A
    /// node that was down when a shard committed holds that shard's rows in a prepared
    /// transaction until Citus's recovery commits it; this recovers and waits for that, up to
    /// --retry-timeout, and otherwise fails the load (the rerun counts again).
    private func settlePreparedTransactions() throws {
        var left = 0
        let settled = try stop.poll(timeout: configuration.retry.timeout) {
            left = try withDatabase("cannot finish the two-phase commits on the Citus worker nodes") { connection -> Int in
                guard try CitusLayout.isInstalled(connection) else { return 0 }
                try CitusLayout.recoverPreparedTransactions(connection)
                return try CitusLayout.preparedTransactionsLeft(connection)
            }
            return left == 0
        }
        guard settled else {
            throw LoadError(.database, "\(left) two-phase commits are still open on Citus worker nodes (a node down?)",
                            hint: "The shards are committed; Citus's recovery finishes them once every node is up. "
                                + "Rerun the same command then: it refreshes the counts")
        }
    }

    private func refreshCounts(on connection: PostgresConnection) throws {
        let statement = LoadStatements(schema: configuration.schema).finalize
        guard pause.isSet(for: .finalize) else {
            try connection.execute(statement)
            return
        }
        // The test hook holds the transaction open, so that a fault lands inside it.
        do {
            try connection.execute("BEGIN")
            try connection.execute(statement)
            pause.at(.finalize)
            try stop.check()
            try connection.execute("COMMIT")
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Moves to a phase after the workers, for the supervisor and the progress display.
    func enter(_ phase: Supervisor.Phase) {
        apply(supervisor.handle(.entered(phase)))
        phaseStarted = MonotonicClock.now()
        tickProgress()
    }

    func storeReport(runID: Int64) {
        let json = (try? ReportPrinter.json(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        do {
            try withDatabase("cannot store the report", stoppable: false) { connection in
                try connection.execute(LoadStatements(schema: configuration.schema).finishRun, [
                    String(runID), report.status.rawValue, report.exportUser, report.exportDate, json,
                ])
            }
        } catch {
            logger.warning("\(error)")
        }
    }
}
