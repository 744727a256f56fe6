import ArgumentParser
import Foundation
import SkypePostgres
import SkypeSupport

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the schema, without loading anything.",
        discussion: """
            A load runs this itself first; use it to prepare a database ahead of time. It also \
            builds the indexes a stopped load left deferred.

            On a Citus database (the citus extension installed) a new schema is created \
            distributed (Docs/scaling.md); a schema made before for one server is left as it \
            is until `--distribute` converts it.

            Examples:
              skype-parallel-load migrate --database postgres://me@db/chats --schema skype
              skype-parallel-load migrate --distribute --database postgres://me@coordinator/chats
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "On a Citus database: distribute a schema made for one server (copies its rows to the worker nodes).")
    var distribute = false

    func run() throws {
        let conninfo = database.conninfo(environment: ProcessInfo.processInfo.environment)
        do {
            let connection = try PostgresConnection(conninfo: conninfo)
            let outcome = try Migrator(schema: database.schema, distribute: distribute).run(connection)
            let applied = outcome.applied
            print(applied.isEmpty ? "schema \(database.schema) is up to date"
                                  : "schema \(database.schema): applied migrations \(applied.map(String.init).joined(separator: ", "))")
            for line in outcome.placed { print("citus: \(line)") }
            if let notice = outcome.notice { print(notice) }
            if distribute, outcome.placed.isEmpty, outcome.notice == nil {
                print(try CitusLayout.isInstalled(connection) ? "schema \(database.schema) is distributed already"
                                                               : "not a Citus database (no citus extension): nothing to distribute")
            }
            // Indexes a stopped load left deferred are built here too.
            let built = try IndexDeferral(schema: database.schema).rebuild(conninfo: conninfo, parallelism: 2)
            if !built.isEmpty { print("built \(built.count) deferred indexes") }
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, failure.description, hint: PostgresConnection.connectionHint)
        }
    }
}
