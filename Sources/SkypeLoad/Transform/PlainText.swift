/// Turns Skype's HTML-ish message content into the text a person reads: tags removed without
/// gluing words together, entities decoded, mentions as `@Name`, quote boilerplate and edit
/// markers dropped. This is the text the full-text index sees.
public enum PlainText {
    /// Tags whose whole content is noise.
    private static let droppedElements: Set<String> = ["legacyquote", "e_m", "originalname", "filesize", "meta", "title", "description"]
    /// Tags that separate words.
    private static let breakingTags: Set<String> = ["br", "p", "div", "quote", "li", "tr", "pre", "blockquote", "part", "uriobject"]

    public static func from(html: String) -> String {
        let bytes = Array(html.utf8)
        // Most messages are plain words: no tag, no entity, nothing to collapse.
        if isAlreadyPlain(bytes) { return html }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var dropDepth = 0
        var dropName = ""
        var pendingLink: String?
        var linkTextStart = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) {
                let tag = parseTag(bytes[(index + 1)..<close])
                index = close + 1
                if dropDepth > 0 {
                    if tag.name == dropName { dropDepth += tag.isClosing ? -1 : (tag.isSelfClosing ? 0 : 1) }
                    continue
                }
                if droppedElements.contains(tag.name) && !tag.isClosing {
                    if !tag.isSelfClosing { dropDepth = 1; dropName = tag.name }
                    continue
                }
                if tag.name == "at" && !tag.isClosing {
                    appendSpaceIfGlued(&output)
                    output.append(UInt8(ascii: "@"))
                } else if breakingTags.contains(tag.name) {
                    appendSpaceIfGlued(&output)
                } else if tag.name == "a", tag.isClosing == false, let href = tag.href {
                    pendingLink = href
                    linkTextStart = output.count
                } else if tag.name == "a", tag.isClosing, let link = pendingLink {
                    let text = String(decoding: output[linkTextStart...], as: UTF8.self)
                    if !text.contains(link) && !link.isEmpty {
                        output.append(contentsOf: " (\(link))".utf8)
                    }
                    pendingLink = nil
                }
                continue
            }
            if dropDepth > 0 { index += 1; continue }
            if byte == UInt8(ascii: "&"), let (decoded, length) = decodeEntity(bytes, at: index) {
                output.append(contentsOf: decoded)
                index += length
                continue
            }
            output.append(byte)
            index += 1
        }
        return collapseWhitespace(output)
    }

    private struct Tag {
        var name: String
        var isClosing: Bool
        var isSelfClosing: Bool
        var href: String?
    }

    private static func parseTag(_ inner: ArraySlice<UInt8>) -> Tag {
        var slice = inner
        var closing = false
        if slice.first == UInt8(ascii: "/") { closing = true; slice = slice.dropFirst() }
        let selfClosing = slice.last == UInt8(ascii: "/")
        let nameEnd = slice.firstIndex(where: { $0 == 0x20 || $0 == UInt8(ascii: "/") || $0 == 0x0A || $0 == 0x09 }) ?? slice.endIndex
        let name = String(decoding: slice[slice.startIndex..<nameEnd], as: UTF8.self).lowercased()
        var href: String?
        if name == "a", let range = firstRange(of: Array("href=\"".utf8), in: slice) {
            let valueStart = range.upperBound
            let valueEnd = slice[valueStart...].firstIndex(of: UInt8(ascii: "\"")) ?? slice.endIndex
            href = decodeEntities(String(decoding: slice[valueStart..<valueEnd], as: UTF8.self))
        }
        return Tag(name: name, isClosing: closing, isSelfClosing: selfClosing, href: href)
    }

    private static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }

    private static func appendSpaceIfGlued(_ output: inout [UInt8]) {
        if let last = output.last, last != 0x20, last != 0x0A { output.append(0x20) }
    }

    static func decodeEntities(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"), let (decoded, length) = decodeEntity(bytes, at: index) {
                output.append(contentsOf: decoded)
                index += length
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
    ]

    /// At `&`: the decoded bytes and the entity's length, or nil when it is not an entity.
    private static func decodeEntity(_ bytes: [UInt8], at index: Int) -> ([UInt8], Int)? {
        let limit = min(bytes.count, index + 12)
        guard let semicolon = bytes[index..<limit].firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let body = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
        let length = semicolon - index + 1
        if let named = namedEntities[body] { return (Array(named.utf8), length) }
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return (Array(String(Character(scalar)).utf8), length)
        }
        return nil
    }

    /// True when `from(html:)` would return the text unchanged: no tag, entity, tab or no-break
    /// space, and no space at either end, doubled, or before a newline.
    private static func isAlreadyPlain(_ bytes: [UInt8]) -> Bool {
        if bytes.first == 0x20 || bytes.last == 0x20 { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: "&"), 0x09, 0xC2: return false
            case 0x20 where previous == 0x20: return false
            case 0x0A where previous == 0x20: return false
            default: break
            }
            previous = byte
        }
        return true
    }

    /// Runs of spaces, tabs and no-break spaces become one space; none at the start, none
    /// before a newline. Works on UTF-8 bytes: iterating Characters costs grapheme breaking.
    private static func collapseWhitespace(_ bytes: [UInt8]) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var pendingSpace = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 {
                pendingSpace = !result.isEmpty
                index += 1
                continue
            }
            if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {  // U+00A0
                pendingSpace = !result.isEmpty
                index += 2
                continue
            }
            if pendingSpace && byte != 0x0A { result.append(0x20) }
            pendingSpace = false
            result.append(byte)
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
