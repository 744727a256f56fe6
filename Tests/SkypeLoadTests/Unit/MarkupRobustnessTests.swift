import Foundation
@testable import SkypeExport
@testable import SkypeSupport
import SyntheticExport
import Testing

/// Hostile markup: the plain-text conversion and the markup readers never crash, always give
/// valid UTF-8 without NUL, and take time linear in their input. Seeded, so a failure repeats;
/// bounded, so CI stays quick. Time bounds are generous (a debug build on a busy machine): they
/// catch quadratic behaviour (a megabyte of `<` took 7-12 s in a release build), nothing finer.
@Suite struct MarkupRobustnessTests {
    static let types = ["RichText", "Text", "Event/Call", "ThreadActivity/AddMember", "Control/ThreadActivity", "RichText/UriObject",
                        "Poll", "RichText/Contacts", "RichText/Location"]

    /// One message whose content is `content` (raw bytes inside a JSON string: invalid UTF-8
    /// stays raw, `"` and `\` are escaped), through the shard transform as a load runs it.
    static func transform(_ content: [UInt8], type: String) -> TransformedShard {
        var json = Array(#"{"id":"1","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"\#(type)","from":"8:live:a","displayName":"A","content":""#.utf8)
        for byte in content {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): json += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: json += Array(String(format: "\\u%04x", byte).utf8)
            default: json.append(byte)
            }
        }
        json += Array(#""}"#.utf8)
        var part = ConversationPart(conversationID: "19:fuzz@thread.skype", slice: 0, header: nil)
        json.withUnsafeBytes { part.appendMessage($0, offset: 0, index: 0) }
        return ShardTransformer().transform(Shard(ordinal: 0, parts: [part]))
    }

    /// `body_text` as the load writes it, for a message that has a row.
    static func bodyText(_ content: [UInt8], type: String) -> [UInt8]? {
        var members: [JSONMember?] = []
        var repairs = RepairCounts()
        var json = Array(#"{"id":"1","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"\#(type)","content":"#.utf8)
        json += Array(JSONWriter.string(.string(String(decoding: content, as: UTF8.self))).utf8)
        json += [UInt8(ascii: "}")]
        let parsed = json.withUnsafeBytes {
            ShardTransformer.parse($0, conversationID: "19:f", offset: 0, index: 0, members: &members, repairs: &repairs)
        }
        guard case let .success(message) = parsed else { return nil }
        let structure = message.structure
        if let readable = ReadableText.render(structure, content: message.record.contentUTF8, names: structure.names) {
            return readable
        }
        var output: [UInt8] = []
        message.record.contentUTF8?.withUnsafeBufferPointer { PlainText.append(html: $0, to: &output) }
        return output
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = MonotonicClock.now()
        body()
        return MonotonicClock.seconds(since: start)
    }

    @Test func aMegabyteOfOpeningBracketsConvertsInLinearTime() {
        let content = [UInt8](repeating: UInt8(ascii: "<"), count: 1 << 20)
        var text = ""
        let elapsed = Self.seconds { text = PlainText.from(html: String(decoding: content, as: UTF8.self)) }
        #expect(text.utf8.count == 1 << 20)
        #expect(elapsed < 4 * TestEnvironment.timeScale, "1 MiB of < took \(elapsed) s")
        // The whole way a load takes it: JSON, structure, body text, COPY rows.
        var result = TransformedShard()
        let loaded = Self.seconds { result = Self.transform(content, type: "RichText") }
        #expect(result.rows == 1)
        #expect(loaded < 4 * TestEnvironment.timeScale, "transforming 1 MiB of < took \(loaded) s")
    }

    /// Inputs built to make a scan restart at every position, 512 KiB of each as plain chat text
    /// (the conversion every message takes) and 128 KiB through each other message type (each
    /// takes other readers: calls, events, objects, quotes...). Linear code takes well under a
    /// second for either in a debug build; a scan restarting at every position takes minutes.
    @Test(arguments: [
        "<", "<a href=\"", "<quote ", "</quote>", "<quote><legacyquote>", "<at id=\"", "&#", "<URIObject", "'\"<",
        "<partlist><part><name>",
    ])
    func repeatedFragmentsTakeLinearTime(_ fragment: String) {
        let unit = Array(fragment.utf8)
        for type in Self.types {
            let size = type == "RichText" ? 1 << 19 : 1 << 17
            let content = Array([[UInt8]](repeating: unit, count: size / unit.count).joined())
            let elapsed = Self.seconds { _ = Self.transform(content, type: type) }
            #expect(elapsed < 8 * TestEnvironment.timeScale, "\(type): \(size) bytes of \(fragment.prefix(20)) took \(elapsed) s")
        }
    }

    @Test func longLinksAndListsTakeLinearTime() {
        // Whether the link is in its text: a search that compares the whole link at each place.
        let long = String(repeating: "a", count: 300_000)
        let link = #"<a href="\#(long)b">"# + long + long + "</a>"
        var text = ""
        let elapsed = Self.seconds { text = PlainText.from(html: link) }
        #expect(text.hasSuffix("b)"))
        #expect(elapsed < 8 * TestEnvironment.timeScale, "a long link took \(elapsed) s")
        // An event naming 50,000 different people, each once: a duplicate check per target.
        let targets = (0..<50_000).map { "<target>8:live:p\($0)</target>" }.joined()
        let event = Array("<addmember><initiator>8:live:a</initiator>\(targets)</addmember>".utf8)
        var result = TransformedShard()
        let listed = Self.seconds { result = Self.transform(event, type: "ThreadActivity/AddMember") }
        #expect(result.structureRows[.threadEvents]?.isEmpty == false)
        #expect(listed < 8 * TestEnvironment.timeScale, "50,000 targets took \(listed) s")
    }

    static let fragments: [[UInt8]] = [
        #"<quote author="live:x" authorname="X" timestamp="1741455000" messageid="5">"#, "</quote>", "<legacyquote>",
        "</legacyquote>", #"<at id="*">"#, #"<at id="_*_">"#, "</at>", #"<e_m a="x" ts_ms="1" t="61"/>"#, "<e_m>", "</e_m>",
        #"<URIObject type="Picture.1" doc_id="d">"#, "</URIObject>", #"<OriginalName v="a.jpg"/>"#, #"<FileSize v="9"/>"#,
        #"<meta type="photo" originalName="a.jpg">"#, #"<URIObject type="Poll" title="Q?" optionsEncoded="A|B">"#,
        #"<partlist type="ended" callId="c">"#, "</partlist>", #"<part identity="8:live:a">"#, "</part>", "<name>", "</name>",
        "<duration>", "</duration>", "84.82", "1e308", "-1", "NaN", "<addmember>", "</addmember>", "<initiator>", "</initiator>",
        "<target>", "</target>", "<eventtime>", "1741455209205", "<value>", "</value>", "<detailedtargetinfo><id>", "<friendlyName>",
        "<contacts>", #"<c t="s" s="8:live:d" f="D"/>"#, #"<location latitude="4.7e7" longitude="x" address="A">"#,
        #"<a href="https://x.org/&amp;">"#, "</a>", "<b>", "</b>", "<br/>", "<ss type=\"smile\">", "&amp;", "&lt;", "&#128512;",
        "&#xD800;", "&#0;", "&#x110000;", "&nbsp;", "&", "<", ">", "\"", "'", "/", "=", " ", "\t", "\n", "\u{A0}", "\u{0}", "😀",
        "東京", "word", "{", "}", #"{"initiator":"8:a","members":[{"id":"8:b","friendlyname":"B"}]}"#,
        #"{"callState":"accepted","connectTime":"2026-06-30T09:26:40Z","endTime":"1e999","originatorParticipant":{"id":"8:a"}}"#,
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC2], [0xC2, 0xA0]]

