import ArgumentParser
import Foundation
import SkypeExport

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe an export without loading it (no database needed).",
        discussion: """
            Shows the export's owner and date, conversations by kind, messages by type, the \
            date range, the largest conversations, the structure a load would extract, and \
            what a load would repair or reject.

            Examples:
              skype-parallel-load inspect 8_live_me_export.tar.zst
              skype-parallel-load inspect --json export.tar > summary.json
            """
    )

    @Argument(help: "The export: .tar, .tar.zst, messages.json, messages.json.zst, or - for standard input.")
    var export: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: ArgumentHelp("How many of the largest conversations to list.", valueName: "n"))
    var top = 10

    @OptionGroup var zstd: ZstdOptions

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        var inspector = Inspector(exportPath: export)
        inspector.largestCount = top
        inspector.zstdWindowLogMax = zstd.zstdWindowLog
        let report = try inspector.run()
        try show(report, text: report.text, asJSON: json)
    }
}
