import CLibPQ
import Foundation

/// A libpq connection string or URL as the user gave it: the options the loader adds to it
/// (timeouts that notice a dead peer), and what of it may never be printed.
///
/// Every libpq message about a connection goes through ``redact(_:)`` before anyone sees it:
/// libpq quotes parts of a string it cannot parse (`invalid percent-encoded token: "50%off"`
/// is the password of `postgres://u:50%off@host/db`), so such messages lose their quoted
/// tokens, and every spelling of a password the string holds is masked in any other.
package struct ConnectionString: Sendable {
    /// The text as given (a URL, `key=value` pairs, a bare database name, or empty).
    package let text: String
    /// Texts that must not appear in any output, longest first.
    let secrets: [String]
    /// libpq's complaint when the text does not parse, already stripped of its quoted tokens.
    let parseError: String?
    /// Keys the text sets explicitly.
    let explicitKeys: Set<String>

    /// Options added to every connection unless the string, a `PG*` variable or a service
    /// file sets them: a peer that vanishes without closing the connection (a dropped VPN, a
    /// failed-over server, a cut cable) is noticed within about 45 s instead of the operating
    /// system's 15 minutes or more, and a connection attempt gives up after 10 s.
    ///
    /// Keepalive probes start after 15 s of silence while the loader waits for a result;
    /// `tcp_user_timeout` closes the connection once 45 s pass without an acknowledgement of
    /// data or probes (measured: 45.4 s from the first dropped packet to the error).
    package static let defaultOptions: [(key: String, value: String)] = [
        ("connect_timeout", "10"),
        ("keepalives", "1"),
        ("keepalives_idle", "15"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "45000"),
    ]

    package init(_ text: String) {
        self.text = text
        var secrets: Set<String> = []
        var explicit: Set<String> = []
        var parseError: String?
        if Self.isExpanded(text) {
            var message: UnsafeMutablePointer<CChar>?
            if let options = PQconninfoParse(text, &message) {
                Self.forEach(options) { key, value in
                    explicit.insert(key)
                    if Self.secretKeys.contains(key) { secrets.insert(value) }
                }
                PQconninfoFree(options)
            } else {
                let raw = message.map { String(cString: $0) } ?? "the connection string cannot be parsed"
                parseError = Self.withoutQuotedTokens(raw)
            }
            if let message { PQfreemem(message) }
            // The password as written in a URL (percent-encoded) and as decoded.
            if let password = Self.urlPassword(text) {
                secrets.insert(password)
                if let decoded = password.removingPercentEncoding { secrets.insert(decoded) }
            }
            if secrets.contains(where: { !$0.isEmpty }) { secrets.insert(text) }
        }
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.parseError = parseError
        self.explicitKeys = explicit
    }

    /// The message with every secret of this string masked. Messages about a string libpq
    /// could not parse are replaced by that parse error, whose quoted tokens are gone.
    package func redact(_ message: String) -> String {
        var text = message
        if let parseError {
            let isURL = self.text.hasPrefix("postgres://") || self.text.hasPrefix("postgresql://")
            text = "the connection string is not valid: " + parseError
                + (isURL ? " (in a URL, write % in a password as %25, @ as %40, : as %3A and / as %2F)" : "")
        }
        for secret in secrets {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// The keyword/value pairs for `PQconnectdbParams`, in order: the loader's defaults (those
    /// not set by a `PG*` variable or a service), the string itself (expanded, so that it
    /// overrides them), then `extra`, which override the string.
    func connectParameters(extra: [(key: String, value: String)],
                           environment: [String: String]) -> [(key: String, value: String)] {
        var parameters: [(key: String, value: String)] = []
        let usesService = explicitKeys.contains("service") || environment["PGSERVICE"] != nil
        if !usesService {
            for option in Self.defaultOptions where !explicitKeys.contains(option.key) {
                if let variable = Self.environmentVariables[option.key], environment[variable] != nil { continue }
                parameters.append(option)
            }
        }
        parameters.append(("dbname", text))
        return parameters + extra
    }

    /// Environment variables that may hold credentials: workers start without them (they get
    /// the connection string over their pipe, with ``addingPassword(_:)``), so that no
    /// `/proc/<pid>/environ` of theirs holds a password.
    package static let credentialVariables: Set<String> = ["DATABASE_URL", "PGPASSWORD"]

    /// The string with `password` added when it names none itself: what a worker needs to
    /// connect as its coordinator did when the password came from `PGPASSWORD`, which workers
    /// do not inherit. libpq's own precedence is kept (a password in the string wins).
    package func addingPassword(_ password: String?) -> String {
        guard let password, !password.isEmpty, !explicitKeys.contains("password"), parseError == nil else { return text }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            let encoded = password.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? password
            return text + (text.contains("?") ? "&" : "?") + "password=" + encoded
        }
        let pair = "password=" + Self.quoted(password)
        if text.isEmpty { return pair }
        if !Self.isExpanded(text) { return "dbname=" + Self.quoted(text) + " " + pair }
        return text + " " + pair
    }

    /// A value in single quotes, as libpq's `key=value` syntax reads it.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The `PG*` variables libpq reads for the default options (those that have one).
    static let environmentVariables: [String: String] = ["connect_timeout": "PGCONNECT_TIMEOUT"]

    /// Keys whose values are secrets.
    static let secretKeys: Set<String> = ["password", "sslpassword"]

    /// Whether libpq expands `text` as a connection string rather than taking it as a database name.
    static func isExpanded(_ text: String) -> Bool {
        text.contains("=") || text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The raw password of a `postgres://user:password@host` URL, if it has one. As libpq
    /// reads it: the user part ends at the first `@`, unless a `/` comes before it.
    static func urlPassword(_ text: String) -> String? {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        guard let end = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[end] == "@" else { return nil }
        let userInfo = rest[rest.startIndex..<end]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return String(userInfo[userInfo.index(after: colon)...])
    }

    /// `invalid percent-encoded token: "50%off"` becomes `invalid percent-encoded token: "…"`.
    static func withoutQuotedTokens(_ message: String) -> String {
        var result = ""
        var token = ""
        var inQuote = false
        for character in message {
            if character == "\"" {
                if inQuote {
                    // One character is libpq's own punctuation (`missing "=" after ...`), not a token.
                    result.append(Self.punctuation.contains(token) ? token + "\"" : "…\"")
                    token = ""
                } else {
                    result.append("\"")
                }
                inQuote.toggle()
            } else if inQuote {
                token.append(character)
            } else {
                result.append(character)
            }
        }
        if inQuote { result.append("…\"") }
        return result.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    private static let punctuation: Set<String> = ["=", ":", "/", "[", "]", "@", "?", "&"]

    static func forEach(_ options: UnsafeMutablePointer<PQconninfoOption>, _ body: (String, String) -> Void) {
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { body(String(cString: keyword), String(cString: value)) }
            option += 1
        }
    }
}
