package import SkypePostgres

/// Why a page, a search or an export could not be made: each kind has its HTTP status and
/// its words for the person who asked.
package struct ViewerError: Error, CustomStringConvertible, Sendable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case badRequest, unauthorized, notFound, methodNotAllowed, tooLarge, misdirected, unavailable, timeout, busy, failed
        }
        fileprivate let base: Base

        /// A parameter is malformed or out of bounds.
        package static let badRequest = Code(base: .badRequest)
        /// No valid token or cookie.
        package static let unauthorized = Code(base: .unauthorized)
        /// No such conversation, message or media file.
        package static let notFound = Code(base: .notFound)
        /// Anything but GET and HEAD (and the login form's POST).
        package static let methodNotAllowed = Code(base: .methodNotAllowed)
        /// A request line or body over its limit.
        package static let tooLarge = Code(base: .tooLarge)
        /// A request for another host name than the viewer's (a DNS rebinding attempt).
        package static let misdirected = Code(base: .misdirected)
        /// The database cannot be reached (down, restarting, refusing connections).
        package static let unavailable = Code(base: .unavailable)
        /// A statement ran past the viewer's statement timeout and was cancelled.
        package static let timeout = Code(base: .timeout)
        /// Every connection is taken and the queue of waiting requests is full.
        package static let busy = Code(base: .busy)
        /// The database refused a statement for another reason (a missing table, a bug).
        package static let failed = Code(base: .failed)

        package var description: String { base.rawValue }

        /// The HTTP status of a response with this error.
        package var status: Int {
            switch base {
            case .badRequest: 400
            case .unauthorized: 401
            case .notFound: 404
            case .methodNotAllowed: 405
            case .tooLarge: 413
            case .misdirected: 421
            case .unavailable, .busy: 503
            case .timeout: 504
            case .failed: 500
            }
        }
    }

    package var code: Code
    /// What happened, in words for the reader of the page or the terminal.
    package var message: String
    /// What they can do about it.
    package var hint: String?

    package init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// A database failure classified by its SQLSTATE: connection failures are `unavailable`,
    /// a cancelled statement is `timeout`, invalid input (a malformed date) is `badRequest`.
    package init(failure: PostgresConnection.Failure) {
        let state = failure.sqlState ?? ""
        if state == "57014" {
            self.init(.timeout, "the query took longer than the viewer allows and was cancelled",
                      hint: "Narrow the search (a conversation, a sender, a date range) or raise --statement-timeout")
        } else if state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03" || state.isEmpty {
            self.init(.unavailable, "the database is not reachable: \(failure.message)",
                      hint: "The viewer reconnects by itself; try again in a moment")
        } else if state.hasPrefix("22") {
            self.init(.badRequest, "a parameter is not valid: \(failure.message)")
        } else if state == "42P01" || state == "3F000" {
            self.init(.failed, "the archive's tables are missing: \(failure.message)",
                      hint: "Load an export into this schema first, or pass the --schema it was loaded into")
        } else {
            self.init(.failed, "the database refused a query: \(failure.description)")
        }
    }

    package var description: String {
        hint.map { "\(message). \($0)" } ?? message
    }
}
