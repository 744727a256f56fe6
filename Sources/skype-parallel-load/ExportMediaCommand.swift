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
            points at go to OUT/unlinked/; thumbnails are marked "(thumbnail)".

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

    @Option(help: ArgumentHelp("The folder a load with --media-dir wrote the files to.", valueName: "dir"))
    var mediaDir: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var exporter = MediaExporter(conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment),
                                     schema: database.schema, outputDirectory: out)
        exporter.conversation = conversation
        exporter.mediaDirectory = mediaDir
        let summary = try exporter.run()
        let text = String(format: "export-media: wrote %d files (%.1f MB) to %@\n",
                          summary.files, Double(summary.bytes) / 1_000_000, out)
        try show(summary, text: text, asJSON: json)
    }
}
