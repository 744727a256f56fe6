import SkypePostgres
import SkypeSupport

/// Everything `serve` needs, built at the edge from flags and the environment.
package struct ViewerConfiguration: Sendable {
    /// libpq connection string or URL; empty lets libpq use the PG* variables.
    package var conninfo: String
    /// The schema the archive was loaded into. Default `skype`.
    package var schema: String = "skype"
    /// Default 127.0.0.1:8080. Any other than loopback needs ``authToken``.
    package var listen = ListenAddress(host: "127.0.0.1", port: 8080)
    /// The token of `--auth-token-file`: a request must bear it (or the cookie the sign-in form sets).
    package var authToken: String?
    /// The folder a `--media-dir` load wrote the media files to.
    package var mediaDirectory: String?
    /// The IANA time zone local times are shown in. The edge passes the machine's; default UTC.
    package var timeZone: String = "UTC"
    /// Messages per conversation page. Default 100 (at most 1,000).
    package var pageSize: Int = 100
    /// Conversations per page of the list. Default 200 (at most 1,000); the filter finds the rest.
    package var conversationsPerPage: Int = 200
    /// The connection pool: its size, queue and statement timeout.
    package var pool: ConnectionPool.Settings

    package init(conninfo: String) {
        self.conninfo = conninfo
        pool = ConnectionPool.Settings(conninfo: conninfo)
    }

    /// The shortest token accepted: a guessable one would make the check pointless.
    package static let minimumTokenBytes = 16

    /// Checks what can be checked before binding: a usage error (exit 64) when it fails.
    package func validate() throws(ViewerError) {
        do {
            try SchemaName.validate(schema)
        } catch {
            throw ViewerError(.badRequest, error.message, hint: error.hint)
        }
        if !listen.isLoopback && authToken == nil {
            throw ViewerError(.badRequest, "--listen \(listen) is reachable from other machines, and the archive is private",
                              hint: "Pass --auth-token-file FILE (a file holding a long random token), or listen on 127.0.0.1")
        }
        if let authToken, authToken.utf8.count < Self.minimumTokenBytes {
            throw ViewerError(.badRequest, "the auth token is shorter than \(Self.minimumTokenBytes) bytes",
                              hint: "Write a long random token to the file, such as the output of: openssl rand -hex 32")
        }
        guard (1...1000).contains(pageSize) else { throw ViewerError(.badRequest, "--page-size must be 1 to 1000") }
        guard (1...1000).contains(conversationsPerPage) else {
            throw ViewerError(.badRequest, "--conversations-per-page must be 1 to 1000")
        }
        guard (1...64).contains(pool.size) else { throw ViewerError(.badRequest, "--connections must be 1 to 64") }
    }
}
