import ArgumentParser
import Foundation
import SkypeLoad

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the schema, without loading anything.",
        discussion: """
            Example:
              skype-parallel-load migrate --database postgres://me@db/chats --schema skype
            A load runs this itself first; use it to prepare a database ahead of time.
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do {
            let connection = try PostgresConnection(conninfo: database.conninfo(environment: ProcessInfo.processInfo.environment))
            let applied = try Migrator(schema: database.schema).migrate(connection)
            print(applied.isEmpty ? "schema \(database.schema) is up to date"
                                  : "schema \(database.schema): applied migrations \(applied.map(String.init).joined(separator: ", "))")
            // Indexes a stopped load left deferred are built here too.
            let conninfo = database.conninfo(environment: ProcessInfo.processInfo.environment)
            let built = try IndexDeferral(schema: database.schema).rebuild(conninfo: conninfo, parallelism: 2)
            if !built.isEmpty { print("built \(built.count) deferred indexes") }
        } catch let failure as PostgresConnection.Failure {
            printError(failure.description + ". Set DATABASE_URL, pass --database, or set the PG* variables")
            throw ExitCode(1)
        } catch let error as LoadError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
