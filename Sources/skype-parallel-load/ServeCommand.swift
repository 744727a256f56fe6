import ArgumentParser
import Foundation
import Logging
import SkypeViewer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Read the archive in a browser: conversations, messages, media and search (read-only).",
        discussion: """
            Serves the loaded archive at http://127.0.0.1:8080 (see --listen). Everything is \
            read-only: the viewer's sessions are read-only transactions. Listening on an address \
            other machines can reach needs --auth-token-file; for TLS, put it behind a reverse \
            proxy (Docs/viewer.md). SIGINT or SIGTERM stops it.

            Examples:
              skype-parallel-load serve
              skype-parallel-load serve --schema archive --listen 127.0.0.1:9000
              skype-parallel-load serve --listen 0.0.0.0:8080 --auth-token-file ~/.config/skype-viewer-token
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Address and port to listen on (HOST:PORT, [IPv6]:PORT).", valueName: "addr:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("A file holding the access token (at least 16 bytes); required off loopback.", valueName: "file"))
    var authTokenFile: String?

    @Option(help: ArgumentHelp("The folder a load with --media-dir wrote the media files to.", valueName: "dir"))
    var mediaDir: String?

    @Option(help: ArgumentHelp("Time zone of the times shown (IANA name). Default: this machine's.", valueName: "zone"))
    var timeZone: String?

    @Option(help: ArgumentHelp("Messages per conversation page (1-1000).", valueName: "n"))
    var pageSize: Int = 100

    @Option(help: ArgumentHelp("Conversations per page of the list at / (1-1000).", valueName: "n"))
    var conversationsPerPage: Int = 200

    @Option(help: ArgumentHelp("PostgreSQL connections the viewer keeps (1-64).", valueName: "n"))
    var connections: Int = 4

    @Option(help: ArgumentHelp("Seconds after which a query is cancelled.", valueName: "s"))
    var statementTimeout: Double = 10

    @Option(help: ArgumentHelp("debug, info, notice, warning, error.", valueName: "level"))
    var logLevel: String = "notice"

    func validate() throws {
        try validateTimeZone(timeZone)
        guard let address = ListenAddress(listen) else {
            throw ValidationError("--listen takes HOST:PORT or [IPv6]:PORT, not \(listen)")
        }
        if !address.isLoopback && authTokenFile == nil {
            throw ValidationError("--listen \(listen) is reachable from other machines: pass --auth-token-file FILE, or listen on 127.0.0.1")
        }
        guard statementTimeout > 0, statementTimeout <= 86_400 else {
            throw ValidationError("--statement-timeout takes seconds, more than 0 and at most 86400")
        }
        _ = try viewerConfiguration()
    }

    /// The configuration, built here at the edge from the flags, the token file and the environment.
    func viewerConfiguration() throws -> ViewerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ViewerConfiguration(conninfo: database.conninfo(environment: environment))
        configuration.schema = database.schema
        configuration.listen = ListenAddress(listen) ?? configuration.listen
        configuration.mediaDirectory = mediaDir
        configuration.timeZone = timeZone ?? TimeZone.current.identifier
        configuration.pageSize = pageSize
        configuration.conversationsPerPage = conversationsPerPage
        configuration.pool.size = connections
        configuration.pool.statementTimeoutMilliseconds = Int(statementTimeout * 1000)
        if let authTokenFile {
            guard let data = FileManager.default.contents(atPath: authTokenFile) else {
                throw ValidationError("cannot read --auth-token-file \(authTokenFile)")
            }
            configuration.authToken = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    func run() throws {
        let configuration = try viewerConfiguration()
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        let logger = makeLogger(level: level)
        let server = ViewerServer(configuration: configuration, logger: logger)
        try runBlocking {
            try await server.run { port in
                let shown = ListenAddress(host: configuration.listen.host, port: port)
                TerminalOutputLine.write("serve: the archive (schema \(configuration.schema)) is at http://\(shown)/ (Ctrl-C stops)")
            }
        }
    }
}

/// Runs async work from a synchronous command and waits for it (the commands' `main` is synchronous).
func runBlocking(_ work: @escaping @Sendable () async throws -> Void) throws {
    let outcome = OutcomeBox()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { try await work() } catch { outcome.set(error) }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}

private final class OutcomeBox: @unchecked Sendable {
    // Written by the task before it signals, read after the wait: the semaphore orders them.
    var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}

/// A line on standard error.
enum TerminalOutputLine {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
