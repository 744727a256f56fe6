/// A response of the viewer's routes: status, headers and a body, which the HTTP server sends.
package struct ViewerResponse: Sendable {
    package enum Body: Sendable {
        case html(HTML)
        case bytes([UInt8])
        /// Bytes read piece by piece (media files: one chunk in memory at a time): `pieces`
        /// pieces, the `n`th given by `piece(n)`.
        case stream(length: Int64, pieces: Int, piece: @Sendable (Int) async throws -> [UInt8])
    }

    package var status: Int
    package var headers: [(String, String)]
    package var body: Body

    package init(status: Int = 200, headers: [(String, String)] = [], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package static func page(_ html: HTML, status: Int = 200) -> ViewerResponse {
        ViewerResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: .html(html))
    }

    package static func redirect(_ url: SafeURL, headers: [(String, String)] = []) -> ViewerResponse {
        ViewerResponse(status: 303, headers: [("Location", url.string)] + headers, body: .bytes([]))
    }

    /// The value of a header, by case-insensitive name.
    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// What every response carries: no script, no framing, no sniffing, no referrer, no
    /// caching of private pages. Media may show only from this origin (`img-src 'self'`).
    package static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy",
         "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cache-Control", "private, no-store"),
    ]

    /// The whole body, for tests and small responses (a stream is read to its end).
    package func collectedBody() async throws -> [UInt8] {
        switch body {
        case .html(let html): return html.utf8
        case .bytes(let bytes): return bytes
        case .stream(_, let pieces, let piece):
            var bytes: [UInt8] = []
            for index in 0..<pieces { bytes += try await piece(index) }
            return bytes
        }
    }
}
