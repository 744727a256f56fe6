/// The viewer's routes: a request in, a response out, with no HTTP server in between (the
/// server adapter, ``ViewerServer``, only translates). Read-only: GET and HEAD, and the
/// sign-in form's POST, which writes nothing.
package struct ViewerApplication: Sendable {
    package let configuration: ViewerConfiguration
    package let pool: ConnectionPool
    let access: AccessControl
    let hostCheck: HostCheck
    let layout = PageLayout(links: ServerLinks(), isServed: true)

    package init(configuration: ViewerConfiguration, pool: ConnectionPool) {
        self.configuration = configuration
        self.pool = pool
        access = AccessControl(token: configuration.authToken)
        hostCheck = HostCheck(hasToken: configuration.authToken != nil)
    }

    /// Answers one request; every failure becomes an error page with its status.
    package func respond(to request: ViewerRequest) async -> ViewerResponse {
        var response: ViewerResponse
        do {
            response = try await route(request)
        } catch let error as ViewerError {
            response = .page(ErrorPage(error: error).render(in: layout), status: error.code.status)
            if error.code == .methodNotAllowed { response.headers.append(("Allow", "GET, HEAD")) }
        } catch {
            let failure = ViewerError(.failed, "the page could not be made: \(error)")
            response = .page(ErrorPage(error: failure).render(in: layout), status: 500)
        }
        response.headers += ViewerResponse.securityHeaders
        return response
    }

    private func route(_ request: ViewerRequest) async throws -> ViewerResponse {
        guard hostCheck.allows(request.host) else {
            throw ViewerError(.misdirected, "this viewer answers to 127.0.0.1 and localhost only, not \(request.host?.prefix(100) ?? "")",
                              hint: "Open http://127.0.0.1 on the viewer's port, or start it with --auth-token-file to reach it by another name")
        }
        if request.path == "/login" { return try login(request) }
        guard request.method == "GET" || request.method == "HEAD" else {
            throw ViewerError(.methodNotAllowed, "the archive is read-only: \(request.method.prefix(16)) is not accepted")
        }
        if request.path == "/static/viewer.css" {
            return ViewerResponse(headers: [("Content-Type", "text/css; charset=utf-8")], body: .bytes(Array(Stylesheet.css.utf8)))
        }
        if request.path == "/favicon.ico" {
            // Browsers ask for it on every page; "no content" keeps a 404 out of their consoles.
            return ViewerResponse(status: 204, body: .bytes([]))
        }
        guard access.allows(request) else {
            var response = ViewerResponse.page(LoginPage(failed: false).render(in: layout), status: 401)
            response.headers.append(("WWW-Authenticate", "Bearer"))
            return response
        }
        switch request.path {
        case "/": return try await conversationList(request)
        case "/conversation": return try await conversation(request)
        case "/message": return try await permalink(request)
        case "/search": return try await search(request)
        case "/loads": return try await loads()
        case "/media": return try await media(request)
        case "/health": return try await health()
        default: throw ViewerError(.notFound, "there is no page \(request.path.prefix(200))")
        }
    }

    /// Runs `body` with an archive reader on a pooled connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (ArchiveReader) throws -> T) async throws -> T {
        let schema = configuration.schema
        let timeZone = configuration.timeZone
        return try await pool.withConnection { connection in
            try body(ArchiveReader(connection: connection, schema: schema, timeZone: timeZone))
        }
    }

    private func login(_ request: ViewerRequest) throws -> ViewerResponse {
        guard access.isEnabled else { return .redirect(.local("/")) }
        switch request.method {
        case "GET", "HEAD":
            return .page(LoginPage(failed: false).render(in: layout))
        case "POST":
            guard request.body.count <= ViewerRequest.maximumBodyBytes else { throw ViewerError(.tooLarge, "the form is too large") }
            let token = FormDecoding.fields(String(decoding: request.body, as: UTF8.self))["token"] ?? ""
            guard access.accepts(token), let cookie = access.sessionCookie(secure: request.forwardedProto == "https") else {
                return .page(LoginPage(failed: true).render(in: layout), status: 401)
            }
            return .redirect(.local("/"), headers: [("Set-Cookie", cookie)])
        default:
            throw ViewerError(.methodNotAllowed, "the archive is read-only: \(request.method.prefix(16)) is not accepted")
        }
    }

    private func health() async throws -> ViewerResponse {
        _ = try await read { reader in try reader.accounts() }
        return ViewerResponse(headers: [("Content-Type", "text/plain; charset=utf-8")], body: .bytes(Array("ok\n".utf8)))
    }

    private func loads() async throws -> ViewerResponse {
        let loads = try await read { reader in try reader.loads(limit: 1000) }
        return .page(LoadsPage(loads: loads).render(in: layout))
    }
}
