import ArgumentParser
import Foundation
import SkypeViewer

struct ExportHTMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-html",
        abstract: "Write the archive as static HTML pages that open from a folder, with no server.",
        discussion: """
            Writes OUT/index.html (the conversations), each conversation's messages in pages of \
            --messages-per-page under OUT/conversations/, and the photos, videos and files under \
            OUT/media/, rendered as serve shows them. Files are private to you (0600, folders \
            0700) unless --mode says otherwise. Stopped, it goes on where it was when run again: \
            conversations already written are skipped.

            Examples:
              skype-parallel-load export-html --out ~/skype-archive
              skype-parallel-load export-html --out mum --conversation 8:live:mum --mode 0644
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The folder to write the archive into (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Only this conversation (its id); repeat for several.", valueName: "id"))
    var conversation: [String] = []

    @Option(help: ArgumentHelp("Only this account's conversations.", valueName: "id"))
    var account: String?

    @Option(help: ArgumentHelp("Messages per page file.", valueName: "n"))
    var messagesPerPage: Int = 1000

    @Option(help: ArgumentHelp("Mode of the files written, in octal (folders get search bits where files are readable).", valueName: "mode"))
    var mode: String = "0600"

    @Option(help: ArgumentHelp("The folder a load with --media-dir wrote the media files to.", valueName: "dir"))
    var mediaDir: String?

    @Option(help: ArgumentHelp("Time zone of the times shown (IANA name). Default: this machine's.", valueName: "zone"))
    var timeZone: String?

    @Flag(help: "No progress display.")
    var quiet = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        try validateTimeZone(timeZone)
        guard let value = UInt32(mode, radix: 8), value <= 0o777, value & 0o600 == 0o600 else {
            throw ValidationError("--mode takes an octal file mode that you can read and write, such as 0600 or 0644, not \(mode)")
        }
        guard (1...100_000).contains(messagesPerPage) else { throw ValidationError("--messages-per-page must be 1 to 100000") }
    }

    func run() throws {
        var settings = HTMLArchiveExporter.Settings(conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment),
                                                    outputDirectory: out)
        settings.schema = database.schema
        settings.conversations = conversation
        settings.account = account
        settings.messagesPerPage = messagesPerPage
        settings.fileMode = UInt32(mode, radix: 8) ?? 0o600
        settings.mediaDirectory = mediaDir
        settings.timeZone = timeZone ?? TimeZone.current.identifier
        let terminal = isatty(2) == 1 && !quiet
        var lastLine = Date.distantPast
        let summary = try HTMLArchiveExporter(settings: settings).run { progress in
            guard !quiet, terminal || Date().timeIntervalSince(lastLine) >= 10 || progress.conversationsDone == progress.conversations else { return }
            lastLine = Date()
            let line = "export-html: \(progress.conversationsDone)/\(progress.conversations) conversations, "
                + "\(progress.messages)/\(progress.totalMessages) messages"
            FileHandle.standardError.write(Data((terminal ? "\r" + line : line + "\n").utf8))
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let text = String(format: "export-html: wrote %d conversations (%d pages, %d messages, %d media files, %.1f MB) to %@%@\n",
                          summary.conversations, summary.pages, summary.messages, summary.mediaFiles,
                          Double(summary.mediaBytes) / 1_000_000, out,
                          summary.conversationsAlreadyExported > 0 ? "; \(summary.conversationsAlreadyExported) already there" : "")
        try show(summary, text: text, asJSON: json)
    }
}
