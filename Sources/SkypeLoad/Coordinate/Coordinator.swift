import CProcessShims
import Foundation
import Logging

/// Runs a load: streams the export once, cuts it into shards, feeds them to worker processes
/// with bounded shards in flight, merges the workers' metrics into one report, and records the
/// run in the database.
public final class Coordinator {
    private let configuration: LoadConfiguration
    private let logger: Logger

    private var workers: [WorkerProcess] = []
    private var workerStates: [WorkerState] = []
    private let events = BlockingQueue<(worker: Int, event: WorkerEvent?, error: LoadError?)>(capacity: 4096)
    private var report: LoadReport
    private var firstFailure: LoadError?
    private var shardsDispatched = 0
    private var shardsDone = 0
    private var progress: ProgressReporter
    private var input: ExportInput?

    private struct WorkerState {
        var inFlight = 0
        var ready = false
        var finished = false
        var ended = false
    }

    public init(configuration: LoadConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.report = LoadReport(export: configuration.exportPath)
        self.progress = ProgressReporter(mode: configuration.progress)
    }

    /// Loads the export. Never throws: failures are in the outcome, next to the report.
    public func run() -> LoadOutcome {
        let started = MonotonicClock.now()
        var connection: PostgresConnection?
        do {
            try configuration.validate()
            let input = try ExportInput(path: configuration.exportPath, zstdWindowLogMax: configuration.zstdWindowLogMax)
            self.input = input
            report.formats = input.formats
            connection = try connect()
            guard let connection else { throw LoadError(.database, "no connection") }
            let applied = try Migrator(schema: configuration.schema).migrate(connection)
            if !applied.isEmpty { logger.info("applied schema migrations \(applied) to \(configuration.schema)") }
            report.runID = try startRun(on: connection)
            sp_ignore_sigpipe()
            try startWorkers(runID: report.runID ?? 0)
            try split(input)
        } catch let error as LoadError {
            // A worker's failure stops the splitter by being rethrown: it is recorded already.
            if firstFailure == nil { record(error) }
        } catch {
            record(LoadError(.system, String(describing: error)))
        }
        stopWorkers()
        progress.finish()
        if let connection, report.runID != nil {
            finish(on: connection, started: started)
        }
        report.elapsedSeconds = MonotonicClock.seconds(since: started)
        report.messagesPerSecond = Double(report.totals.messages) / max(0.001, report.elapsedSeconds)
        if let input { report.storedBytes = input.storedBytesRead }
        report.status = firstFailure == nil ? .completed : .failed
        report.error = firstFailure?.description
        if let connection, let runID = report.runID {
            storeReport(on: connection, runID: runID)
        }
        return LoadOutcome(report: report, error: firstFailure)
    }

