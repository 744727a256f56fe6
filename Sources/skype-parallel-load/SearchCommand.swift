import ArgumentParser
import Foundation
import SkypePostgres
import SkypeViewer

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search of the loaded messages, in the terminal.",
        discussion: """
            QUERY is read as a web search: words (all must appear), "a phrase", -word (must \
            not appear), or. Every word of every language is indexed as written (no stemming). \
            Each hit shows its local time, conversation, sender and the words around the match.

            Examples:
              skype-parallel-load search 'address'
              skype-parallel-load search '"see you" -tomorrow' --since 2012-01-01 --until 2012-12-31
              skype-parallel-load search invoice --from live:ann --json | jq .conversation_title
            """
    )

    @Argument(help: "What to look for.")
    var query: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only this conversation (its id).", valueName: "id"))
    var conversation: String?

    @Option(help: ArgumentHelp("Only messages from this sender (id such as live:ann, or display name).", valueName: "id"))
    var from: String?

    @Option(help: ArgumentHelp("Only messages on or after this date (YYYY-MM-DD, local time).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only messages on or before this date (YYYY-MM-DD, local time).", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("Only this account's messages.", valueName: "id"))
    var account: String?

    @Option(help: ArgumentHelp("Most hits to show (1-500).", valueName: "n"))
    var limit: Int = 20

    @Option(help: ArgumentHelp("newest (first) or rank (best match among the newest 1,000 matches first).", valueName: "order"))
    var order: String = "newest"

    @Option(help: ArgumentHelp("Time zone of the times shown (IANA name). Default: this machine's.", valueName: "zone"))
    var timeZone: String?

    @Flag(help: "Write JSON Lines: one object per hit.")
    var json = false

    func validate() throws {
        try validateTimeZone(timeZone)
        guard SearchRequest.Order(rawValue: order) != nil else { throw ValidationError("--order is rank or newest, not \(order)") }
        do {
            _ = try request().validated()
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func request() -> SearchRequest {
        var request = SearchRequest(query: query)
        request.conversation = conversation
        request.sender = from
        request.since = since
        request.until = until
        request.account = account
        request.limit = limit
        request.order = SearchRequest.Order(rawValue: order) ?? .newest
        return request
    }

    func run() throws {
        let validated = try request().validated()
        let connection: PostgresConnection
        do {
            connection = try ReadOnlySession.open(conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment),
                                                  applicationName: "skype-parallel-load search", statementTimeoutMilliseconds: 60_000)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        let reader = ArchiveReader(connection: connection, schema: database.schema, timeZone: timeZone ?? TimeZone.current.identifier)
        let hits: [SearchHit]
        do {
            hits = try reader.search(validated)
        } catch let error as ViewerError {
            printError(error.description)
            throw ExitCode.failure
        }
        let bold = isatty(1) == 1
        for hit in hits {
            print(json ? SearchOutput.jsonLine(hit) : SearchOutput.text(hit, bold: bold), terminator: json ? "\n" : "")
        }
        if !json { TerminalOutputLine.write(hits.isEmpty ? "search: no message matches" : "search: \(hits.count) hits") }
    }
}
