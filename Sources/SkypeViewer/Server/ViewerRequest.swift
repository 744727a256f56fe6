/// A request as the viewer's routes read it, apart from the HTTP server that received it (so
/// the routes are tested without sockets).
package struct ViewerRequest: Sendable {
    package var method: String
    package var path: String
    /// The query's parameters, decoded; the first of a repeated name wins.
    package var query: [String: String]
    /// `Authorization`, `Cookie` and `X-Forwarded-Proto`, when sent.
    package var authorization: String?
    package var cookie: String?
    package var forwardedProto: String?
    /// `Host` (HTTP/1) or `:authority` (HTTP/2), when sent.
    package var host: String?
    /// The body of the login form (the only request with one), at most ``maximumBodyBytes``.
    package var body: [UInt8]

    /// Longest request target accepted (path and query), in bytes.
    package static let maximumTargetBytes = 4096
    package static let maximumBodyBytes = 4096

    package init(method: String = "GET", target: String, authorization: String? = nil, cookie: String? = nil,
                 forwardedProto: String? = nil, host: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.host = host
        self.authorization = authorization
        self.cookie = cookie
        self.forwardedProto = forwardedProto
        self.body = body
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = FormDecoding.percentDecoded(String(parts.first ?? ""), plusIsSpace: false)
        query = parts.count > 1 ? FormDecoding.fields(String(parts[1])) : [:]
    }

    /// A query parameter, nil when absent or empty.
    package func parameter(_ name: String) -> String? {
        guard let value = query[name], !value.isEmpty else { return nil }
        return value
    }
}

/// `application/x-www-form-urlencoded` decoding, for queries and the login form.
package enum FormDecoding {
    /// The fields of `name=value&...`: `+` is a space, `%XX` a byte; malformed escapes stay as
    /// written and bytes that are not UTF-8 become U+FFFD.
    package static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecoded(String(parts[1]), plusIsSpace: true) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    package static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
               let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
