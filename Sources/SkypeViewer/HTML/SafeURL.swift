/// A URL that may go into `href` or `src`: a link of the viewer's own (a path with its query
/// percent-encoded) or a link from the archive whose scheme is `http`, `https` or `mailto`.
/// A `javascript:`, `data:` or `vbscript:` link cannot be made into one.
package struct SafeURL: Sendable, Equatable {
    package let string: String

    private init(string: String) { self.string = string }

    /// A path of the viewer's (or a relative file of an exported archive) with query items,
    /// every byte outside the unreserved set percent-encoded. `path` is written in our code:
    /// it must start with `/`, `./` or `../`, or be a plain relative name.
    package static func local(_ path: String, _ query: [(String, String)] = [], fragment: String? = nil) -> SafeURL {
        var string = encode(path, keeping: pathBytes)
        if !query.isEmpty {
            string += "?" + query.map { encode($0.0, keeping: unreserved) + "=" + encode($0.1, keeping: unreserved) }
                .joined(separator: "&")
        }
        if let fragment { string += "#" + encode(fragment, keeping: unreserved) }
        // A relative name with a colon before any slash would read as a scheme: make it ./name.
        if let colon = string.firstIndex(of: ":"), !string[..<colon].contains("/") { string = "./" + string }
        return SafeURL(string: string)
    }

    /// A link from the archive, if its scheme is one a viewer may follow; nil otherwise.
    /// Control characters and whitespace around it are removed first, as browsers do before
    /// they read a scheme (`java\tscript:` is `javascript:` to a browser).
    package static func external(_ text: String) -> SafeURL? {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }))
        guard cleaned.utf8.count <= 4096, let colon = cleaned.firstIndex(of: ":") else { return nil }
        let scheme = cleaned[..<colon].lowercased()
        guard ["http", "https", "mailto"].contains(scheme) else { return nil }
        // Bytes a URL never holds raw are encoded; the rest is kept as the sender wrote it.
        var output = ""
        for byte in cleaned.utf8 {
            if byte >= 0x80 || byte == 0x22 || byte == 0x27 || byte == 0x3C || byte == 0x3E || byte == 0x5C || byte == 0x60 {
                output += percent(byte)
            } else {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return SafeURL(string: output)
    }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let pathBytes: Set<UInt8> = unreserved.union("/".utf8)

    /// Percent-encodes every byte of `text` not in `keeping`.
    package static func encode(_ text: String, keeping: Set<UInt8>) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keeping.contains(byte) { output.unicodeScalars.append(Unicode.Scalar(byte)) } else { output += percent(byte) }
        }
        return output
    }

    private static func percent(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var text = "%"
        text.unicodeScalars.append(digits[Int(byte >> 4)])
        text.unicodeScalars.append(digits[Int(byte & 0x0F)])
        return text
    }
}
