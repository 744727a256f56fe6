package import SkypeSupport

extension PostgresConnection {
    /// A command's first connection: not retried, so that a wrong URL or password fails at
    /// once, with what the user can do about it.
    package static func open(conninfo: String, applicationName: String = "skype-parallel-load") throws(LoadError) -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
        } catch {
            throw LoadError(.database, error.message, hint: connectionHint)
        }
    }

    /// Where the connection string comes from, for messages about a connection that failed.
    package static let connectionHint = "Set DATABASE_URL, pass --database, or set the PG* variables"
}
