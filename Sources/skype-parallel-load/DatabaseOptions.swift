import ArgumentParser
import SkypePostgres
import SkypeSupport

/// Where the database is and which schema to use, shared by the commands that need one.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL connection URL or libpq string. Default: $DATABASE_URL, else the PG* variables.",
        valueName: "url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL schema for the tables.", valueName: "name"))
    var schema: String = "skype"

    /// Every command that takes `--schema` refuses a name PostgreSQL would cut short, before
    /// it connects (exit 64).
    func validate() throws {
        do {
            try SchemaName.validate(schema)
        } catch {
            throw ValidationError(error.message + (error.hint.map { ". " + $0 } ?? ""))
        }
    }

    /// The connection string; the environment is read here, at the edge, never in the library.
    func conninfo(environment: [String: String]) -> String {
        database ?? environment["DATABASE_URL"] ?? ""
    }
}
