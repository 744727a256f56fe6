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
    /// The workers' processes, for `requestStop` on another thread.
    let processes = Locked<[WorkerProcess]>([])
    /// The media files read from the tar, recorded once their chunks are committed.
    var media: MediaCollector?
    var mediaCatalog = MediaCatalog()
    /// Media files before `messages.json` in an archive read from standard input.
    var mediaSpool: MediaSpool?
    /// The archive ended or broke among the media entries: reported once what was read is recorded.
    var mediaInputError: LoadError?

    public init(configuration: LoadConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.report = LoadReport(export: configuration.exportPath)
        self.progress = ProgressReporter(mode: configuration.progress)
        self.rejectLog = RejectLog(path: configuration.rejectsPath)
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
            // Standard input cannot be read twice: media files before messages.json wait on disk.
            let spool = configuration.exportPath == "-" && configuration.media != .skip
                ? try MediaSpool(directory: configuration.splitter.spillDirectory) : nil
            mediaSpool = spool
            let input = try ExportInput(path: configuration.exportPath, zstdWindowLogMax: configuration.zstdWindowLogMax,
                                        streaming: spool?.streaming)
            self.input = input
            report.formats = input.formats
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
            try split(input)
            try loadMedia(input)
            try drainRetries()
            try storeMedia()
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
        if let input { report.storedBytes = input.storedBytesRead }
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
        defer {
            readAhead.stop()
            let summary = splitter.summarySoFar
            report.exportUser = summary.userID
            report.exportDate = summary.exportDate
            report.exportConversations = summary.conversations
            report.exportMessages = summary.messages
            report.shards = summary.shards
            report.jsonBytes = summary.jsonBytes
            // Whatever the splitter did not spend reading or handing shards over was its own work.
            let total = MonotonicClock.now() - splitStart
            report.phases.wallSeconds.decompress = Double(reading.nanoseconds) / 1e9
            report.phases.wallSeconds.dispatch = Double(dispatchNanoseconds) / 1e9
            report.phases.wallSeconds.split = Double(total &- waits.nanoseconds &- dispatchNanoseconds) / 1e9
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
