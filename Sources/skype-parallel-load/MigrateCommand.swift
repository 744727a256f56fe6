import ArgumentParser
import Foundation
import SkypeLoad

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the schema, without loading anything.",
        discussion: """
            A load runs this itself first; use it to prepare a database ahead of time. It also \
            builds the indexes a stopped load left deferred.

            Example:
              skype-parallel-load migrate --database postgres://me@db/chats --schema skype
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let conninfo = database.conninfo(environment: ProcessInfo.processInfo.environment)
        do {
            let connection = try PostgresConnection(conninfo: conninfo)
            let applied = try Migrator(schema: database.schema).migrate(connection)
            print(applied.isEmpty ? "schema \(database.schema) is up to date"
                                  : "schema \(database.schema): applied migrations \(applied.map(String.init).joined(separator: ", "))")
            // Indexes a stopped load left deferred are built here too.
            let built = try IndexDeferral(schema: database.schema).rebuild(conninfo: conninfo, parallelism: 2)
            if !built.isEmpty { print("built \(built.count) deferred indexes") }
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, failure.description, hint: "Set DATABASE_URL, pass --database, or set the PG* variables")
        }
    }
}
