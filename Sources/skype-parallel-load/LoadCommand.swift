public import ArgumentParser
import Foundation
import Logging
import SkypePostgres
import SkypeReport
import SkypeRuntime
import SkypeSupport
import SkypeExport

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an export (the default command).",
        discussion: """
            Examples:
              skype-parallel-load export.tar.zst
              skype-parallel-load --workers 4 --database postgres://me@db/chats export.tar
              zstd -dc export.tar.zst | skype-parallel-load -
              skype-parallel-load alice.tar.zst bob.tar.zst
              skype-parallel-load /archive/exports/

            Several exports (or a folder holding them: its .tar, .tar.zst, .json and .json.zst \
            files) load in one run through one set of workers, one export after another; each \
            keeps its own account, and the report has a line per export. A rerun skips what \
            each export already committed.

            Progress: a live block on a terminal; a timestamped line every --progress-interval \
            seconds otherwise; each names the phase. Ctrl-C (or SIGTERM) stops gracefully in any \
            phase: no new shard starts, the shards in the workers' hands finish, a running index \
            build or finalisation is cancelled, the report is printed; press it twice to stop \
            the workers at once (open transactions roll back). A second load into the same \
            schema waits for the first.

            Exit codes: 0 loaded (or already loaded), 3 loaded with rejects (see --rejects), \
            1 failed (what committed stays committed; rerun to resume), 64 bad usage, \
            130/143 interrupted by SIGINT/SIGTERM (rerun to resume).
            """
    )

    @Argument(help: ArgumentHelp("The exports: .tar, .tar.zst, messages.json, messages.json.zst, a folder holding such files, or - for standard input (alone).", valueName: "export"))
    var exports: [String]

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Worker processes. Default: one loading connection per CPU core (cores / connections per worker).", valueName: "n"))
    var workers: Int?

    @Option(help: ArgumentHelp("PostgreSQL connections per worker.", valueName: "n"))
    var connectionsPerWorker: Int = 2

    @Option(help: ArgumentHelp("Bytes of JSON per shard (suffixes K, M allowed).", valueName: "size"))
    var shardSize: String = "2M"

    @Option(help: ArgumentHelp("Largest single message or header accepted (suffixes K, M allowed).", valueName: "size"))
    var maxValueBytes: String = "64M"

    @Option(help: ArgumentHelp("Write the report as JSON to this path (schema: Docs/report.schema.json).", valueName: "path"))
    var metricsJSON: String?

    @Option(help: ArgumentHelp("Write the report in Prometheus text format to this path.", valueName: "path"))
    var metricsProm: String?

    @Option(help: ArgumentHelp("Secondary indexes: keep (maintain them row by row), defer (drop, load, build in parallel), auto (defer into an empty table, keep when appending or on Citus; finish what a stopped deferred load left).", valueName: "mode"))
    var indexMode: IndexMode = .auto

    @Option(help: ArgumentHelp("maintenance_work_mem for building deferred indexes, such as 1GB (default: the server's).", valueName: "size"))
    var maintenanceWorkMem: String?

    @Option(help: ArgumentHelp("Write rejected messages and quarantined shards here, one JSON line each.", valueName: "path"))
    var rejects: String?

    @Option(help: ArgumentHelp("Seconds a shard, an index build or any other database step keeps being retried after a transient failure (connection lost, server restarting, deadlock...).", valueName: "seconds"))
    var retryTimeout: Double = 300

    @Option(help: ArgumentHelp("Seconds between progress lines when standard error is not a terminal (default: 10).", valueName: "seconds"))
    var progressInterval: Double?

    @OptionGroup var zstd: ZstdOptions

    @Option(help: ArgumentHelp("Write the media files' bytes to this folder (at content-addressed paths, recorded in the database) instead of the database.", valueName: "dir"))
    var mediaDir: String?

    @Flag(help: "Do not keep the media files' bytes (their metadata is still loaded; the report counts them as skipped).")
    var noMedia = false

    @Flag(help: "Show no progress.")
    var quiet = false

    @Option(help: ArgumentHelp("How much to log on standard error.", valueName: "level"))
    var logLevel: Logger.Level = .warning

    /// Usage errors, found before anything runs (exit 64): values out of range, sizes that do
    /// not parse, options that contradict each other.
    func validate() throws {
        do {
            try loadConfiguration(workerExecutable: "").validate()
        } catch let error as LoadError {
            throw ValidationError(error.message)
        }
        guard retryTimeout >= 0 else { throw ValidationError("--retry-timeout must be 0 or more seconds") }
        guard !(noMedia && mediaDir != nil) else { throw ValidationError("--no-media keeps no media files: drop --media-dir or --no-media") }
        if let progressInterval {
            guard progressInterval > 0 else { throw ValidationError("--progress-interval must be more than 0 seconds") }
            guard !quiet else { throw ValidationError("--quiet shows no progress: drop --progress-interval or --quiet") }
        }
        // Two outputs on one path, or an output on the export, would overwrite one another.
        let outputs = [("--metrics-json", metricsJSON), ("--metrics-prom", metricsProm), ("--rejects", rejects)]
            .compactMap { option, path in path.map { (option, URL(fileURLWithPath: $0).standardizedFileURL.path) } }
        let exportPaths = try Set(exportFiles().filter { $0 != "-" }.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        for (index, (option, path)) in outputs.enumerated() {
            if exportPaths.contains(path) { throw ValidationError("\(option) would overwrite the export: give it another path") }
            if let other = outputs[..<index].first(where: { $0.1 == path }) {
                throw ValidationError("\(other.0) and \(option) name the same file: give each its own path")
            }
        }
    }

    /// The load these options describe; the environment is read here, at the edge.
    private func loadConfiguration(workerExecutable: String) throws -> LoadConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let files = try exportFiles()
        var configuration = LoadConfiguration(
            exportPath: files[0],
            conninfo: database.conninfo(environment: environment),
            workerExecutable: workerExecutable)
        configuration.additionalExports = Array(files.dropFirst())
        configuration.schema = database.schema
        configuration.workers = workers ?? LoadConfiguration.defaultWorkers(connectionsPerWorker: connectionsPerWorker)
        configuration.connectionsPerWorker = connectionsPerWorker
        configuration.splitter.shardBytes = try byteCount(shardSize, option: "--shard-size")
        configuration.splitter.maximumValueBytes = try byteCount(maxValueBytes, option: "--max-value-bytes")
        configuration.splitter.spillDirectory = environment["TMPDIR"] ?? "/tmp"
        configuration.zstdWindowLogMax = zstd.zstdWindowLog
        configuration.rejectsPath = rejects
        configuration.indexMode = indexMode
        configuration.maintenanceWorkMem = maintenanceWorkMem
        configuration.retry.timeout = retryTimeout
        configuration.progress = quiet ? .none : .automatic(interval: progressInterval ?? 10)
        configuration.media = noMedia ? .skip : mediaDir.map { .folder($0) } ?? .database
        // Fault injection for scripts/fault-test: a deterministic point to inject a fault at.
        configuration.testPause = environment["SKYPE_LOAD_TEST_PAUSE"].flatMap(TestPause.init)
        return configuration
    }

    /// The export files the arguments name: folders are replaced by the exports they hold
    /// (sorted by name, not recursively), and a file named twice is loaded once (its shards,
    /// found committed by this same run, would be counted twice). Usage errors for an empty
    /// folder or a misplaced `-`.
    func exportFiles() throws -> [String] {
        guard !exports.isEmpty else { throw ValidationError("name an export to load") }
        if exports.contains("-") && exports.count > 1 {
            throw ValidationError("- (standard input) is an export of its own: give it alone")
        }
        var files: [String] = []
        for export in exports {
            var isDirectory: ObjCBool = false
            guard export != "-", FileManager.default.fileExists(atPath: export, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(export)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: export)) ?? []
            let held = names.filter { name in [".tar", ".tar.zst", ".json", ".json.zst"].contains { name.hasSuffix($0) } }.sorted()
            guard !held.isEmpty else { throw ValidationError("\(export) holds no export (.tar, .tar.zst, .json or .json.zst files)") }
            files += held.map { URL(fileURLWithPath: export).appendingPathComponent($0).path }
        }
        var seen: Set<String> = []
        return files.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }

    func run() throws {
        let logger = makeLogger(level: logLevel)
        // A path that will be refused (a link, not a regular file) fails now, not after hours
        // of loading (or, for the reject file, after a shard whose rejects it could not hold
        // committed); the files themselves are created only when written.
        do {
            for (path, purpose) in [(metricsJSON, "metrics file"), (metricsProm, "metrics file"), (rejects, "reject file")] {
                if let path { try PrivateFile.check(path, purpose: purpose) }
            }
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        let coordinator = Coordinator(configuration: try loadConfiguration(workerExecutable: executablePath()), logger: logger)
        let signals = StopSignals { signal in coordinator.requestStop(signal: signal) }
        let outcome = coordinator.run()
        signals.cancel()

        // Before a run is recorded nothing was loaded: the error line alone says it all.
        var metricsWritten = true
        if outcome.started {
            print(ReportPrinter.text(outcome.report), terminator: "")
            metricsWritten = writeMetrics(outcome.report)
        }
        if let error = outcome.error {
            if outcome.signal != nil {
                TerminalOutput.standardError.log("skype-parallel-load: stopped: \(error.description)")
            } else {
                printError(error.description)
            }
        }
        if outcome.exitCode == 0 && !metricsWritten { throw ExitCode(1) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// Writes `--metrics-json` and `--metrics-prom`, each whole or not at all (a file that
    /// cannot be written keeps what it held); false (the error printed) when one failed.
    private func writeMetrics(_ report: LoadReport) -> Bool {
        let outputs: [(String?, () throws -> [UInt8])] = [
            (metricsJSON, { Array(try ReportPrinter.json(report)) }),
            (metricsProm, { Array(PrometheusRenderer.render(report).utf8) }),
        ]
        let unaffected = "The load itself is not affected: its report is printed above"
        var written = true
        for case let (path?, render) in outputs {
            do {
                // Created 0600, never through a link: the report names the export and counts a
                // person's chats.
                try PrivateFile.write(try render(), to: path, purpose: "metrics file")
            } catch let error as LoadError {
                var error = error
                error.hint = (error.hint.map { "\($0). " } ?? "") + unaffected
                printError(error.description)
                written = false
            } catch {
                printError("cannot write the metrics file \(path): \(error). \(unaffected)")
                written = false
            }
        }
        return written
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension IndexMode: ExpressibleByArgument {}
