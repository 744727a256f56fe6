/// The mentions of a message (`<at id="8:live:x">Name</at>`, everyone as `id="*"` or `"_*_"`),
/// as rows of `mentions`: whom the message names, which its `body_text` shows only as `@Name`.
/// Mentions inside a `<quote>` belong to the quoted message and are left out.
///
/// One pass over the content's `<`: each mention's text runs to the next `</at>`, and the scan
/// goes on after it, so no byte is read twice.
enum MentionReader {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func rows(_ bytes: Bytes, names: inout NameDirectory) -> [StructureRow] {
        var rows: [StructureRow] = []
        var quoteDepth = 0
        var index = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while let open = ByteSearch.firstOffset(of: UInt8(ascii: "<"), in: raw, from: index) {
            index = open + 1
            let rest = UnsafeRawBufferPointer(rebasing: raw[open...])
            if StructureExtractor.startsTag(rest, "<quote") {
                // A self-closing quote (`<quote .../>`) holds nothing; its end is not looked for.
                quoteDepth += 1
                continue
            }
            if StructureExtractor.startsTag(rest, "</quote") {
                quoteDepth = max(0, quoteDepth - 1)
                continue
            }
            guard quoteDepth == 0, StructureExtractor.startsTag(rest, "<at"),
                  let close = MarkupScanner.closingBracket(bytes, from: open + 1),
                  case let .start(_, attributes, selfClosing)? = MarkupScanner.tag(Bytes(rebasing: bytes[(open + 1)..<close]))
            else { continue }
            index = close + 1
            var name: [UInt8] = []
            if !selfClosing {
                let end = endTag(raw, from: index) ?? bytes.count
                PlainText.append(html: Bytes(rebasing: bytes[index..<end]), to: &name)
                index = end
            }
            let id = attributes["id"].flatMap { $0.isEmpty ? nil : $0 }
            let text = name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
            if let id, let text, id != "*", id != "_*_" { names.note(id, text) }
            rows.append(StructureRow(table: .mentions, values: [.integer(Int64(rows.count)), .text(id), .text(text)]))
        }
        return rows
    }

    /// The next `</at>` (any case) at or after `start`.
    private static func endTag(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while let open = ByteSearch.firstOffset(of: UInt8(ascii: "<"), in: bytes, from: index) {
            if StructureExtractor.startsTag(UnsafeRawBufferPointer(rebasing: bytes[open...]), "</at") { return open }
            index = open + 1
        }
        return nil
    }
}
