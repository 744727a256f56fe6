import Foundation
package import SkypeSupport

extension IndexDeferral {
    /// How a rebuild runs: how many builds at once, their memory, retries and stop.
    package struct BuildOptions: Sendable {
        package var parallelism: Int
        /// `maintenance_work_mem` for each build (such as `1GB`); nil keeps the server's.
        package var maintenanceWorkMem: String?
        /// Each index is retried on its own (a server restart costs the builds that were running).
        package var retry = RetryPolicy()
        /// A stop request cancels the running `CREATE INDEX` statements; the indexes stay
        /// recorded as deferred and the next load (or `migrate`) builds them.
        package var stop: StopControl?
        /// Updated as indexes start and end, for a progress display.
        package var status: IndexBuildStatus?
        /// Called about twice a second on the calling thread while the builds run.
        package var tick: (@Sendable () -> Void)?
        /// Test hook: the first build pauses after its `CREATE INDEX`, inside its transaction.
        package var testPause: TestPause?

        package init(parallelism: Int, maintenanceWorkMem: String? = nil) {
            self.parallelism = parallelism
            self.maintenanceWorkMem = maintenanceWorkMem
        }
    }

    /// Builds every pending index, `parallelism` at a time, each on a connection of its own:
    /// parents first (instant), then the partitions' indexes in ``buildOrder(_:tableBytes:)``.
    /// Each index is one retried operation (build, attach, forget: each step is idempotent).
    /// - Returns: the seconds each index took, partitions summed into their parent's.
    /// - Throws: the first failure (``StopControl/Stopped`` after a stop); what was built stays
    ///   built, the rest stays recorded as deferred.
    package func rebuild(conninfo: String, options: BuildOptions) throws -> [String: Double] {
        try SchemaName.validate(schema)
        let name = "skype-parallel-load index build"
        let coordinator = RetryingConnection(conninfo: conninfo, applicationName: name, policy: options.retry, stop: options.stop)
        let pending = try coordinator.run { try self.pending($0) }
        guard !pending.isEmpty else { return [:] }
        let parents = pending.filter { $0.attachTo == nil }
        let children = pending.filter { $0.attachTo != nil }
        let partitioned = Set(children.compactMap(\.attachTo))
        // A parent that has partitions is created ON ONLY the table: no build, just the name.
        for parent in parents where partitioned.contains(parent.name) {
            try coordinator.run { try create(parent, only: true, on: $0) }
        }
        let jobs = children + parents.filter { !partitioned.contains($0.name) }
        let tableBytes = try coordinator.run { try self.tableBytes($0) }
        let fullTextWorkers = try coordinator.run { connection in
            let serverWorkers = try connection.execute("SELECT current_setting('max_parallel_maintenance_workers')")
                .rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
            return Self.parallelWorkersPerFullTextBuild(
                serverVersion: connection.serverVersion, cores: options.parallelism,
                fullTextBuilds: jobs.filter(Self.isFullText).count, serverSetting: serverWorkers)
        }
        let work = BlockingQueue<(number: Int, index: DeferredIndex)>(capacity: max(1, jobs.count))
        for (offset, job) in Self.buildOrder(jobs, tableBytes: tableBytes).enumerated() { work.push((offset + 1, job)) }
        work.close()
        options.status?.begin(total: jobs.count)
        let results = Locked<(seconds: [String: Double], failure: (any Error)?)>(([:], nil))
        let pause = OneShotPause(options.testPause)
        let done = DispatchGroup()
        for _ in 0..<max(1, min(options.parallelism, jobs.count)) {
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    try build(from: work, conninfo: conninfo, name: name, options: options, fullTextWorkers: fullTextWorkers,
                              pause: pause, results: results)
                } catch {
                    results.withLock { if $0.failure == nil { $0.failure = error } }
                }
            }.start()
        }
        while done.wait(timeout: .now() + 0.5) == .timedOut { options.tick?() }
        let outcome = results.withLock { $0 }
        if let failure = outcome.failure { throw failure }
        // Every partition is attached: the parents are valid and complete.
        var seconds: [String: Double] = [:]
        for parent in parents {
            try coordinator.run { try forget(parent, on: $0) }
            seconds[parent.name] = outcome.seconds[parent.name] ?? 0
        }
        let invalid = try coordinator.run { try invalidIndexes($0) }
        guard invalid.isEmpty else {
            throw LoadError(.database, "indexes of \(schema) are not valid after their build: \(invalid.joined(separator: ", "))",
                            hint: "Drop and create them again (REINDEX does not rebuild a partitioned index that is not attached)")
        }
        return seconds
    }

    /// Kept for callers that need nothing but a parallelism and a memory setting.
    package func rebuild(conninfo: String, parallelism: Int, maintenanceWorkMem: String? = nil) throws -> [String: Double] {
        try rebuild(conninfo: conninfo, options: BuildOptions(parallelism: parallelism, maintenanceWorkMem: maintenanceWorkMem))
    }

    /// Indexes of the schema's tables that PostgreSQL marks not valid (`pg_index.indisvalid`).
    package func invalidIndexes(_ connection: PostgresConnection) throws -> [String] {
        try connection.execute("""
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND NOT i.indisvalid ORDER BY c.relname
            """, [schema]).rows.compactMap { $0.first ?? nil }
    }

    /// One build connection's loop.
    /// `fullTextWorkers`: `max_parallel_maintenance_workers` for the full-text builds, nil to
    /// keep the server's (``parallelWorkersPerFullTextBuild(serverVersion:cores:fullTextBuilds:serverSetting:)``).
    private func build(from work: BlockingQueue<(number: Int, index: DeferredIndex)>, conninfo: String, name: String,
                       options: BuildOptions, fullTextWorkers: Int?, pause: OneShotPause, results: Locked<(seconds: [String: Double], failure: (any Error)?)>) throws {
        let database = RetryingConnection(conninfo: conninfo, applicationName: name, policy: options.retry,
                                          stop: options.stop) { connection in
            if let memory = options.maintenanceWorkMem {
                try connection.execute("SELECT set_config('maintenance_work_mem', $1, false)", [memory])
            }
        }
        while let (number, index) = work.pop() {
            // Another build failed: what is left stays deferred rather than half the table's
            // indexes being built after the load already failed.
            guard results.withLock({ $0.failure == nil }) else { return }
            let started = MonotonicClock.now()
            var built = false
            defer {
                options.status?.retried(database.retriesBySQLState)
                database.resetCounts()
                options.status?.ended(index.name, built: built)
            }
            try database.run { connection in
                options.status?.ended(index.name, built: false)
                options.status?.started(.init(number: number, name: index.name, table: index.table,
                                              backendPID: connection.backendPID, started: MonotonicClock.now()))
                if fullTextWorkers != nil {
                    // Set per index, not per session: a retried build may run on a new session.
                    let wanted = Self.isFullText(index) ? fullTextWorkers : nil
                    try connection.execute(wanted.map { "SET max_parallel_maintenance_workers = \($0)" }
                                           ?? "RESET max_parallel_maintenance_workers")
                }
                // The test hook holds the build's transaction open, so a fault lands inside it.
                let paused = pause.isSet(for: .indexBuild)
                do {
                    if paused { try connection.execute("BEGIN") }
                    try create(index, on: connection)
                    if let parent = index.attachTo {
                        // Attaching an index already attached to this parent does nothing.
                        try connection.execute(LockTimeout.bounded("ALTER INDEX \(quotedSchema).\(PostgresConnection.quoteIdentifier(parent)) ATTACH PARTITION \(quotedSchema).\(PostgresConnection.quoteIdentifier(index.name))"))
                    }
                    try forget(index, on: connection)
                    if paused {
                        pause.at(.indexBuild)
                        try options.stop?.check()
                        try connection.execute("COMMIT")
                    }
                } catch {
                    if paused && connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
                    throw error
                }
            }
            built = true
            let elapsed = MonotonicClock.seconds(since: started)
            results.withLock { $0.seconds[index.attachTo ?? index.name, default: 0] += elapsed }
        }
    }

    private func tableBytes(_ connection: PostgresConnection) throws -> [String: Int64] {
        let sizes = try connection.execute("""
            SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r'
            """, [schema]).rows
        var tableBytes: [String: Int64] = [:]
        for row in sizes where row.count == 2 {
            if let table = row[0], let bytes = row[1].flatMap({ Int64($0) }) { tableBytes[table] = bytes }
        }
        return tableBytes
    }
}
