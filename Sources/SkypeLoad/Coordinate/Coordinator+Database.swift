import Foundation

extension Coordinator {
    /// The first connection: not retried, so that a wrong URL or password fails at once.
    func connect() throws {
        do {
            database = try PostgresConnection(conninfo: configuration.conninfo)
        } catch {
            throw LoadError(.database, error.message,
                            hint: "Set DATABASE_URL, pass --database, or set the PG* variables")
        }
    }

    /// Runs `body` on the coordinator's connection. When the connection breaks or the server
    /// restarts, it reconnects and runs `body` again, under the load's retry policy; `body`
    /// must be safe to repeat (each of its uses is one transaction or one idempotent statement).
    @discardableResult
    func withDatabase<T>(_ what: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        let started = MonotonicClock.now()
        var attempt = 1
        while true {
            do {
                if let database { return try body(database) }
                database = try PostgresConnection(conninfo: configuration.conninfo)
                continue
            } catch let failure as PostgresConnection.Failure {
                let healthy = database?.isHealthy ?? false
                guard configuration.retry.allowsRetry(after: failure, connectionHealthy: healthy,
                                                      attempt: attempt, firstFailure: started) else {
                    throw LoadError(.database, "\(what): \(failure)",
                                    hint: "Committed shards are kept; rerun the same command when the cause is fixed")
                }
                report.retriesBySQLState["coordinator " + (failure.sqlState ?? "connection"), default: 0] += 1
                database = nil
                Thread.sleep(forTimeInterval: configuration.retry.delay(afterAttempt: attempt))
                attempt += 1
            }
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

    func startRun() throws -> Int64 {
        let statements = LoadStatements(schema: configuration.schema)
        let result = try withDatabase("cannot record the load run") { connection in
            // Several exports: one run, every path on a line of its own.
            try connection.execute(statements.startRun, [configuration.exports.joined(separator: "\n"), String(configuration.workers),
                                                         ToolVersion.current])
        }
        guard let text = result.rows.first?.first ?? nil, let id = Int64(text) else {
            throw LoadError(.database, "the load_runs insert returned no id")
        }
        return id
    }

    /// Refreshes the counts of the conversations the committed shards touched, even after a
    /// failure: what committed is complete and should be consistent.
    func finalize() {
        let finalizeStart = MonotonicClock.now()
        do {
            try withDatabase("cannot refresh conversation counts") { connection in
                try connection.execute(LoadStatements(schema: configuration.schema).finalize)
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

    /// Decides, before any shard, whether the secondary indexes are kept or deferred (see
    /// ``IndexMode``); indexes an interrupted load left deferred stay deferred.
    func prepareIndexes() throws {
        let deferral = IndexDeferral(schema: configuration.schema)
        try withDatabase("cannot prepare the indexes") { connection in
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
                report.indexes = "deferred"
                logger.info("secondary indexes deferred until the shards are loaded")
            }
        }
        if configuration.indexMode == .keep {
            // Keeping means maintaining them during the load: build any an earlier load left out.
            _ = try deferral.rebuild(conninfo: configuration.conninfo, parallelism: configuration.workers,
                                     maintenanceWorkMem: configuration.maintenanceWorkMem)
        }
    }

    /// Builds the deferred indexes once every shard is in, in parallel, one connection each.
    /// After a failure or an interruption they stay deferred (recorded in the database) and the
    /// next load builds them: a user who stops a load wants it to stop.
    func rebuildDeferredIndexes() {
        guard report.indexes == "deferred" else { return }
        let deferral = IndexDeferral(schema: configuration.schema)
        guard firstFailure == nil, interruptedBy == nil else {
            report.indexesPending = (try? withDatabase("") { try deferral.pendingCount($0) }) ?? 0
            return
        }
        let started = MonotonicClock.now()
        do {
            let seconds = try deferral.rebuild(conninfo: configuration.conninfo,
                                               parallelism: configuration.workers * configuration.connectionsPerWorker,
                                               maintenanceWorkMem: configuration.maintenanceWorkMem)
            report.indexesRebuilt = seconds.count
            report.phases.summedSeconds.indexBuild = seconds.values.reduce(0, +)
        } catch {
            record(LoadError(.database, "cannot build the deferred indexes: \(error)",
                             hint: "The rows are loaded; run the same command again (or `migrate`) to build them"))
            report.indexesPending = (try? withDatabase("") { try deferral.pendingCount($0) }) ?? 0
        }
        report.phases.wallSeconds.indexBuild = MonotonicClock.seconds(since: started)
    }

    /// Reads the tar's `media/` entries (those before `messages.json` were kept while seeking
    /// it, the rest follow it) and stores their metadata in `media_files`, in one transaction.
    func loadMedia(_ input: ExportInput) throws {
        guard let tar = input.tar else { return }
        var catalog = MediaCatalog()
        for entry in tar.entriesBefore { catalog.add(entry) }
        try tar.remainingEntries { entry in
            catalog.add(entry)
            tickProgress()
        }
        report.repairs.add(catalog.repairs)
        report.mediaFiles = catalog.records.count
        guard !catalog.records.isEmpty else { return }
        let rows = catalog.rows()
        let sql = LoadStatements(schema: configuration.schema).media
        try withDatabase("cannot store media metadata") { connection in
            do {
                try connection.execute("BEGIN")
                try connection.execute(sql.create)
                try connection.copyIn(sql.copy, data: rows)
                try connection.execute(sql.merge)
                try connection.execute("COMMIT")
            } catch {
                if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
                throw error
            }
        }
    }

    func storeReport(runID: Int64) {
        let json = (try? ReportPrinter.json(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        do {
            try withDatabase("cannot store the report") { connection in
                try connection.execute(LoadStatements(schema: configuration.schema).finishRun, [
                    String(runID), report.status.rawValue, report.exportUser, report.exportDate, json,
                ])
            }
        } catch {
            logger.warning("\(error)")
        }
    }
}
