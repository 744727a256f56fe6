import CProcessShims
import Foundation
package import Logging
import SkypeExport
import SkypePostgres
import SkypeReport
import SkypeSupport

/// Runs a load: streams the export once, cuts it into shards, feeds them to worker processes
/// with bounded shards in flight, replaces workers that die, merges the workers' metrics into
/// one report, and records the run in the database.
///
/// Used from one thread, except ``requestStop(signal:)``, which any thread may call.
package final class Coordinator: @unchecked Sendable {
    let configuration: LoadConfiguration
    let logger: Logger

    /// The decisions; everything else in this type is the I/O around them.
    var supervisor: Supervisor
    /// The process in each worker slot, nil while none runs there.
    var processes: [WorkerProcess?]
    var messagesBySlot: [Int]
    let events = BlockingQueue<WorkerMessage>(capacity: 4096)
    var report: LoadReport
    var shardsDispatched = 0
    var progress: ProgressReporter
    var input: ExportInput?
    var dispatchNanoseconds: UInt64 = 0
    var phaseIntervals: [WritableKeyPath<PhaseSeconds, Double>: IntervalUnion] = [:]
    var latencies: [Double] = []
    /// Stop requests, from any thread: wakes retry waits and cancels running statements.
    let stop = StopControl()
    /// Stop requests already handed to the supervisor.
    var stopRequestsSeen = 0
    var rejectLog: RejectLog
    /// The coordinator's own connection: schema, run record, finalisation.
    var database: RetryingConnection?
    var runID: Int64 = 0
    /// The export being read, for messages about it.
    var currentExport: String
    /// The first shard ordinal of each export read so far: ordinals run on across exports, so
    /// that a shard's ordinal names its export too.
    var ordinalBases: [Int] = []
    /// The ordinal after the last one used (message and media shards of every export so far).
    var nextOrdinal = 0
    /// Each export's media, for ``storeMedia()`` once every shard is in.
    var mediaOfExports: [ExportMedia] = []
    /// What the splitter learned of the export being read (its account and date, for its media).
    var exportSummary = ExportSummary()
    /// The deferred index build's state, for the progress display.
    let indexStatus = IndexBuildStatus()
    /// When the current phase after the workers began (``MonotonicClock``).
    var phaseStarted: UInt64 = 0
    var readingMedia = false
    /// The media files read from the tar, recorded once their chunks are committed.
    var media: MediaCollector?
    /// Media files before `messages.json` in an archive read from standard input.
    var mediaSpool: MediaSpool?
    /// The archive ended or broke among the media entries: reported once what was read is recorded.
    var mediaInputError: LoadError?
    /// The progress display's own connection, for `pg_stat_progress_create_index`.
    var progressConnection: PostgresConnection?
    var progressConnectionTried: UInt64 = 0
    /// One load at a time per schema (``SchemaLock``).
    var schemaLock: SchemaLock?
    /// The test hook's pause (``TestPause``), once.
    let pause: OneShotPause

    package init(configuration: LoadConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let exports = configuration.exports
        self.report = LoadReport(export: exports.count > 1 ? "\(exports.count) exports" : configuration.exportPath)
        self.progress = ProgressReporter(mode: configuration.progress)
        self.rejectLog = RejectLog(path: configuration.rejectsPath)
        supervisor = Supervisor(limits: .init(
            workers: configuration.workers, shardsInFlightPerWorker: configuration.shardsInFlightPerWorker,
            attemptsBeforeQuarantine: configuration.shardAttemptsBeforeQuarantine,
            restartBudget: configuration.maximumWorkerRestarts ?? (2 * configuration.workers + 8)))
        pause = OneShotPause(configuration.testPause)
        processes = Array(repeating: nil, count: configuration.workers)
        messagesBySlot = Array(repeating: 0, count: configuration.workers)
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

    /// The first failure, which ends up in the outcome.
    var firstFailure: LoadError? { supervisor.failure }
    /// The signal that stopped the load, if one did.
    var interruptedBy: Int32? { supervisor.stop?.signal }

    /// Asks the load to stop: no new shard is sent, the shards the workers hold finish, a
    /// running index build or finalisation is cancelled, the report is written. Safe to call
    /// from any thread (a signal handler's queue). A second call stops the workers at once;
    /// their open transactions roll back.
    package func requestStop(signal: Int32) {
        stop.request(signal: signal)
    }

    /// Loads the export. Never throws: failures are in the outcome, next to the report.
    package func run() -> LoadOutcome {
        let started = MonotonicClock.now()
        do {
            try configuration.validate()
            // Standard input cannot be read twice: media files before messages.json wait on disk.
            let spool = configuration.exportPath == "-" && configuration.media != .skip
                ? try MediaSpool(directory: configuration.splitter.spillDirectory) : nil
            mediaSpool = spool
            // The first export is opened before anything else, so that an unreadable one
            // fails before the database is touched; the others are opened in turn.
            var input = try ExportInput(path: configuration.exportPath, zstdWindowLogMax: configuration.zstdWindowLogMax,
                                        streaming: spool?.streaming)
            self.input = input
            try connect()
            try lockSchema()
            try migrate()
            runID = try startRun()
            report.runID = runID
            try prepareIndexes()
            try checkOutcome(during: "before loading")
            sp_ignore_sigpipe()
            report.workers = (0..<configuration.workers).map { WorkerSummary(worker: $0) }
            apply(supervisor.start())
            // Several exports: one after another, into the same workers.
            for (index, path) in configuration.exports.enumerated() {
                if index > 0 {
                    report.storedBytes += input.storedBytesRead
                    currentExport = path
                    input = try ExportInput(path: path, zstdWindowLogMax: configuration.zstdWindowLogMax)
                    self.input = input
                }
                for format in input.formats where !report.formats.contains(format) { report.formats.append(format) }
                ordinalBases.append(nextOrdinal)
                if configuration.exports.count > 1 { report.exports.append(ExportResult(path: path)) }
                let shardsBefore = report.shards
                try split(input)
                nextOrdinal += report.shards - shardsBefore
                let exportsWithMedia = mediaOfExports.count
                try loadMedia(input)
                if mediaOfExports.count > exportsWithMedia, let media = mediaOfExports.last {
                    nextOrdinal += media.collector.shardsSent + 1
                }
            }
            try drain()
            try storeMedia()
        } catch let error as LoadError {
            // A worker's failure stops the splitter by being rethrown: it is recorded already.
            if firstFailure == nil { record(error) }
        } catch {
            record(LoadError(.system, String(describing: error)))
        }
        stopWorkers()
        rebuildDeferredIndexes()
        if database != nil, report.runID != nil, supervisor.shouldFinalize {
            finalize()
        }
        // A stop that came while nothing could be cancelled (the workers finishing) still says what is left.
        feedStopRequests()
        if let signal = interruptedBy, firstFailure == nil {
            record(interrupted(by: signal, during: "while the workers finished their shards"))
        }
        progress.finish()
        report.elapsedSeconds = MonotonicClock.seconds(since: started)
        report.messagesPerSecond = Double(report.totals.messages) / max(0.001, report.elapsedSeconds)
        if let input { report.storedBytes += input.storedBytesRead }
        summarisePhases()
        report.status = interruptedBy != nil ? .interrupted : firstFailure == nil ? .completed : .failed
        report.error = firstFailure?.description
        if let runID = report.runID {
            storeReport(runID: runID)
        }
        schemaLock = nil
        return LoadOutcome(report: report, error: firstFailure, signal: interruptedBy)
    }

    func record(_ error: LoadError) {
        // The first error ends up in the outcome, which the caller shows; later ones are
        // usually consequences of it (workers stopping), logged for whoever wants detail.
        if firstFailure == nil {
            logger.debug("load failing: \(error.description)")
        } else {
            logger.notice("further error: \(error.description)")
        }
        apply(supervisor.handle(.failed(error)))
    }

    // MARK: - Splitting

    private func split(_ input: ExportInput) throws {
        // Decompression (and the tar) run ahead on a thread of their own; the reader counts
        // the time that took and the time the splitter spent waiting for it.
        let reader = ExportReader(input, splitter: configuration.splitter) { shard in
            try self.dispatch(shard)
        }
        let splitStart = MonotonicClock.now()
        let dispatchBefore = dispatchNanoseconds
        let before = (conversations: report.exportConversations, messages: report.exportMessages,
                      shards: report.shards, jsonBytes: report.jsonBytes)
        defer {
            let summary = reader.summarySoFar
            exportSummary = summary
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
            report.phases.wallSeconds.decompress += Double(reader.readingNanoseconds) / 1e9
            report.phases.wallSeconds.dispatch += Double(dispatched) / 1e9
            report.phases.wallSeconds.split += Double(total &- reader.waitingNanoseconds &- dispatched) / 1e9
            report.phases.summedSeconds.decompress = report.phases.wallSeconds.decompress
            report.phases.summedSeconds.dispatch = report.phases.wallSeconds.dispatch
            report.phases.summedSeconds.split = report.phases.wallSeconds.split
        }
        // A message over --max-value-bytes is stepped over and rejected; the load goes on.
        reader.onOversizedMessage = { record in
            var record = record
            record.export = self.currentExport
            self.report.rejects[record.reason, default: 0] += 1
            self.writeReject(record)
        }
        _ = try reader.run()
    }
}
