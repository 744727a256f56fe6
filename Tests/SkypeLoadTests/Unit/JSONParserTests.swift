import Foundation
@testable import SkypeExport
import Testing

@Suite struct JSONParserTests {
    private func parse(_ bytes: [UInt8]) throws -> (JSONValue, RepairCounts) {
        var repairs = RepairCounts()
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0, repairs: &repairs) }
        return (value, repairs)
    }

    @Test func parsesNestedValuesAndKeepsNumbersExact() throws {
        let value = try JSONParser.parse(#"{"id": 1741455209205123, "v": 1594056032575.0, "a": [true, false, null, "x"], "o": {}}"#)
        #expect(value["id"] == .number("1741455209205123"))
        #expect(value["v"]?.text == "1594056032575.0")
        #expect(value["a"] == .array([.bool(true), .bool(false), .null, .string("x")]))
        #expect(value["o"] == .object([]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\té😀"))
    }

    @Test func repairsNulLoneSurrogatesAndInvalidUTF8() throws {
        var bytes = Array(#"["x\u0000y", "\ud83d", "\ude00z", ""#.utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array(#""]"#.utf8)
        let (value, repairs) = try parse(bytes)
        #expect(value == .array([.string("x\u{FFFD}y"), .string("\u{FFFD}"), .string("\u{FFFD}z"), .string("\u{FFFD}(\u{FFFD}")]))
        #expect(repairs.nulCharacters == 1)
        #expect(repairs.loneSurrogates == 2)
        #expect(repairs.invalidUTF8 == 2)
    }

    @Test func repairsInvalidUTF8AndDecodesEscapesAtAnyPositionOfLongStrings() throws {
        // The string scanner reads eight bytes at a time; put the hazard in every lane.
        for position in 0..<20 {
            let prefix = Array(String(repeating: "é", count: position / 2).utf8) + Array(repeating: UInt8(ascii: "a"), count: position % 2)
            let suffix = Array("tail text".utf8)
            let (invalid, invalidRepairs) = try parse([0x22] + prefix + [0xFF] + suffix + [0x22])
            #expect(invalid == .string(String(decoding: prefix, as: UTF8.self) + "\u{FFFD}tail text"))
            #expect(invalidRepairs.invalidUTF8 == 1)
            let (escaped, escapedRepairs) = try parse([0x22] + prefix + Array(#"\"q\u0000"#.utf8) + suffix + [0x22])
            #expect(escaped == .string(String(decoding: prefix, as: UTF8.self) + "\"q\u{FFFD}tail text"))
            #expect(escapedRepairs.nulCharacters == 1)
        }
    }

    @Test func invalidUTF8JustBeforeTheClosingQuoteIsRepairedInEveryLane() throws {
        // The scanner jumps to the quote within an eight-byte word: the bytes it jumps over
        // must still count as not ASCII. Spaces after the string keep a whole word available.
        for count in 0..<9 {
            let prefix = Array(repeating: UInt8(ascii: "a"), count: count)
            let (value, repairs) = try parse([0x22] + prefix + [0xFF, 0x22] + Array(repeating: 0x20, count: 10))
            #expect(value == .string(String(decoding: prefix, as: UTF8.self) + "\u{FFFD}"))
            #expect(repairs.invalidUTF8 == 1)
            var members: [JSONMember?] = []
            var memberRepairs = RepairCounts()
            let document = Array(#"{"content":""#.utf8) + prefix + [0xFF] + Array(#""}          "#.utf8)
            _ = try document.withUnsafeBytes {
                try JSONParser.members(of: $0, keys: JSONKeyTable(["content"], readingAsUTF8: ["content"]), into: &members,
                                       repairs: &memberRepairs)
            }
            #expect(members.first == .utf8(prefix + UTF8Repair.replacement))
            #expect(memberRepairs.invalidUTF8 == 1)
        }
    }

    @Test func escapesAndInvalidUTF8InOneStringAreEachCountedOnce() throws {
        // The escape path validates once at the end and, on failure, starts the string again
        // with repairs: what the first attempt counted must not count twice.
        let bytes = Array(#""a\u0000b\"c"#.utf8) + [0xFF] + Array(#"d\ud800e""#.utf8)
        let (value, repairs) = try parse(bytes)
        #expect(value == .string("a\u{FFFD}b\"c\u{FFFD}d\u{FFFD}e"))
        #expect(repairs.nulCharacters == 1)
        #expect(repairs.invalidUTF8 == 1)
        #expect(repairs.loneSurrogates == 1)
        let (raw, rawRepairs) = try parse(Array(#""x\"y"#.utf8) + [0x00] + Array(#"z""#.utf8))
        #expect(raw == .string("x\"y\u{FFFD}z"))
        #expect(rawRepairs.nulCharacters == 1)
    }

    @Test func keepsValidMultibyteText() throws {
        let text = "東京 привет שלום 😀 café"
        let (value, repairs) = try parse(Array("\"\(text)\"".utf8))
        #expect(value == .string(text))
        #expect(repairs.total == 0)
    }

    @Test(arguments: [
        #"{"a" 1}"#, #"{"a":1,}"#, #"[1 2]"#, #""open"#, #"{"a":tru}"#, #"[1]x"#, #""\q""#, "-", "[",
    ])
    func rejectsSyntaxErrors(_ text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func writerRoundTrips() throws {
        let text = #"{"a":"x\"y\\z\n","b":[1,2.5,null,true],"c":{"d":"é"}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
    }
}
