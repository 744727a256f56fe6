package import SkypeExport
package import SkypeReport
import SkypeSupport
import Foundation

/// Loads one shard in one transaction on one connection: claim the shard in the ledger, COPY
/// the rows straight into the tables (or, when some of them are already there, into staging
/// tables merged with `ON CONFLICT DO NOTHING`), record the counts, commit. Either all of it
/// commits or none of it does.
package struct ShardLoader {
    let statements: LoadStatements
    let ledger: ShardLedger
    let worker: Int

    package init(schema: String, runID: Int64, worker: Int) {
        statements = LoadStatements(schema: schema)
        ledger = ShardLedger(statements: statements, runID: runID, worker: worker)
        self.worker = worker
    }

    /// Loads the shard. A message the server refuses (a value no check here foresaw) is set
    /// aside as a reject and the shard is loaded again without it, so one bad message never
    /// stops the rest.
    ///
    /// `prepared`: the shard's rows transformed ahead (``PreparedRows``); nil transforms them
    /// here, after the ledger says the shard is still to load.
    package func load(_ shard: Shard, prepared: PreparedRows? = nil, on connection: PostgresConnection) throws -> ShardMetrics {
        var setAside: [Int64: ServerRefusal] = [:]
        while true {
            do {
                return try load(shard, prepared: setAside.isEmpty ? prepared : nil, settingAside: setAside, on: connection)
            } catch let refused as RefusedMessage
                        where setAside.count < Self.mostRefusalsPerShard && setAside[refused.offset] == nil {
                setAside[refused.offset] = refused.refusal
            } catch let refused as RefusedMessage {
                throw refused.failure
            }
        }
    }

    /// The metrics of a shard the ledger holds: loaded by this run (its acknowledgement was
    /// lost) or skipped (an earlier run loaded it).
    private func skipped(_ shard: Shard, key: String, committed: ShardLedger.Committed, started: UInt64) -> ShardMetrics {
        var metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
        metrics.bytesIn = shard.byteCount
        metrics.messages = shard.messageCount
        metrics.rejectRecords = committed.rejects
        for record in committed.rejects { metrics.rejects[record.reason, default: 0] += 1 }
        if committed.byThisRun {
            metrics.rowsInserted = committed.rowsInserted
        } else {
            // Counted as skipped, not as messages loaded, so rates describe this run's work.
            metrics.alreadyLoaded = true
            metrics.messages = 0
            metrics.bytesIn = 0
        }
        metrics.totalSeconds = MonotonicClock.seconds(since: started)
        return metrics
    }

    /// Beyond this many refused messages a shard is not worth trying again message by message.
    static let mostRefusalsPerShard = 1000

    private func load(_ shard: Shard, prepared: PreparedRows?, settingAside setAside: [Int64: ServerRefusal],
                      on connection: PostgresConnection) throws -> ShardMetrics {
        let started = MonotonicClock.now()
        let key = ShardKey.of(shard)
        var metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
        metrics.bytesIn = shard.byteCount
        metrics.messages = shard.messageCount

        // Rows prepared ahead were parsed already: the claim alone tells whether the shard is
        // loaded, one round trip fewer per shard. Otherwise (a rerun) the ledger is asked first,
        // so that a loaded shard is never parsed.
        if prepared == nil, let committed = try ledger.committed(key, on: connection) {
            return skipped(shard, key: key, committed: committed, started: started)
        }

        let parseStart = MonotonicClock.now()
        metrics.parseStartedAt = prepared?.startedAt ?? parseStart
        let rows = prepared?.rows ?? ShardTransformer().transform(shard, setAside: setAside)
        // Text long enough to reach the full-text index's limit is measured by the server
        // itself (rare: hundreds of KB of distinct words), before the transaction.
        for check in rows.textSearchChecks {
            if let failure = try textSearchRefusal(check.text, on: connection) {
                throw RefusedMessage(offset: check.offset, refusal: ServerRefusal(reason: .textTooLongToIndex, detail: failure.message),
                                     failure: failure)
            }
        }
        metrics.parseSeconds = (prepared?.seconds ?? 0) + MonotonicClock.seconds(since: parseStart)
        metrics.messages = rows.messages
        metrics.conversations = rows.conversations
        metrics.messageTypes = rows.messageTypes
        metrics.repairs = rows.repairs
        metrics.rejects = rows.rejectCounts
        metrics.rejectRecords = rows.rejectRecords

        do {
            // The claim can wait behind another transaction holding the same shard key.
            try connection.execute(LockTimeout.begin)
            let rejectLines = RejectRecord.lines(rows.rejectRecords)
            guard try ledger.claim(key, ordinal: shard.ordinal, conversationIDs: rows.conversationIDs,
                                   messageCount: shard.messageCount, byteCount: shard.byteCount, account: shard.account,
                                   rowsInserted: rows.rows, rejects: rejectLines, on: connection) else {
                if let committed = try ledger.committed(key, on: connection) {
                    return skipped(shard, key: key, committed: committed, started: started)
                }
                // The claim met a row that is gone now: only if someone deleted the ledger's
                // row meanwhile. Counted as skipped, as an earlier run's shard would be.
                metrics = ShardMetrics(ordinal: shard.ordinal, shardKey: key, worker: worker)
                metrics.alreadyLoaded = true
                metrics.rejects = rows.rejectCounts
                metrics.rejectRecords = rows.rejectRecords
                metrics.totalSeconds = MonotonicClock.seconds(since: started)
                return metrics
            }
            let copyStart = MonotonicClock.now()
            metrics.copyStartedAt = copyStart
            let structure = rows.structureRows.filter { !$0.value.isEmpty }.sorted { $0.key.rawValue < $1.key.rawValue }
            let conversations = ConversationRecord.arrays(rows.conversationRecords)
            let members = ConversationRecord.memberArrays(rows.conversationRecords)
            metrics.bytesOut = rows.messageRows.count + structure.reduce(0) { $0 + $1.value.count }
                + (conversations + members).reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            let direct = try copyDirectly(rows, structure: structure, on: connection)
            if !direct {
                try connection.execute(statements.createMessageStaging)
                try send(rows.messageRows, with: statements.copyMessages, on: connection)
                for (table, data) in structure {
                    let sql = statements.structure(table)
                    try connection.execute(sql.create)
                    try send(data, with: sql.copy, on: connection)
                }
            }
            metrics.copySeconds = MonotonicClock.seconds(since: copyStart)

            let mergeStart = MonotonicClock.now()
            metrics.mergeStartedAt = mergeStart
            if direct {
                metrics.rowsInserted = rows.rows
            } else {
                try connection.execute(statements.recordHistory)
                let merged = try connection.execute(statements.mergeMessages).rows.first
                metrics.rowsInserted = merged.flatMap { $0.first ?? nil }.flatMap { Int($0) } ?? 0
                let replaced = merged.flatMap { $0.last ?? nil }.flatMap { Int($0) } ?? 0
                metrics.rowsReplaced = replaced
                if replaced > 0 {
                    for table in StructureTable.allCases where table.followsMessageState {
                        try connection.execute(statements.removeReplacedStructure(table))
                    }
                }
                for (table, _) in structure {
                    try connection.execute(statements.structure(table).merge)
                }
                try ledger.record(key, rowsInserted: metrics.rowsInserted, rejects: rejectLines, on: connection)
            }
            if !rows.conversationRecords.isEmpty {
                try connection.execute(statements.mergeConversations, conversations)
            }
            if rows.conversationRecords.contains(where: { !$0.members.isEmpty }) {
                try connection.execute(statements.mergeMembers, members)
            }
            metrics.mergeSeconds = MonotonicClock.seconds(since: mergeStart)
            try ledger.commit(&metrics, on: connection)
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            if connection.isHealthy, let refused = RefusedMessage(error, rows: rows) { throw refused }
            throw error
        }
        // A prepared shard's transform ran before `load`: part of its time all the same.
        metrics.totalSeconds = MonotonicClock.seconds(since: started) + (prepared?.seconds ?? 0)
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
        do {
            // The savepoint, the messages and each structure table in one query string: one
            // round trip per COPY. No RELEASE: the savepoint ends with the transaction.
            try connection.copyIn([(statements.copyMessagesDirect, rows.messageRows)]
                                  + structure.map { (statements.structure($0.key).direct, $0.value) },
                                  after: "SAVEPOINT direct_copy")
            return true
        } catch {
            // Every statement above throws PostgresConnection.Failure.
            guard error.isUniqueViolation else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT direct_copy")
            return false
        }
    }

    /// The server's refusal to index `text` for full-text search, if it refuses.
    private func textSearchRefusal(_ text: String, on connection: PostgresConnection) throws -> PostgresConnection.Failure? {
        do {
            try connection.execute("SELECT length(to_tsvector('simple', $1))", [text])
            return nil
        } catch {
            guard error.sqlState == "54000" else { throw error }
            return error
        }
    }

    private func send(_ rows: [UInt8], with sql: String, on connection: PostgresConnection) throws {
        guard !rows.isEmpty else { return }
        try connection.copyIn(sql, data: rows)
    }
}

