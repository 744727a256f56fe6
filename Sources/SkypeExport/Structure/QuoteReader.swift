/// The `<quote>` elements of a reply, as rows of `quotes`: which message each one quotes (its
/// id, conversation, author and time) and the quoted words as a person reads them (the
/// `<legacyquote>` boilerplate `[epoch] Name: ` and `<<<` left out). The reply's own text
/// (``PlainText``) leaves the quotes out, so a search for the quoted words finds the quoted
/// message, not every reply to it.
///
/// One pass over the content: a quote's end is found by counting nested quotes, and the first
/// `>` after a nested `<quote` is remembered, so no byte is scanned twice whatever the markup.
enum QuoteReader {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func rows(_ bytes: Bytes, names: inout NameDirectory) -> [StructureRow] {
        var rows: [StructureRow] = []
        var index = 0
        var nextClose = -1
        while let open = nextTag(bytes, from: index) {
            if open.closing { index = open.offset + 1; continue }
            guard let close = MarkupScanner.closingBracket(bytes, from: open.offset + 1) else { break }
            guard case let .start(_, attributes, selfClosing)? = MarkupScanner.tag(Bytes(rebasing: bytes[(open.offset + 1)..<close]))
            else { index = close + 1; continue }
            var text: [UInt8] = []
            index = close + 1
            if !selfClosing {
                var depth = 1
                var end = bytes.count
                var scan = index
                while let tag = nextTag(bytes, from: scan) {
                    scan = tag.offset + 1
                    if tag.closing {
                        depth -= 1
                        if depth == 0 { end = tag.offset; break }
                    } else {
                        if nextClose <= tag.offset {
                            nextClose = ByteSearch.firstOffset(of: UInt8(ascii: ">"), in: UnsafeRawBufferPointer(bytes),
                                                               from: tag.offset) ?? bytes.count
                        }
                        if nextClose < bytes.count && bytes[nextClose - 1] != UInt8(ascii: "/") { depth += 1 }
                    }
                }
                PlainText.append(html: Bytes(rebasing: bytes[index..<end]), to: &text)
                index = end == bytes.count ? end : min(bytes.count, (ByteSearch.firstOffset(
                    of: UInt8(ascii: ">"), in: UnsafeRawBufferPointer(bytes), from: end) ?? bytes.count) + 1)
            }
            let author = attributes["author"].flatMap { $0.isEmpty ? nil : $0 }
            let authorName = attributes["authorname"].flatMap { $0.isEmpty ? nil : $0 }
            if let author, let authorName { names.note(author, authorName) }
            let quoted = String(decoding: text, as: UTF8.self)
            rows.append(StructureRow(table: .quotes, values: [
                .integer(Int64(rows.count)), .text(attributes["messageid"].flatMap { $0.isEmpty ? nil : $0 }),
                .text(attributes["conversation"].flatMap { $0.isEmpty ? nil : $0 }), .text(author), .text(authorName),
                .text(attributes["timestamp"].flatMap(Self.time)), .text(quoted.isEmpty ? nil : quoted),
            ]))
        }
        return rows
    }

    /// The next `<quote` or `</quote` (any case) followed by a space, `>` or `/`.
    private static func nextTag(_ bytes: Bytes, from start: Int) -> (offset: Int, closing: Bool)? {
        var index = start
        let raw = UnsafeRawBufferPointer(bytes)
        while let open = ByteSearch.firstOffset(of: UInt8(ascii: "<"), in: raw, from: index) {
            index = open + 1
            let rest = UnsafeRawBufferPointer(rebasing: raw[open...])
            if StructureExtractor.startsTag(rest, "<quote") { return (open, false) }
            if StructureExtractor.startsTag(rest, "</quote") { return (open, true) }
        }
        return nil
    }

    /// `timestamp` is epoch seconds (some files give milliseconds).
    private static func time(_ text: String) -> String? {
        guard let value = ASCIIDigits.integerPart(text), value >= 0 else { return nil }
        return EpochTime.postgresText(milliseconds: String(value < 100_000_000_000 ? value * 1000 : value))
    }
}
