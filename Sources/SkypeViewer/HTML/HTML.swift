/// Markup that is safe to send to a browser, escaped by construction.
///
/// Nothing from the archive can become markup: text goes in through ``text(_:)`` (escaped),
/// element and attribute names are `StaticString`s (written in this source code, never read
/// from data), attribute values are escaped, and URL attributes take a ``SafeURL``, whose
/// schemes are checked. There is no way to append a `String` unescaped.
package struct HTML: Sendable, CustomStringConvertible {
    // UTF-8 bytes rather than a String: appending to a byte array is a copy, where appending
    // small Strings to a String checked and grew it each time (most of a page's render time).
    private(set) var bytes: [UInt8] = []

    package init() {}

    /// The markup as text.
    package var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The markup as UTF-8, to send or write.
    package var utf8: [UInt8] { bytes }

    /// Escaped text: `&`, `<`, `>`, `"` and `'` become entities, so text can sit in an element or an attribute.
    package mutating func text(_ text: some StringProtocol) {
        Self.escape(text, into: &bytes)
    }

    /// Markup written in this source code (a literal: a doctype, an entity, a fixed fragment).
    package mutating func raw(_ literal: StaticString) {
        append(literal)
    }

    /// Markup built by another `HTML` value.
    package mutating func append(_ other: HTML) {
        bytes += other.bytes
    }

    /// An element with its attributes and its content, written by `content`.
    package mutating func element(_ name: StaticString, _ attributes: [Attribute] = [], _ content: (inout HTML) -> Void = { _ in }) {
        open(name, attributes)
        content(&self)
        close(name)
    }

    /// An element with text content.
    package mutating func element(_ name: StaticString, _ attributes: [Attribute] = [], text: some StringProtocol) {
        element(name, attributes) { $0.text(text) }
    }

    /// A void element (`br`, `img`, `input`, `meta`, `link`): no content, no end tag.
    package mutating func void(_ name: StaticString, _ attributes: [Attribute] = []) {
        open(name, attributes)
    }

    /// A start tag without its end, for the few elements whose content is written across
    /// several calls (``close(_:)`` ends it).
    package mutating func open(_ name: StaticString, _ attributes: [Attribute] = []) {
        bytes.append(UInt8(ascii: "<"))
        append(name)
        for attribute in attributes {
            bytes.append(UInt8(ascii: " "))
            append(attribute.name)
            if let value = attribute.value {
                bytes.append(UInt8(ascii: "="))
                bytes.append(UInt8(ascii: "\""))
                Self.escape(value, into: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
        }
        bytes.append(UInt8(ascii: ">"))
    }

    /// The end tag of an element begun with ``open(_:_:)``.
    package mutating func close(_ name: StaticString) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// One attribute: a name from this source code and a value that will be escaped.
    package struct Attribute: Sendable {
        let name: StaticString
        let value: String?

        /// An attribute whose value is text (`class`, `title`, `id`, `alt`, `datetime`, `name`, `value`...).
        /// URL attributes are made with ``href(_:)`` and ``src(_:)`` only.
        package init(_ name: StaticString, _ value: String) {
            self.name = name
            self.value = value
        }

        private init(name: StaticString, value: String?) {
            self.name = name
            self.value = value
        }

        /// An attribute without a value (`controls`, `required`).
        package static func flag(_ name: StaticString) -> Attribute { Attribute(name: name, value: nil) }
        package static func `class`(_ value: String) -> Attribute { Attribute("class", value) }
        package static func id(_ value: String) -> Attribute { Attribute("id", value) }
        package static func title(_ value: String) -> Attribute { Attribute("title", value) }
        package static func href(_ url: SafeURL) -> Attribute { Attribute(name: "href", value: url.string) }
        package static func src(_ url: SafeURL) -> Attribute { Attribute(name: "src", value: url.string) }
        package static func action(_ url: SafeURL) -> Attribute { Attribute(name: "action", value: url.string) }
    }

    /// Escapes for both element content and quoted attribute values. It reads UTF-8 bytes, not
    /// `Character`s: a quote followed by a combining mark is one `Character` that is not `"`,
    /// and would slip through a comparison of characters.
    static func escape(_ text: some StringProtocol, into output: inout [UInt8]) {
        // Most text has nothing to escape: copy the runs between special bytes whole.
        if text.utf8.withContiguousStorageIfAvailable({ escape($0, into: &output) }) == nil {
            var copy = String(text)
            copy.withUTF8 { escape($0, into: &output) }
        }
    }

    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var runStart = 0
        for index in bytes.indices {
            let entity: StaticString
            switch bytes[index] {
            case 0x26: entity = "&amp;"
            case 0x3C: entity = "&lt;"
            case 0x3E: entity = "&gt;"
            case 0x22: entity = "&quot;"
            case 0x27: entity = "&#39;"
            default: continue
            }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            entity.withUTF8Buffer { output.append(contentsOf: $0) }
            runStart = index + 1
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }
}
