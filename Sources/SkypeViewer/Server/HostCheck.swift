/// The defence against DNS rebinding: a page of another site whose name is made to resolve to
/// 127.0.0.1 reaches a loopback viewer from the reader's own browser, with that site's name in
/// `Host`. A viewer without a token (it listens on loopback: the configuration refuses any
/// other address without one) answers only requests addressed to a loopback name. With a
/// token, the token is the defence (the other site's origin never holds the cookie) and any
/// name is answered, as a reverse proxy needs.
package struct HostCheck: Sendable {
    let isEnabled: Bool

    package init(hasToken: Bool) {
        isEnabled = !hasToken
    }

    /// Whether a request with this `Host` (or HTTP/2 `:authority`) is answered. A request
    /// without one is: browsers always send it, and rebinding needs a browser.
    package func allows(_ authority: String?) -> Bool {
        guard isEnabled, let authority else { return true }
        return ListenAddress(host: Self.hostName(authority).lowercased(), port: 0).isLoopback
    }

    /// The name of `host[:port]` or `[v6]:port`.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.firstIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }
}
