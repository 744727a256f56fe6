import ArgumentParser
import Foundation
import SkypePostgres

struct ExportMediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-media",
        abstract: "Write the stored media files back to a folder, under readable names.",
        discussion: """
            Each media file of the loaded exports is written once, byte for byte (its SHA-256 \
            checked as it is written), as OUT/<conversation>/<date time> <original name>: the \
            conversation and time of the first message that points at it. Files no message \
            points at go to OUT/unlinked/; thumbnails are marked "(thumbnail)". When the \
            files belong to several accounts, each account gets a folder above \
            (OUT/<account>/<conversation>/...), unless --account picks one. Files are \
            private (0600, folders 0700) unless --mode says otherwise; a file appears only once \
            whole and checked, and a symlink in OUT is never written through.

            Examples:
              skype-parallel-load export-media --out ~/skype-media
              skype-parallel-load export-media --out photos --conversation 8:live:friend
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The folder to write the files into (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Only the files of this conversation (its id, such as 8:live:friend or 19:...@thread.skype).", valueName: "id"))
    var conversation: String?

    @Option(help: ArgumentHelp("Only the files of this account (the export's userId, such as 8:live:.cid.0123). "
                               + "Without it, the files of several accounts go into a folder per account.", valueName: "id"))
    var account: String?

    @Option(help: ArgumentHelp("The folder a load with --media-dir wrote the files to.", valueName: "dir"))
    var mediaDir: String?

    @Option(help: ArgumentHelp("Mode of the files written, in octal (folders get search bits where files are readable).", valueName: "mode"))
    var mode: String = "0600"

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard let value = UInt32(mode, radix: 8), value <= 0o777, value & 0o600 == 0o600 else {
            throw ValidationError("--mode takes an octal file mode that you can read and write, such as 0600 or 0644, not \(mode)")
        }
    }

    func run() throws {
        var exporter = MediaExporter(conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment),
                                     schema: database.schema, outputDirectory: out)
        exporter.conversation = conversation
        exporter.account = account
        exporter.mediaDirectory = mediaDir
        exporter.fileMode = UInt32(mode, radix: 8) ?? 0o600

        let summary = try exporter.run()
        let text = String(format: "export-media: wrote %d files (%.1f MB) to %@\n",
                          summary.files, Double(summary.bytes) / 1_000_000, out)
        try show(summary, text: text, asJSON: json)
    }
}