/// A message the server refused to store, named by the row number a COPY error gives.
struct RefusedMessage: Error {
    var offset: Int64
    var refusal: ServerRefusal
    var failure: PostgresConnection.Failure

    init(offset: Int64, refusal: ServerRefusal, failure: PostgresConnection.Failure) {
        self.offset = offset
        self.refusal = refusal
        self.failure = failure
    }

    /// The message behind a data error (SQLSTATE class 22) or a limit (54) in the COPY of a
    /// message or structure row: its context says `COPY <table>, line <row>`. Nil for any
    /// other error, which fails the shard as before.
    init?(_ error: any Error, rows: TransformedShard) {
        guard let failure = error as? PostgresConnection.Failure, let state = failure.sqlState,
              state.hasPrefix("22") || state.hasPrefix("54"),
              let copy = failure.message.range(of: "COPY "),
              let line = failure.message.range(of: ", line ", range: copy.upperBound..<failure.message.endIndex) else { return nil }
        var table = String(failure.message[copy.upperBound..<line.lowerBound])
        if table.hasPrefix("stage_") { table.removeFirst("stage_".count) }
        let number = Int(failure.message[line.upperBound...].prefix { $0.isNumber }) ?? 0
        let offsets = table == "messages" ? rows.messageRowOffsets
            : StructureTable(rawValue: table).flatMap { rows.structureRowOffsets[$0] } ?? []
        guard number >= 1, number <= offsets.count else { return nil }
        self.init(offset: offsets[number - 1], refusal: ServerRefusal(reason: .serverRefused, detail: failure.message), failure: failure)
    }
}
