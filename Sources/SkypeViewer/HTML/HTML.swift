/// Markup that is safe to send to a browser, escaped by construction.
///
/// Nothing from the archive can become markup: text goes in through ``text(_:)`` (escaped),
/// element and attribute names are `StaticString`s (written in this source code, never read
/// from data), attribute values are escaped, and URL attributes take a ``SafeURL``, whose
/// schemes are checked. There is no way to append a `String` unescaped.
package struct HTML: Sendable, CustomStringConvertible {
    private(set) var markup: String = ""

    package init() {}

    /// The markup as text, to send or write.
    package var description: String { markup }

    /// Escaped text: `&`, `<`, `>`, `"` and `'` become entities, so text can sit in an element or an attribute.
    package mutating func text(_ text: some StringProtocol) {
        Self.escape(text, into: &markup)
    }

    /// Markup written in this source code (a literal: a doctype, an entity, a fixed fragment).
    package mutating func raw(_ literal: StaticString) {
        markup += literal.description
    }

    /// Markup built by another `HTML` value.
    package mutating func append(_ other: HTML) {
        markup += other.markup
    }

    /// An element with its attributes and its content, written by `content`.
    package mutating func element(_ name: StaticString, _ attributes: [Attribute] = [], _ content: (inout HTML) -> Void = { _ in }) {
        open(name, attributes)
        content(&self)
        markup += "</" + name.description + ">"
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
        markup += "<" + name.description
        for attribute in attributes {
            markup += " " + attribute.name.description
            if let value = attribute.value {
                markup += "=\""
                Self.escape(value, into: &markup)
                markup += "\""
            }
        }
        markup += ">"
    }

    /// The end tag of an element begun with ``open(_:_:)``.
    package mutating func close(_ name: StaticString) {
        markup += "</" + name.description + ">"
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
    static func escape(_ text: some StringProtocol, into output: inout String) {
        var bytes: [UInt8] = []
        var needsEscape = false
        for byte in text.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 {
            needsEscape = true
            break
        }
        guard needsEscape else {
            output += text
            return
        }
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: bytes += "&amp;".utf8
            case 0x3C: bytes += "&lt;".utf8
            case 0x3E: bytes += "&gt;".utf8
            case 0x22: bytes += "&quot;".utf8
            case 0x27: bytes += "&#39;".utf8
            default: bytes.append(byte)
            }
        }
        output += String(decoding: bytes, as: UTF8.self)
    }
}
