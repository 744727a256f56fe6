@testable import SkypeViewer
import Testing

/// The byte-level text paths the viewer's pages are built from: escaping by runs, links
/// percent-encoded by runs, the schema put into statements. Each is checked against a plain
/// byte-by-byte rule on inputs where the special bytes sit at the edges and side by side.
@Suite struct ViewerTextTests {
    static let samples = [
        "", "plain", "&", "<>", "a&b", "&lead", "trail'", #""quoted""#, "<<&&>>", "Zoë & Åsa <3", "日本語 'x'",
        "é\u{301}\"", "\u{0}nul<", String(repeating: "ab<", count: 300),
    ]

    @Test(arguments: samples) func escapingMatchesTheByteRule(text: String) {
        var escaped: [UInt8] = []
        HTML.escape(text, into: &escaped)
        var expected: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x26: expected += "&amp;".utf8
            case 0x3C: expected += "&lt;".utf8
            case 0x3E: expected += "&gt;".utf8
            case 0x22: expected += "&quot;".utf8
            case 0x27: expected += "&#39;".utf8
            default: expected.append(byte)
            }
        }
        #expect(escaped == expected)
        // A Substring (the markup scanner's slices) escapes the same.
        var fromSubstring: [UInt8] = []
        HTML.escape(text[...], into: &fromSubstring)
        #expect(fromSubstring == expected)
    }

    @Test(arguments: samples) func queryValuesKeepOnlyUnreservedBytes(text: String) {
        let url = SafeURL.local("/conversation", [("id", text)])
        var expected = "/conversation?id="
        for byte in text.utf8 {
            let kept = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            expected += kept ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        #expect(url.string == expected)
    }

    @Test func theSchemaGoesEverywhereTheMarkerIs() {
        #expect(ArchiveReader.substitute(schema: #""s""#, in: "SELECT 1 FROM $schema.a JOIN $schema.b") ==
                #"SELECT 1 FROM "s".a JOIN "s".b"#)
        #expect(ArchiveReader.substitute(schema: "x", in: "$schem $schema$schema $") == "$schem xx $")
        #expect(ArchiveReader.substitute(schema: "x", in: "ünï $schema") == "ünï x")
    }
}
