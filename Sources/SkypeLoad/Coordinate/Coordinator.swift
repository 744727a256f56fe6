import CProcessShims
import Foundation
import Logging

/// Runs a load: streams the export once, cuts it into shards, feeds them to worker processes
/// with bounded shards in flight, replaces workers that die, merges the workers' metrics into
/// one report, and records the run in the database.
///
/// Used from one thread, except ``requestStop(signal:)``, which any thread may call.
public final class Coordinator: @unchecked Sendable {
    let configuration: LoadConfiguration
    let logger: Logger

    var slots: [WorkerSlot] = []
    let events = BlockingQueue<WorkerMessage>(capacity: 4096)
    var report: LoadReport
    var firstFailure: LoadError?
    var shardsDispatched = 0
    var progress: ProgressReporter
    var input: ExportInput?
    var dispatchNanoseconds: UInt64 = 0
    var phaseIntervals: [WritableKeyPath<PhaseSeconds, Double>: IntervalUnion] = [:]
    var latencies: [Double] = []
    let stopSignal = Locked<Int32?>(nil)
    var interruptedBy: Int32?
    /// Shards whose worker died, waiting to be sent again.
    var retryQueue: [InFlightShard] = []
    var rejectLog: RejectLog
    /// The coordinator's own connection: schema, run record, finalisation.
    var database: PostgresConnection?
    var runID: Int64 = 0
    /// Set once the shard pipes are being closed: a worker dying then is not replaced.
    var closing = false
    /// The export being read, for messages about it.
    var currentExport: String
    /// The first shard ordinal of each export read so far: ordinals run on across exports, so
    /// that a shard's ordinal names its export too.
    var ordinalBases: [Int] = []
    /// The workers' processes, for `requestStop` on another thread.
    let processes = Locked<[WorkerProcess]>([])

    public init(configuration: LoadConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let exports = configuration.exports
        self.report = LoadReport(export: exports.count > 1 ? "\(exports.count) exports" : configuration.exportPath)
        self.progress = ProgressReporter(mode: configuration.progress)
        self.rejectLog = RejectLog(path: configuration.rejectsPath)
        self.currentExport = configuration.exportPath
    }

    /// The index of the export a shard came from.
    func exportIndex(ofShard ordinal: Int) -> Int {
        max(0, (ordinalBases.lastIndex { $0 <= ordinal }) ?? 0)
    }

