import Foundation
import SkypeExport

/// The token check of a viewer started with `--auth-token-file`: a request bears the token as
/// `Authorization: Bearer TOKEN`, or the cookie the sign-in form set, which holds the token's
/// SHA-256 (so the browser never stores the token itself). Compared in constant time.
package struct AccessControl: Sendable {
    package static let cookieName = "spl_session"
    private let token: [UInt8]?
    private let cookieValue: String?

    package init(token: String?) {
        self.token = token.map { Array($0.utf8) }
        cookieValue = token.map { value in
            let hasher = SHA256()
            Array(value.utf8).withUnsafeBytes { hasher.update($0) }
            return SHA256.hex(hasher.finish())
        }
    }

    /// Whether a token is needed at all.
    package var isEnabled: Bool { token != nil }

    package func allows(_ request: ViewerRequest) -> Bool {
        guard let token else { return true }
        if let authorization = request.authorization, authorization.hasPrefix("Bearer ") {
            if Self.equal(Array(authorization.utf8.dropFirst(7)), token) { return true }
        }
        if let cookieValue, let sent = Self.cookie(Self.cookieName, in: request.cookie) {
            return Self.equal(Array(sent.utf8), Array(cookieValue.utf8))
        }
        return false
    }

    /// Whether `candidate` (from the sign-in form) is the token.
    package func accepts(_ candidate: String) -> Bool {
        guard let token else { return false }
        return Self.equal(Array(candidate.utf8), token)
    }

    /// The `Set-Cookie` value for a signed-in browser.
    package func sessionCookie(secure: Bool) -> String? {
        cookieValue.map { "\(Self.cookieName)=\($0); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "") }
    }

    private static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Equal bytes, in a time that depends on the lengths only.
    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