    // MARK: - Database

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: configuration.conninfo)
        } catch {
            throw LoadError(.database, error.message,
                            hint: "Set DATABASE_URL, pass --database, or set the PG* variables")
        }
    }

    private func startRun(on connection: PostgresConnection) throws -> Int64 {
        let statements = LoadStatements(schema: configuration.schema)
        do {
            let result = try connection.execute(statements.startRun, [configuration.exportPath, String(configuration.workers)])
            guard let text = result.rows.first?.first ?? nil, let id = Int64(text) else {
                throw LoadError(.database, "the load_runs insert returned no id")
            }
            return id
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, "cannot record the load run: \(failure)")
        }
    }

    /// Refreshes the counts of the conversations the committed shards touched, even after a
    /// failure: what committed is complete and should be consistent.
    private func finish(on connection: PostgresConnection, started: UInt64) {
        let finalizeStart = MonotonicClock.now()
        do {
            try connection.execute(LoadStatements(schema: configuration.schema).finalize)
        } catch {
            record(LoadError(.database, "cannot refresh conversation counts: \(error)",
                             hint: "Rerun the same command; the counts are refreshed at the end of every load"))
        }
        report.finalizeSeconds = MonotonicClock.seconds(since: finalizeStart)
    }

    private func storeReport(on connection: PostgresConnection, runID: Int64) {
        let json = (try? ReportPrinter.json(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        _ = try? connection.execute(LoadStatements(schema: configuration.schema).finishRun, [
            String(runID), report.status.rawValue, report.exportUser, report.exportDate, json,
        ])
    }

    // MARK: - Workers

    private func startWorkers(runID: Int64) throws {
        for index in 0..<configuration.workers {
            let worker = try WorkerProcess(index: index, executable: configuration.workerExecutable)
            workers.append(worker)
            workerStates.append(WorkerState())
            report.workers.append(WorkerSummary(worker: index))
            let settings = WorkerSettings(protocolVersion: WorkerProtocol.version, worker: index,
                                          conninfo: configuration.conninfo, schema: configuration.schema,
                                          runID: runID, connections: configuration.connectionsPerWorker)
            try worker.shards.write(kind: WorkerProtocol.ToWorker.configure.rawValue, payload: WorkerProtocol.encode(settings))
            let events = self.events
            let reader = worker.events
            let thread = Thread {
                while true {
                    do {
                        guard let frame = try reader.read() else { break }
                        let event = try WorkerProtocol.decode(WorkerEvent.self, from: frame.payload)
                        events.push((index, event, nil))
                    } catch let error as LoadError {
                        events.push((index, nil, error))
                        return
                    } catch {
                        events.push((index, nil, LoadError(.workerProtocol, String(describing: error))))
                        return
                    }
                }
                events.push((index, nil, nil))
            }
            thread.start()
            logger.debug("started worker \(index) as pid \(worker.pid)")
        }
    }

    /// Closes every shard pipe and waits until each worker has reported all it held and exited.
    private func stopWorkers() {
        for worker in workers { worker.closeShards() }
        while workerStates.contains(where: { !$0.ended }) {
            if let event = events.pop(before: Date().addingTimeInterval(1)) {
                handle(event)
            }
            tickProgress()
        }
        for worker in workers { worker.reap() }
        for worker in workers { worker.events.close() }
    }

    private func handle(_ item: (worker: Int, event: WorkerEvent?, error: LoadError?)) {
        let index = item.worker
        switch item.event {
        case let .ready(_, version)?:
            workerStates[index].ready = true
            if version != WorkerProtocol.version {
                record(LoadError(.workerProtocol, "worker \(index) speaks protocol \(version), the coordinator \(WorkerProtocol.version)"))
            }
        case let .shardLoaded(metrics)?:
            workerStates[index].inFlight -= 1
            shardsDone += 1
            report.add(metrics)
        case let .shardFailed(_, label, message, sqlState)?:
            workerStates[index].inFlight -= 1
            let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
            record(LoadError(.database, "worker \(index) could not load the shard: \(message)\(state)",
                             location: .init(file: configuration.exportPath, shard: label),
                             hint: "Nothing of this shard was committed; fix the cause and rerun to load the rest"))
        case .finished?:
            workerStates[index].finished = true
        case nil:
            workerStates[index].ended = true
            if let error = item.error { record(error) }
            let how = workers[index].reap()
            if !workerStates[index].finished {
                let held = workerStates[index].inFlight
                record(LoadError(.workerFailed, "worker \(index) (pid \(workers[index].pid)) \(how) with \(held) shards in flight",
                                 hint: "Those shards were rolled back; rerun to load them"))
                workerStates[index].inFlight = 0
            }
        }
    }

    private func record(_ error: LoadError) {
        // The first error ends up in the outcome, which the caller shows; later ones are
        // usually consequences of it (workers stopping), logged for whoever wants detail.
        if firstFailure == nil {
            firstFailure = error
            logger.debug("load failing: \(error.description)")
        } else {
            logger.notice("further error: \(error.description)")
        }
    }

    // MARK: - Splitting and dispatch

    private func split(_ input: ExportInput) throws {
        // Offsets count bytes of the JSON: inside the tar entry, or of the decompressed stream.
        let entry = input.entry ?? (input.formats.contains(.zstd) ? "decompressed JSON" : nil)
        let location = LoadError.Location(file: input.path, entry: entry)
        let splitter = ExportSplitter(source: input.source, configuration: configuration.splitter, location: location) { shard in
            try self.dispatch(shard)
        }
        let summary = try splitter.run()
        report.exportUser = summary.userID
        report.exportDate = summary.exportDate
        report.exportConversations = summary.conversations
        report.exportMessages = summary.messages
        report.shards = summary.shards
        report.jsonBytes = summary.jsonBytes
    }

    /// Hands a shard to the least busy worker, waiting (and merging events) while every worker
    /// holds its maximum: the coordinator never runs ahead of the slowest consumers.
    private func dispatch(_ shard: Shard) throws {
        let limit = configuration.shardsInFlightPerWorker
        while true {
            while let event = events.pop(before: Date.distantPast) { handle(event) }
            if let failure = firstFailure { throw failure }
            let candidates = workerStates.indices.filter { !workerStates[$0].ended && workerStates[$0].inFlight < limit }
            if let index = candidates.min(by: { workerStates[$0].inFlight < workerStates[$1].inFlight }) {
                try workers[index].shards.write(kind: WorkerProtocol.ToWorker.shard.rawValue, payload: ShardCodec.encode(shard))
                workerStates[index].inFlight += 1
                shardsDispatched += 1
                tickProgress()
                return
            }
            if let event = events.pop(before: Date().addingTimeInterval(1)) { handle(event) }
            tickProgress()
        }
    }

    private func tickProgress() {
        progress.update(ProgressReporter.Snapshot(
            storedBytesRead: input?.storedBytesRead ?? 0, storedSize: input?.storedSize,
            shardsDispatched: shardsDispatched, shardsDone: shardsDone,
            inFlight: workerStates.reduce(0) { $0 + $1.inFlight }, messagesDone: report.totals.messages))
    }
}