    /// The path of the export a shard came from.
    func exportPath(ofShard ordinal: Int) -> String {
        let exports = configuration.exports
        return exports[min(exportIndex(ofShard: ordinal), exports.count - 1)]
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
            for worker in processes.withLock({ $0 }) { worker.kill() }
        }
    }

    /// Loads the export. Never throws: failures are in the outcome, next to the report.
    public func run() -> LoadOutcome {
        let started = MonotonicClock.now()
        do {
            try configuration.validate()
            // The first export is opened before anything else, so that an unreadable one
            // fails before the database is touched; the others are opened in turn.
            var input = try ExportInput(path: configuration.exportPath, zstdWindowLogMax: configuration.zstdWindowLogMax)
            self.input = input
            try connect()
            try migrate()
            runID = try startRun()
            report.runID = runID
            try prepareIndexes()
            sp_ignore_sigpipe()
            for slot in 0..<configuration.workers {
                slots.append(WorkerSlot())
                report.workers.append(WorkerSummary(worker: slot))
                try startWorker(in: slot)
            }
            for (index, path) in configuration.exports.enumerated() {
                if index > 0 {
                    report.storedBytes += input.storedBytesRead
                    currentExport = path
                    input = try ExportInput(path: path, zstdWindowLogMax: configuration.zstdWindowLogMax)
                    self.input = input
                }
                for format in input.formats where !report.formats.contains(format) { report.formats.append(format) }
                ordinalBases.append(report.shards)
                if configuration.exports.count > 1 { report.exports.append(ExportResult(path: path)) }
                try split(input)
                try loadMedia(input)
            }
            try drainRetries()
        } catch let error as LoadError {
            // A worker's failure stops the splitter by being rethrown: it is recorded already.
            if firstFailure == nil { record(error) }
        } catch {
            record(LoadError(.system, String(describing: error)))
        }
        stopWorkers()
        rebuildDeferredIndexes()
        progress.finish()
        if database != nil, report.runID != nil {
            finalize()
        }
        report.elapsedSeconds = MonotonicClock.seconds(since: started)
        report.messagesPerSecond = Double(report.totals.messages) / max(0.001, report.elapsedSeconds)
        if let input { report.storedBytes += input.storedBytesRead }
        summarisePhases()
        report.status = interruptedBy != nil ? .interrupted : firstFailure == nil ? .completed : .failed
        report.error = firstFailure?.description
        if let runID = report.runID {
            storeReport(runID: runID)
        }
        return LoadOutcome(report: report, error: firstFailure, signal: interruptedBy)
    }

    func record(_ error: LoadError) {
        // The first error ends up in the outcome, which the caller shows; later ones are
        // usually consequences of it (workers stopping), logged for whoever wants detail.
        if firstFailure == nil {
            firstFailure = error
            logger.debug("load failing: \(error.description)")
        } else {
            logger.notice("further error: \(error.description)")
        }
    }

    // MARK: - Splitting

    private func split(_ input: ExportInput) throws {
        // Offsets count bytes of the JSON: inside the tar entry, or of the decompressed stream.
        let entry = input.entry ?? (input.formats.contains(.zstd) ? "decompressed JSON" : nil)
        let location = LoadError.Location(file: input.path, entry: entry)
        // Decompression (and the tar) run ahead on a thread of their own; `waits` is the time
        // the splitter spent waiting for them.
        let reading = TimedByteSource(input.source)
        let readAhead = ReadAheadByteSource(reading)
        let waits = TimedByteSource(readAhead)
        let splitter = ExportSplitter(source: waits, configuration: configuration.splitter, location: location) { shard in
            try self.dispatch(shard)
        }
        let splitStart = MonotonicClock.now()
        let dispatchBefore = dispatchNanoseconds
        let before = (conversations: report.exportConversations, messages: report.exportMessages,
                      shards: report.shards, jsonBytes: report.jsonBytes)
        defer {
            readAhead.stop()
            let summary = splitter.summarySoFar
            // With several exports the figures add up; each export's own are in its line.
            report.exportConversations = before.conversations + summary.conversations
            report.exportMessages = before.messages + summary.messages
            report.shards = before.shards + summary.shards
            report.jsonBytes = before.jsonBytes + summary.jsonBytes
            if report.exports.isEmpty {
                report.exportUser = summary.userID
                report.exportDate = summary.exportDate
            } else if let index = report.exports.indices.last {
                report.exports[index].user = summary.userID
                report.exports[index].exportDate = summary.exportDate
                report.exports[index].conversations = summary.conversations
                report.exports[index].messages = summary.messages
                report.exports[index].shards = summary.shards
                // The run's user: each account once, in the order met.
                var users: [String] = []
                for user in report.exports.compactMap(\.user) where !users.contains(user) { users.append(user) }
                report.exportUser = users.isEmpty ? nil : users.joined(separator: ",")
            }
            // Whatever the splitter did not spend reading or handing shards over was its own work.
            let total = MonotonicClock.now() - splitStart
            let dispatched = dispatchNanoseconds &- dispatchBefore
            report.phases.wallSeconds.decompress += Double(reading.nanoseconds) / 1e9
            report.phases.wallSeconds.dispatch += Double(dispatched) / 1e9
            report.phases.wallSeconds.split += Double(total &- waits.nanoseconds &- dispatched) / 1e9
            report.phases.summedSeconds.decompress = report.phases.wallSeconds.decompress
            report.phases.summedSeconds.dispatch = report.phases.wallSeconds.dispatch
            report.phases.summedSeconds.split = report.phases.wallSeconds.split
        }
        // A message over --max-value-bytes is stepped over and rejected; the load goes on.
        splitter.onOversizedMessage = { record in
            var record = record
            record.export = self.configuration.exportPath
            self.report.rejects[record.reason, default: 0] += 1
            self.writeReject(record)
        }
        _ = try splitter.run()
    }
}
