package import SkypePostgres

/// Opens the viewer's database sessions: `serve`'s pool, `search` and `export-html` all read
/// through one of these. Read-only at the session level, so that no statement the viewer
/// sends can write; UTC, so that the times it formats mean one thing; no JIT, which would
/// spend longer compiling a page's query than running it.
package enum ReadOnlySession {
    /// A new connection set up for reading.
    /// - Parameter statementTimeoutMilliseconds: a statement running longer is cancelled by
    ///   the server; nil for no limit (`export-html` reads whole conversations).
    /// - Throws: ``ViewerError`` with code `unavailable`, saying why the server refused.
    package static func open(conninfo: String, applicationName: String,
                             statementTimeoutMilliseconds: Int? = nil) throws(ViewerError) -> PostgresConnection {
        do {
            let connection = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
            var settings = ["SET default_transaction_read_only = on", "SET jit = off", "SET TimeZone = 'UTC'"]
            if let statementTimeoutMilliseconds {
                settings.append("SET statement_timeout = \(max(1, statementTimeoutMilliseconds))")
            }
            try connection.execute(settings.joined(separator: "; "))
            return connection
        } catch {
            throw ViewerError(.unavailable, "the database is not reachable: \(error.message)",
                              hint: "Check --database (or DATABASE_URL) and that the server is running")
        }
    }
}