    /// Random markup from real fragments and raw bytes, and real messages mutated (bytes
    /// flipped, cut, repeated): every message type, never a crash, always valid UTF-8 without NUL.
    @Test func randomAndMutatedMarkupAlwaysGivesValidText() {
        var random = SplitMix64(seed: 0x5EED_0011)
        var inputs: [[UInt8]] = []
        for _ in 0..<400 {
            var input: [UInt8] = []
            for _ in 0..<Int(random.next() % 40) {
                if random.next() % 5 == 0 {
                    input.append(UInt8(truncatingIfNeeded: random.next()))
                } else {
                    input += Self.fragments[Int(random.next() % UInt64(Self.fragments.count))]
                }
            }
            inputs.append(input)
        }
        for testCase in ReadableTextTests.cases {
            let original = Array(testCase.content.utf8)
            for _ in 0..<8 {
                var input = original
                for _ in 0..<(1 + Int(random.next() % 4)) where !input.isEmpty {
                    let at = Int(random.next() % UInt64(input.count))
                    switch random.next() % 4 {
                    case 0: input[at] = UInt8(truncatingIfNeeded: random.next())
                    case 1: input.removeSubrange(at...)
                    case 2: input.insert(contentsOf: input[at..<min(input.count, at + Int(random.next() % 64))], at: at)
                    default: input.remove(at: at)
                    }
                }
                inputs.append(input)
            }
        }
        var checked = 0
        for input in inputs {
            for type in Self.types {
                let result = Self.transform(input, type: type)
                #expect(result.rows == 1)
                guard let body = Self.bodyText(input, type: type) else { continue }
                #expect(!body.contains(0), "NUL in the text of \(type) \(input)")
                #expect(Array(String(decoding: body, as: UTF8.self).utf8) == body, "invalid UTF-8 from \(type) \(input)")
                checked += 1
            }
        }
        #expect(checked == inputs.count * Self.types.count)
    }
}
