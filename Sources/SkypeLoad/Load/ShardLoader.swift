/// Loads one shard in one transaction on one connection: claim the shard in the ledger, COPY
/// the rows straight into the tables (or, when some of them are already there, into staging
/// tables merged with `ON CONFLICT DO NOTHING`), record the counts, commit. Either all of it
/// commits or none of it does.
struct ShardLoader {
    let statements: LoadStatements
    let runID: Int64
    let worker: Int

    init(schema: String, runID: Int64, worker: Int) {
        statements = LoadStatements(schema: schema)
        self.runID = runID
        self.worker = worker
    }

    func load(_ shard: Shard, on connection: PostgresConnection) throws -> ShardMetrics {
        let started = MonotonicClock.now()
        let key = ShardKey.of(shard)
        var metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
        metrics.bytesIn = shard.byteCount
        metrics.messages = shard.messageCount

        if let committed = try connection.execute(statements.shardIsLoaded, [key]).rows.first {
            if committed.first == String(runID) {
                // This run committed it already: the acknowledgement was lost (a connection that
                // broke after COMMIT, a worker that died before reporting). Count it as loaded.
                metrics.rowsInserted = Int(committed.last.flatMap { $0 } ?? "") ?? 0
            } else {
                // Counted as skipped, not as messages loaded, so rates describe this run's work.
                metrics.alreadyLoaded = true
                metrics.messages = 0
                metrics.bytesIn = 0
            }
            metrics.totalSeconds = MonotonicClock.seconds(since: started)
            return metrics
        }

        let parseStart = MonotonicClock.now()
        metrics.parseStartedAt = parseStart
        let rows = ShardTransformer().transform(shard)
        metrics.parseSeconds = MonotonicClock.seconds(since: parseStart)
        metrics.messages = rows.messages
        metrics.conversations = rows.conversations
        metrics.messageTypes = rows.messageTypes
        metrics.repairs = rows.repairs
        metrics.rejects = Dictionary(uniqueKeysWithValues: rows.rejects.map { ($0.key.rawValue, $0.value) })
        metrics.rejectRecords = rows.rejectRecords

        do {
            try connection.execute("BEGIN")
            let claimed = try connection.execute(statements.claimShard, [
                key, String(runID), String(shard.ordinal), CopyEncoding.textArrayLiteral(rows.conversationIDs),
                String(shard.messageCount), String(shard.byteCount), String(worker),
            ])
            guard claimed.affectedRows == 1 else {
                // Another transaction committed it between the check and the claim.
                try connection.execute("ROLLBACK")
                metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
                metrics.alreadyLoaded = true
                metrics.totalSeconds = MonotonicClock.seconds(since: started)
                return metrics
            }
            let copyStart = MonotonicClock.now()
            metrics.copyStartedAt = copyStart
            let structure = rows.structureRows.filter { !$0.value.isEmpty }.sorted { $0.key.rawValue < $1.key.rawValue }
            metrics.bytesOut = rows.messageRows.count + rows.conversationRows.count + rows.memberRows.count
                + structure.reduce(0) { $0 + $1.value.count }
            let direct = try copyDirectly(rows, structure: structure, on: connection)
            try connection.execute(statements.createStaging)
            if !direct {
                try connection.execute(statements.createMessageStaging)
                try send(rows.messageRows, with: statements.copyMessages, on: connection)
                for (table, data) in structure {
                    let sql = statements.structure(table)
                    try connection.execute(sql.create)
                    try send(data, with: sql.copy, on: connection)
                }
            }
            try send(rows.conversationRows, with: statements.copyConversations, on: connection)
            try send(rows.memberRows, with: statements.copyMembers, on: connection)
            metrics.copySeconds = MonotonicClock.seconds(since: copyStart)

            let mergeStart = MonotonicClock.now()
            metrics.mergeStartedAt = mergeStart
            if direct {
                metrics.rowsInserted = rows.rows
            } else {
                metrics.rowsInserted = Int(try connection.execute(statements.mergeMessages).rows.first?.first.flatMap { $0 } ?? "") ?? 0
                for (table, _) in structure {
                    try connection.execute(statements.structure(table).merge)
                }
            }
            if !rows.conversationRows.isEmpty {
                try connection.execute(statements.mergeConversations)
            }
            if !rows.memberRows.isEmpty {
                try connection.execute(statements.mergeMembers)
            }
            try connection.execute(statements.recordShard, [key, String(metrics.rowsInserted)])
            metrics.mergeSeconds = MonotonicClock.seconds(since: mergeStart)

            let commitStart = MonotonicClock.now()
            metrics.commitStartedAt = commitStart
            try connection.execute("COMMIT")
            metrics.commitSeconds = MonotonicClock.seconds(since: commitStart)
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
        metrics.totalSeconds = MonotonicClock.seconds(since: started)
        return metrics
    }

    /// The optimistic path: COPY the rows straight into the tables, inside a savepoint. When
    /// any row is already there (a reload, a newer export, a repeat across shards) the COPY
    /// fails with a unique violation, the savepoint is rolled back, and the caller merges
    /// through staging tables instead. Repeats within the shard were removed by the transform.
    /// - Returns: true when the rows went in directly.
    private func copyDirectly(_ rows: TransformedShard, structure: [(key: StructureTable, value: [UInt8])],
                              on connection: PostgresConnection) throws -> Bool {
        guard rows.rows > 0 else { return false }
        try connection.execute("SAVEPOINT direct_copy")
        do {
            try connection.copyIn(statements.copyMessagesDirect, data: rows.messageRows)
            for (table, data) in structure {
                try connection.copyIn(statements.structure(table).direct, data: data)
            }
            try connection.execute("RELEASE SAVEPOINT direct_copy")
            return true
        } catch {
            // Every statement above throws PostgresConnection.Failure.
            guard error.isUniqueViolation else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT direct_copy")
            return false
        }
    }

    private func send(_ rows: [UInt8], with sql: String, on connection: PostgresConnection) throws {
        guard !rows.isEmpty else { return }
        try connection.copyIn(sql, data: rows)
    }
}
