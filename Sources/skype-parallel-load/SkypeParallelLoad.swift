import ArgumentParser
import SkypeSupport

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

            Running the same command again adds nothing and says so. The options of a load: \
            skype-parallel-load help load.

            Examples:
              skype-parallel-load export.tar.zst
              skype-parallel-load inspect export.tar.zst
              skype-parallel-load verify export.tar.zst
              skype-parallel-load serve                  # read it in a browser at http://127.0.0.1:8080
              skype-parallel-load search 'that address'
              skype-parallel-load export-html --out archive-html
            """,
        version: ToolVersion.current,
        subcommands: [LoadCommand.self, InspectCommand.self, VerifyCommand.self, ServeCommand.self, SearchCommand.self,
                      ExportHTMLCommand.self, ExportMediaCommand.self, MigrateCommand.self, WorkerCommand.self],
        defaultSubcommand: LoadCommand.self
    )

    /// The one place errors are printed: each as one line on standard error, usage errors
    /// (found before anything runs) with exit 64, failures with exit 1. Help, `--version` and
    /// the completion scripts go through ArgumentParser unchanged.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            if CommandLine.arguments.count == 1 {
                // The bare command: a newcomer is better served by the help than by one line.
                exit(withError: error)
            }
            printError("\(message(for: error)). See 'skype-parallel-load help \(subcommandNamed())'")
            Self.exit(withError: ExitCode.validationFailure)
        }
        do {
            try command.run()
        } catch let code as ExitCode {
            Self.exit(withError: code)
        } catch let error as LoadError {
            printError(error.description)
            Self.exit(withError: ExitCode.failure)
        } catch {
            // `help SUBCOMMAND` runs a command that "fails" with the help text.
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(message(for: error))
            Self.exit(withError: ExitCode.failure)
        }
    }

    /// The subcommand the command line names, for the help hint: `load` when none is named.
    private static func subcommandNamed() -> String {
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        return CommandLine.arguments.dropFirst().first { names.contains($0) } ?? "load"
    }
}
