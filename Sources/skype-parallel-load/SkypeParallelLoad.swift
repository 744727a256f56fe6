import ArgumentParser

@main
struct SkypeParallelLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skype-parallel-load",
        abstract: "Load Skype chat-history exports into PostgreSQL: fast, exactly once, resumable.",
        discussion: """
            Point it at an export (.tar, .tar.zst, messages.json or messages.json.zst, or - for \
            standard input) and a database (DATABASE_URL, --database, or the PG* variables):

              export DATABASE_URL=postgres://me@localhost/chats
              skype-parallel-load --workers 8 8_live_me_export.tar.zst

            Running the same command again adds nothing and says so.
            """,
        subcommands: [LoadCommand.self, InspectCommand.self, VerifyCommand.self, ExportMediaCommand.self, MigrateCommand.self, WorkerCommand.self],
        defaultSubcommand: LoadCommand.self
    )
}
