@testable import SkypeExport
import Testing

/// Reading only some members of an object must agree with parsing the whole object: the same
/// values, and the same verdict on bad syntax anywhere, kept member or skipped.
@Suite struct JSONMemberTests {
    /// `content` is read as UTF-8, the others as values.
    private static let keys = JSONKeyTable(["id", "content", "", "properties"], readingAsUTF8: ["content"])

    private func members(_ text: String) throws -> (isObject: Bool, values: [JSONMember?], repairs: RepairCounts) {
        var values: [JSONMember?] = [.value(.string("left over from the last message"))]
        var repairs = RepairCounts()
        let isObject = try Array(text.utf8).withUnsafeBytes {
            try JSONParser.members(of: $0, keys: Self.keys, into: &values, repairs: &repairs)
        }
        return (isObject, values, repairs)
    }

    @Test(arguments: [
        #"{"id":"1","content":"hi","other":{"x":[1,2,{"y":null}]},"properties":{"edittime":"5"}}"#,
        #"  {"content" : "a\"b\\c\u00e9\ud83d\ude00", "id" : 17.5e3 , "skip":"\u0041\n"}  "#,
        #"{"id":"first","id":"second","":"empty key","\u0069d":"escaped key"}"#,
        #"{"c\u006fntent":"escaped key first","content":"plain key second"}"#,
        #"{"content":"caf\u00e9 \"quoted\" 東京","id":"x"}"#, #"{"content":12.5}"#, #"{"content":{"nested":"object"}}"#,
        #"{"other":[[[],{}],"x",true,false,null,-0.5E+2],"id":null}"#,
        #"{}"#, #"[1,2]"#, #""text""#, #"12"#, #"null"#,
    ])
    func keptValuesAreTheParsedValues(_ text: String) throws {
        let whole = try JSONParser.parse(text)
        let found = try members(text)
        guard case .object = whole else {
            #expect(!found.isObject)
            return
        }
        #expect(found.isObject)
        #expect(found.values.map { $0?.json } == [whole["id"], whole["content"], whole[""], whole["properties"]])
        #expect(found.values[1]?.utf8 == whole["content"]?.text.map { Array($0.utf8) })
        if case .string = whole["content"] {
            #expect(found.values[1] == .utf8(Array((whole["content"]?.text ?? "").utf8)))
        }
    }

    @Test(arguments: [
        #"{"id":"1","skip":"\q"}"#, #"{"skip":[1 2],"id":"1"}"#, #"{"skip":{"a" 1}}"#, #"{"skip":tru}"#,
        #"{"skip":"open}"#, #"{"id":"1"} x"#, #"{"id":"1",}"#, #"{"skip":-}"#, #"{"skip":"\u12"}"#, #"[1,}"#,
        #"{"skip":{"a":1,}}"#, #"{"skip":[1,]}"#, #"{"id""#, "",
    ])
    func badSyntaxInASkippedMemberIsStillAnError(_ text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        #expect(throws: JSONParser.SyntaxError.self) { try members(text) }
    }

    @Test func nestingBeyondTheLimitIsAnErrorInSkippedMembersToo() {
        let deep = #"{"skip":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: JSONParser.SyntaxError.self) { try members(deep) }
    }

    @Test func repairsAreCountedInKeptValuesOnly() throws {
        let found = try members(#"{"skip":"\u0000\ud800","\u0000key":1,"content":"x\u0000y"}"#)
        #expect(found.values[1] == .utf8(Array("x\u{FFFD}y".utf8)))
        #expect(found.repairs.nulCharacters == 1)
        #expect(found.repairs.loneSurrogates == 0)
    }
}

extension JSONMemberTests {
    @Test(arguments: [
        [UInt8]("plain ascii text that is long enough for words".utf8), Array("café 東京 😀 привет, and more ascii".utf8),
        [0x61, 0xC3, 0x28], [0x61, 0x00, 0x62], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        Array(repeating: 0x61, count: 15) + [0xFF], [0xF0, 0x9F, 0x98, 0x80] + Array(repeating: 0x62, count: 9), [],
    ])
    func utf8CheckAgreesWithTheStandardLibrary(_ bytes: [UInt8]) {
        // Valid exactly when the standard library accepts it and it has no NUL (which is repaired).
        let expected = String(validating: bytes, as: UTF8.self) != nil && !bytes.contains(0)
        #expect(bytes.withUnsafeBytes(UTF8Repair.isValid) == expected)
    }
}
