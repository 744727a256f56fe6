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
        // Built as bytes: a page holds hundreds of these links, and appending scalars to a
        // String one by one was most of the time it took to render one.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count + query.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count * 3 + 2 } + 32)
        encode(path, keeping: pathBytes, into: &bytes)
        for (index, item) in query.enumerated() {
            bytes.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            encode(item.0, keeping: unreserved, into: &bytes)
            bytes.append(UInt8(ascii: "="))
            encode(item.1, keeping: unreserved, into: &bytes)
        }
        if let fragment {
            bytes.append(UInt8(ascii: "#"))
            encode(fragment, keeping: unreserved, into: &bytes)
        }
        // A relative name with a colon before any slash would read as a scheme: make it ./name.
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), !bytes[..<colon].contains(UInt8(ascii: "/")) {
            bytes.insert(contentsOf: "./".utf8, at: 0)
        }
        return SafeURL(string: String(decoding: bytes, as: UTF8.self))
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
        var output: [UInt8] = []
        output.reserveCapacity(cleaned.utf8.count)
        for byte in cleaned.utf8 {
            if byte >= 0x80 || byte == 0x22 || byte == 0x27 || byte == 0x3C || byte == 0x3E || byte == 0x5C || byte == 0x60 {
                appendPercent(byte, to: &output)
            } else {
                output.append(byte)
            }
        }
        return SafeURL(string: String(decoding: output, as: UTF8.self))
    }

    /// Which bytes stay as they are, indexed by byte.
    package typealias ByteClass = [Bool]

    private static let unreservedCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    /// RFC 3986's unreserved bytes: what a query value or a header's `filename*` keeps as it is.
    package static let unreserved: ByteClass = byteClass(unreservedCharacters)
    private static let pathBytes: ByteClass = byteClass(unreservedCharacters + "/")
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func byteClass(_ kept: String) -> ByteClass {
        var table = ByteClass(repeating: false, count: 256)
        for byte in kept.utf8 { table[Int(byte)] = true }
        return table
    }

    /// Percent-encodes every byte of `text` not in `keeping`.
    package static func encode(_ text: String, keeping: ByteClass) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        encode(text, keeping: keeping, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func encode(_ text: String, keeping: ByteClass, into bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { input in
            keeping.withUnsafeBufferPointer { kept in
                // Copy the runs of kept bytes whole; most of a link's text is one run.
                var runStart = 0
                for index in input.indices where Int(input[index]) >= kept.count || !kept[Int(input[index])] {
                    if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index])) }
                    appendPercent(input[index], to: &bytes)
                    runStart = index + 1
                }
                if runStart < input.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart...])) }
            }
        }
    }

    private static func appendPercent(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "%"))
        bytes.append(hexDigits[Int(byte >> 4)])
        bytes.append(hexDigits[Int(byte & 0x0F)])
    }
}
