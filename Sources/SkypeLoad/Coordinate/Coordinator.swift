import CProcessShims
import Foundation
import Logging

/// Runs a load: streams the export once, cuts it into shards, feeds them to worker processes
/// with bounded shards in flight, merges the workers' metrics into one report, and records the
/// run in the database.
///
/// Used from one thread, except ``requestStop(signal:)``, which any thread may call.
public final class Coordinator: @unchecked Sendable {
    private let configuration: LoadConfiguration
    private let logger: Logger

    private var workers: [WorkerProcess] = []
    private var workerStates: [WorkerState] = []
    private let events = BlockingQueue<(worker: Int, event: WorkerEvent?, error: LoadError?)>(capacity: 4096)
    private var report: LoadReport
    private var firstFailure: LoadError?
    private var shardsDispatched = 0
    private var progress: ProgressReporter
    private var input: ExportInput?
    private var dispatchNanoseconds: UInt64 = 0
    private var phaseIntervals: [WritableKeyPath<PhaseSeconds, Double>: IntervalUnion] = [:]
    private var latencies: [Double] = []
    private let stopSignal = Locked<Int32?>(nil)
    private var interruptedBy: Int32?

    private struct WorkerState {
        /// Shards sent and not yet reported back.
        var inFlight = 0
        /// Shards a connection has started on, by ordinal, with their labels.
        var loading: [Int: String] = [:]
        var messages = 0
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

    /// Asks the load to stop: no new shard is sent, the shards the workers hold finish, the
    /// report is written. Safe to call from any thread (a signal handler's queue). A second
    /// call stops the workers at once; their open transactions roll back.
    public func requestStop(signal: Int32) {
        let again = stopSignal.withLock { current -> Bool in
            defer { if current == nil { current = signal } }
            return current != nil
        }
        if again {
            for worker in workersSnapshot.withLock({ $0 }) { worker.kill() }
        }
    }

    /// The workers, for `requestStop` on another thread.
    private let workersSnapshot = Locked<[WorkerProcess]>([])

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
        summarisePhases()
        report.status = interruptedBy != nil ? .interrupted : firstFailure == nil ? .completed : .failed
        report.error = firstFailure?.description
        if let connection, let runID = report.runID {
            storeReport(on: connection, runID: runID)
        }
        return LoadOutcome(report: report, error: firstFailure, signal: interruptedBy)
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
        report.phases.wallSeconds.finalize = report.finalizeSeconds
        report.phases.summedSeconds.finalize = report.finalizeSeconds
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
            workersSnapshot.withLock { $0.append(worker) }
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
        case let .shardStarted(ordinal, label)?:
            workerStates[index].loading[ordinal] = label
        case let .shardLoaded(metrics)?:
            workerStates[index].inFlight -= 1
            workerStates[index].loading[metrics.ordinal] = nil
            workerStates[index].messages += metrics.messages
            report.add(metrics)
            collectPhases(metrics)
        case let .shardFailed(ordinal, label, message, sqlState)?:
            workerStates[index].inFlight -= 1
            workerStates[index].loading[ordinal] = nil
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
                workerStates[index].loading = [:]
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
        let timed = TimedByteSource(input.source)
        let splitter = ExportSplitter(source: timed, configuration: configuration.splitter, location: location) { shard in
            try self.dispatch(shard)
        }
        let splitStart = MonotonicClock.now()
        defer {
            let summary = splitter.summarySoFar
            report.exportUser = summary.userID
            report.exportDate = summary.exportDate
            report.exportConversations = summary.conversations
            report.exportMessages = summary.messages
            report.shards = summary.shards
            report.jsonBytes = summary.jsonBytes
            // Whatever the splitter did not spend reading or handing shards over was its own work.
            let total = MonotonicClock.now() - splitStart
            report.phases.wallSeconds.decompress = Double(timed.nanoseconds) / 1e9
            report.phases.wallSeconds.dispatch = Double(dispatchNanoseconds) / 1e9
            report.phases.wallSeconds.split = Double(total &- timed.nanoseconds &- dispatchNanoseconds) / 1e9
            report.phases.summedSeconds.decompress = report.phases.wallSeconds.decompress
            report.phases.summedSeconds.dispatch = report.phases.wallSeconds.dispatch
            report.phases.summedSeconds.split = report.phases.wallSeconds.split
        }
        _ = try splitter.run()
    }

    /// Hands a shard to the least busy worker, waiting (and merging events) while every worker
    /// holds its maximum: the coordinator never runs ahead of the slowest consumers.
    private func dispatch(_ shard: Shard) throws {
        let started = MonotonicClock.now()
        defer { dispatchNanoseconds += MonotonicClock.now() - started }
        let limit = configuration.shardsInFlightPerWorker
        while true {
            while let event = events.pop(before: Date.distantPast) { handle(event) }
            if let failure = firstFailure { throw failure }
            if let signal = stopSignal.withLock({ $0 }) {
                interruptedBy = signal
                throw LoadError(.interrupted, "interrupted by signal \(signal) after \(shardsDispatched) shards",
                                location: .init(file: configuration.exportPath),
                                hint: "Committed shards are kept; run the same command again to resume")
            }
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
        progress.update(progressSnapshot())
    }

    private func progressSnapshot() -> ProgressReporter.Snapshot {
        let loading = workerStates.reduce(0) { $0 + $1.loading.count }
        let lines = workerStates.enumerated().map { index, state in
            ProgressReporter.WorkerLine(
                index: index,
                state: state.ended ? "exited" : state.loading.isEmpty ? "idle" : "loading",
                shards: state.loading.sorted { $0.key < $1.key }.map(\.value),
                messages: state.messages)
        }
        return ProgressReporter.Snapshot(
            export: configuration.exportPath,
            storedBytesRead: input?.storedBytesRead ?? 0, storedSize: input?.storedSize,
            messagesDone: report.totals.messages, shardsDone: report.totals.shardsLoaded,
            shardsSkipped: report.totals.shardsAlreadyLoaded, loading: loading,
            queued: workerStates.reduce(0) { $0 + $1.inFlight } - loading, workers: lines)
    }

    private func collectPhases(_ metrics: ShardMetrics) {
        guard !metrics.alreadyLoaded else { return }
        phaseIntervals[\.parse, default: IntervalUnion()].add(start: metrics.parseStartedAt, seconds: metrics.parseSeconds)
        phaseIntervals[\.copy, default: IntervalUnion()].add(start: metrics.copyStartedAt, seconds: metrics.copySeconds)
        phaseIntervals[\.merge, default: IntervalUnion()].add(start: metrics.mergeStartedAt, seconds: metrics.mergeSeconds)
        phaseIntervals[\.commit, default: IntervalUnion()].add(start: metrics.commitStartedAt, seconds: metrics.commitSeconds)
        latencies.append(metrics.totalSeconds)
    }

    private func summarisePhases() {
        for (phase, union) in phaseIntervals {
            report.phases.wallSeconds[keyPath: phase] = union.seconds
        }
        report.shardLatency = LatencySummary(samples: latencies)
    }
}
