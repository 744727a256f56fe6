import ArgumentParser
import Foundation
import SkypePostgres

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the database holds exactly the messages of an export.",
        discussion: """
            Compares, per conversation, the distinct messages of the export with the rows in \
            the database (counts and a checksum of message identities), and the SHA-256 of \
            every media file of the export with that of the bytes stored for it. Messages the \
            loader rejects are not expected. Conversations that only the database has (from another \
            export) are mentioned but do not count as differences.

            Examples:
              skype-parallel-load verify export.tar.zst
              skype-parallel-load verify --schema archive --database postgres://me@db/chats export.tar

            Exit codes: 0 match, 1 differences or error.
            """
    )

    @Argument(help: "The export, as given to load.")
    var export: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The folder a load with --media-dir wrote the media files to.", valueName: "dir"))
    var mediaDir: String?

    @Flag(help: "Do not compare media files (for exports loaded with --no-media).")
    var noMedia = false

    @OptionGroup var zstd: ZstdOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var verifier = Verifier(exportPath: export,
                                conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment),
                                schema: database.schema)
        verifier.mediaDirectory = mediaDir
        verifier.checksMedia = !noMedia
        verifier.zstdWindowLogMax = zstd.zstdWindowLog
        let report = try verifier.run()
        try show(report, text: report.text, asJSON: json)
        if !report.matches { throw ExitCode(1) }
    }
}
