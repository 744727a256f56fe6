import Foundation

/// Turns Skype's HTML-ish message content into the text a person reads: tags removed without
/// gluing words together, entities decoded, mentions as `@Name`, edit markers dropped. A quote
/// (`<quote>`) and an attached object (`<URIObject>`) are dropped whole: a reply's text is its
/// own words (the quote is a row of `quotes`), and an object's text is Skype's fallback, which
/// ``ReadableText`` replaces with the file names. This is the text the full-text index sees.
///
/// It runs for every message, so it works on the UTF-8 bytes and builds one `String` at the
/// end: tag names are matched as bytes, never made into strings. Time is linear in the input
/// whatever it holds (a megabyte of `<`, unclosed tags, long links): each byte is looked at a
/// bounded number of times.
package enum PlainText {
    package static func from(html: String) -> String {
        var html = html
        return html.withUTF8 { bytes in
            var output: [UInt8] = []
            append(html: bytes, to: &output)
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Appends the text of `html` (UTF-8) to `output`: how the COPY writer takes it, with no
    /// `String` made and validated in between.
    static func append(html bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Most messages are plain words: no tag, no entity, nothing to collapse.
        guard let firstSpecial = firstNotPlain(bytes) else {
            output.append(contentsOf: bytes)
            return
        }
        let start = output.count
        output.reserveCapacity(start + bytes.count)
        // Everything before it is plain text, which the conversion would copy as it is.
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<firstSpecial]))
        convert(bytes, from: firstSpecial, into: &output, textStart: start)
        collapseWhitespace(&output, from: start)
    }

    /// The converted text is what `output` holds from `textStart` on.
    private static func convert(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into output: inout [UInt8],
                                textStart: Int) {
        var index = start
        var dropDepth = 0
        var dropped = TagName.other
        var pendingLink: [UInt8]?
        var linkTextStart = 0
        // Where a mention's name starts in `output`, and its id, until its `</at>`.
        var mention: (nameStart: Int, id: UnsafeBufferPointer<UInt8>?)?
        // The first `>` at or after the last place one was looked for (`bytes.count`: none is
        // left). Looking again from every `<` made a run of `<` without `>` quadratic.
        var nextClose = -1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") && nextClose <= index {
                nextClose = firstIndex(of: UInt8(ascii: ">"), in: bytes, from: index + 1) ?? bytes.count
            }
            if byte == UInt8(ascii: "<"), nextClose < bytes.count {
                let close = nextClose
                let tag = Tag(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<close]))
                index = close + 1
                if dropDepth > 0 {
                    if tag.name == dropped { dropDepth += tag.isClosing ? -1 : (tag.isSelfClosing ? 0 : 1) }
                    continue
                }
                switch tag.name {
                case _ where tag.name.isDropped && !tag.isClosing:
                    if tag.name.isBreaking { appendSpaceIfGlued(&output, textStart: textStart) }
                    if !tag.isSelfClosing { dropDepth = 1; dropped = tag.name }
                case .at where !tag.isClosing:
                    appendSpaceIfGlued(&output, textStart: textStart)
                    output.append(UInt8(ascii: "@"))
                    mention = (output.count, tag.attribute)
                case .at:
                    // `<at id="*"></at>`: a mention with no name still says whom it names.
                    if let open = mention, open.nameStart == output.count { appendMentionFallback(open.id, to: &output) }
                    mention = nil
                case _ where tag.name.isBreaking:
                    appendSpaceIfGlued(&output, textStart: textStart)
                case .a where !tag.isClosing:
                    if let href = tag.href {
                        pendingLink = decodeEntities(href)
                        linkTextStart = output.count
                    }
                case .a:
                    if let link = pendingLink {
                        if !link.isEmpty && !ByteSearch.contains(link, in: output[linkTextStart...]) {
                            output.append(contentsOf: " (".utf8)
                            output.append(contentsOf: link)
                            output.append(UInt8(ascii: ")"))
                        }
                        pendingLink = nil
                    }
                default:
                    break
                }
                continue
            }
            if dropDepth > 0 { index += 1; continue }
            if byte == UInt8(ascii: "&"), let length = appendEntity(bytes, at: index, to: &output) {
                index += length
                continue
            }
            // Copy the run of ordinary text up to the next tag or entity at once.
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
            index = end
        }
    }

    /// The tags the conversion treats specially; every other tag is `other`.
    private enum TagName: Equatable {
        // Elements whose whole content is noise, or is read elsewhere (quotes, objects).
        case legacyquote, originalname, filesize, meta, title, description, quote, uriobject
        // Elements that separate words.
        case br, p, div, li, tr, pre, blockquote, part
        case at, a, other

        // `<e_m>` (an edit marker, self-closing or not, never with content) is one of the
        // `other` tags: skipped, its content (none) kept. Dropping it as an element would lose
        // the rest of the text after an `<e_m ...>` that is never closed.
        private static let known: [(name: StaticString, tag: TagName)] = [
            ("legacyquote", .legacyquote), ("originalname", .originalname), ("filesize", .filesize),
            ("meta", .meta), ("title", .title), ("description", .description), ("br", .br), ("p", .p),
            ("div", .div), ("quote", .quote), ("li", .li), ("tr", .tr), ("pre", .pre), ("blockquote", .blockquote),
            ("part", .part), ("uriobject", .uriobject), ("at", .at), ("a", .a),
        ]

        init(_ name: UnsafeBufferPointer<UInt8>) {
            for entry in Self.known where entry.name.utf8CodeUnitCount == name.count {
                var equal = true
                for offset in 0..<name.count where name[offset] | 0x20 != entry.name.utf8Start[offset] | 0x20 {
                    equal = false
                    break
                }
                if equal { self = entry.tag; return }
            }
            self = .other
        }

        var isDropped: Bool {
            switch self {
            case .legacyquote, .originalname, .filesize, .meta, .title, .description, .quote, .uriobject: return true
            default: return false
            }
        }

        var isBreaking: Bool {
            switch self {
            case .br, .p, .div, .quote, .li, .tr, .pre, .blockquote, .part, .uriobject: return true
            default: return false
            }
        }
    }

    private struct Tag {
        var name: TagName
        var isClosing = false
        var isSelfClosing = false
        /// The raw value of an `<a>`'s `href`, or of an `<at>`'s `id`.
        var attribute: UnsafeBufferPointer<UInt8>?
        var href: UnsafeBufferPointer<UInt8>? { name == .a ? attribute : nil }

        /// `inner` is what lies between `<` and `>`.
        init(_ inner: UnsafeBufferPointer<UInt8>) {
            var start = 0
            if inner.first == UInt8(ascii: "/") { isClosing = true; start = 1 }
            isSelfClosing = inner.count > start && inner[inner.count - 1] == UInt8(ascii: "/")
            var nameEnd = start
            while nameEnd < inner.count {
                let byte = inner[nameEnd]
                if byte == 0x20 || byte == UInt8(ascii: "/") || byte == 0x0A || byte == 0x09 { break }
                nameEnd += 1
            }
            name = TagName(UnsafeBufferPointer(rebasing: inner[start..<nameEnd]))
            let key: StaticString? = isClosing ? nil : name == .a ? "href=\"" : name == .at ? "id=\"" : nil
            if let key, let found = PlainText.range(of: key, in: inner, from: nameEnd) {
                let valueEnd = PlainText.firstIndex(of: UInt8(ascii: "\""), in: inner, from: found.upperBound) ?? inner.count
                attribute = UnsafeBufferPointer(rebasing: inner[found.upperBound..<valueEnd])
            }
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        ByteSearch.firstOffset(of: byte, in: UnsafeRawBufferPointer(bytes), from: start)
    }

    private static func range(of needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        ByteSearch.firstOffset(of: needle, in: UnsafeRawBufferPointer(bytes), from: start)
            .map { $0..<($0 + needle.utf8CodeUnitCount) }
    }

    /// After `@`: `everyone` for `*` and `_*_` (everyone in the chat), else the id itself.
    private static func appendMentionFallback(_ id: UnsafeBufferPointer<UInt8>?, to output: inout [UInt8]) {
        let value = id.map(decodeEntities) ?? []
        if value.isEmpty || value == Array("*".utf8) || value == Array("_*_".utf8) {
            output.append(contentsOf: "everyone".utf8)
        } else {
            output.append(contentsOf: value)
        }
    }

    private static func appendSpaceIfGlued(_ output: inout [UInt8], textStart: Int) {
        guard output.count > textStart, let last = output.last else { return }
        if last != 0x20, last != 0x0A { output.append(0x20) }
    }

    /// The text with its entities decoded.
    static func decodeEntities(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            // The run up to the next `&` is copied at once.
            let ampersand = ByteSearch.firstOffset(of: UInt8(ascii: "&"), in: UnsafeRawBufferPointer(bytes), from: index)
                ?? bytes.count
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<ampersand]))
            index = ampersand
            guard index < bytes.count else { break }
            if let length = appendEntity(bytes, at: index, to: &output) {
                index += length
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static let namedEntities: [(name: StaticString, value: UInt8)] = [
        ("amp", UInt8(ascii: "&")), ("lt", UInt8(ascii: "<")), ("gt", UInt8(ascii: ">")),
        ("quot", UInt8(ascii: "\"")), ("apos", UInt8(ascii: "'")), ("nbsp", 0x20),
    ]

    /// At `&`: appends the decoded entity and returns its length, or nil when it is not one.
    private static func appendEntity(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, to output: inout [UInt8]) -> Int? {
        let limit = min(bytes.count, index + 12)
        var semicolon = index + 1
        while semicolon < limit, bytes[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        guard semicolon < limit else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<semicolon])
        let length = semicolon - index + 1
        for entity in namedEntities where entity.name.utf8CodeUnitCount == body.count
            && body.elementsEqual(UnsafeBufferPointer(start: entity.name.utf8Start, count: body.count)) {
            output.append(entity.value)
            return length
        }
        guard body.count >= 2, body[0] == UInt8(ascii: "#") else { return nil }
        let hex = body[1] == UInt8(ascii: "x") || body[1] == UInt8(ascii: "X")
        let digits = UnsafeBufferPointer(rebasing: body[(hex ? 2 : 1)...])
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            let number: UInt32
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): number = UInt32(digit - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: number = UInt32(digit - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: number = UInt32(digit - 0x41 + 10)
            default: return nil
            }
            value = value * (hex ? 16 : 10) + number
            // Beyond Unicode: not an entity (and no overflow on the longest bodies).
            guard value <= 0x10FFFF else { return nil }
        }
        guard value != 0, Unicode.Scalar(value) != nil else { return nil }
        UTF8Repair.appendScalar(value, to: &output)
        return length
    }

    /// nil when the conversion would leave the text unchanged (no tag, entity, tab or no-break
    /// space, and no space at either end, doubled, or before a newline); else where the first
    /// thing to convert is (0 for a space at either end).
    private static func firstNotPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if bytes.first == 0x20 || bytes.last == 0x20 { return 0 }
        var previous: UInt8 = 0
        var start = 0
        // Eight bytes at a time while none is special and no space is doubled or before a newline.
        let raw = UnsafeRawBufferPointer(bytes)
        while start + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)
            if isSpecial(word) || spaceBeforeBreak(word, previous: previous) { break }
            previous = UInt8(truncatingIfNeeded: word >> 56)
            start += 8
        }
        for index in start..<bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: "&"), 0x09, 0xC2: return index
            case 0x20 where previous == 0x20: return index
            case 0x0A where previous == 0x20: return index
            default: break
            }
            previous = byte
        }
        return nil
    }

    /// Whether `word` holds a tag or entity start, a tab, or the first byte of a no-break space.
    @inline(__always)
    private static func isSpecial(_ word: UInt64) -> Bool {
        ByteWord.has(UInt8(ascii: "<"), in: word) || ByteWord.has(UInt8(ascii: "&"), in: word)
            || ByteWord.has(0x09, in: word) || ByteWord.has(0xC2, in: word)
    }

    /// Whether a space in `word` (or `previous`, the byte before it) is followed by a space or
    /// a newline: what collapsing changes.
    @inline(__always)
    private static func spaceBeforeBreak(_ word: UInt64, previous: UInt8) -> Bool {
        let spaces = ByteWord.mask(of: 0x20, in: word)
        let breaks = spaces | ByteWord.mask(of: 0x0A, in: word)
        // A byte's high bit shifted by 8 lands on the next byte's (little-endian loads).
        let first = UInt8(truncatingIfNeeded: word)
        return (spaces << 8) & breaks != 0 || (previous == 0x20 && (first == 0x20 || first == 0x0A))
    }

    /// Runs of spaces, tabs and no-break spaces become one space; none at the start, none
    /// before a newline. In place, on UTF-8 bytes: iterating Characters costs grapheme breaking.
    /// Only the bytes from `start` on are the text.
    private static func collapseWhitespace(_ text: inout [UInt8], from start: Int) {
        let length = text.withUnsafeMutableBufferPointer { bytes in
            var written = start
            var pendingSpace = false
            var index = start
            let raw = UnsafeMutableRawBufferPointer(bytes)
            while index < bytes.count {
                // Eight bytes kept as they are when nothing in them collapses: no space pending,
                // none at the start of the text or the end of the word, none doubled or before
                // a newline. The write position never passes the read position, so the word is
                // read before anything is written over it.
                if !pendingSpace, index + 8 <= bytes.count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let first = UInt8(truncatingIfNeeded: word)
                    if !ByteWord.has(0x09, in: word), !ByteWord.has(0xC2, in: word), word >> 56 != 0x20,
                       !spaceBeforeBreak(word, previous: 0), first != 0x20 || written > start {
                        raw.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                        written += 8
                        index += 8
                        continue
                    }
                }
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 {
                    pendingSpace = written > start
                    index += 1
                    continue
                }
                if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {  // U+00A0
                    pendingSpace = written > start
                    index += 2
                    continue
                }
                // The write position never passes the read position: a pending space stands
                // for at least one byte already read.
                if pendingSpace && byte != 0x0A { bytes[written] = 0x20; written += 1 }
                pendingSpace = false
                bytes[written] = byte
                written += 1
                index += 1
            }
            return written
        }
        text.removeLast(text.count - length)
    }
}
