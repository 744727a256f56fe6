import ArgumentParser
import Foundation
import Logging
import SkypeLoad

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an export (the default command).",
        discussion: """
            Examples:
              skype-parallel-load export.tar.zst
              skype-parallel-load --workers 4 --database postgres://me@db/chats export.tar
              zstd -dc export.tar.zst | skype-parallel-load -

            Progress: a live block on a terminal; a timestamped line every --progress-interval \
            seconds otherwise. Ctrl-C (or SIGTERM) stops gracefully: no new shard starts, the \
            shards in the workers' hands finish, the report is printed; press it twice to stop \
            at once (open transactions roll back).

            Exit codes: 0 loaded (or already loaded), 3 loaded with rejects (see --rejects), \
            1 failed (what committed stays committed; rerun to resume), 64 bad usage, \
            130/143 interrupted by SIGINT/SIGTERM (rerun to resume).
            """
    )

    @Argument(help: "The export: .tar, .tar.zst, messages.json, messages.json.zst, or - for standard input.")
    var export: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Worker processes. Default: one loading connection per CPU core (cores / connections per worker).")
    var workers: Int?

    @Option(help: "PostgreSQL connections per worker.")
    var connectionsPerWorker: Int = 2

    @Option(help: "Bytes of JSON per shard (suffixes K, M allowed).")
    var shardSize: String = "2M"

    @Option(help: "Largest single message or header accepted (suffixes K, M allowed).")
    var maxValueBytes: String = "64M"

    @Option(help: "Write the report as JSON to this path (schema: Docs/report.schema.json).")
    var metricsJSON: String?

    @Option(help: "Write the report in Prometheus text format to this path.")
    var metricsProm: String?

    @Option(help: "Secondary indexes: keep (maintain them row by row), defer (drop, load, build in parallel), auto (defer into an empty table, keep when appending; finish what a stopped deferred load left).")
    var indexMode: IndexMode = .auto

    @Option(help: "maintenance_work_mem for building deferred indexes, such as 1GB (default: the server's).")
    var maintenanceWorkMem: String?

    @Option(help: "Write rejected messages and quarantined shards here, one JSON line each.")
    var rejects: String?

    @Option(help: "Seconds a shard keeps being retried after a database failure (connection lost, server restarting, deadlock...).")
    var retryTimeout: Double = 300

    @Option(help: "Seconds between progress lines when standard error is not a terminal.")
    var progressInterval: Double = 10

    @Option(help: "Write the media files' bytes to this folder (at content-addressed paths, recorded in the database) instead of the database.")
    var mediaDir: String?

    @Flag(help: "Do not keep the media files' bytes (their metadata is still loaded; the report counts them as skipped).")
    var noMedia = false

    @Flag(help: "Show no progress.")
    var quiet = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func run() throws {
        let logger = makeLogger(level: logLevel)
        let environment = ProcessInfo.processInfo.environment
        var configuration = LoadConfiguration(
            exportPath: export,
            conninfo: database.conninfo(environment: environment),
            workerExecutable: try executablePath())
        configuration.schema = database.schema
        configuration.workers = workers ?? LoadConfiguration.defaultWorkers(connectionsPerWorker: connectionsPerWorker)
        configuration.connectionsPerWorker = connectionsPerWorker
        configuration.splitter.shardBytes = try byteCount(shardSize, option: "--shard-size")
        configuration.splitter.maximumValueBytes = try byteCount(maxValueBytes, option: "--max-value-bytes")
        configuration.splitter.spillDirectory = environment["TMPDIR"] ?? "/tmp"
        configuration.rejectsPath = rejects
        configuration.indexMode = indexMode
        configuration.maintenanceWorkMem = maintenanceWorkMem
        configuration.retry.timeout = retryTimeout
        configuration.progress = quiet ? .none : .automatic(interval: progressInterval)
        if noMedia && mediaDir != nil {
            throw ValidationError("--no-media and --media-dir exclude each other")
        }
        configuration.media = noMedia ? .skip : mediaDir.map { .folder($0) } ?? .database

        let coordinator = Coordinator(configuration: configuration, logger: logger)
        let signals = StopSignals { signal in coordinator.requestStop(signal: signal) }
        let outcome = coordinator.run()
        signals.cancel()

        print(ReportPrinter.text(outcome.report), terminator: "")
        do {
            if let path = metricsJSON {
                try ReportPrinter.json(outcome.report).write(to: URL(fileURLWithPath: path))
            }
            if let path = metricsProm {
                try Data(PrometheusRenderer.render(outcome.report).utf8).write(to: URL(fileURLWithPath: path))
            }
        } catch {
            printError("cannot write the metrics file: \(error.localizedDescription)")
            throw ExitCode(1)
        }
        if let error = outcome.error {
            if outcome.signal != nil {
                TerminalOutput.standardError.log("skype-parallel-load: stopped: \(error.description)")
            } else {
                printError(error.description)
            }
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension IndexMode: ExpressibleByArgument {}
