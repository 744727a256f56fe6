import Testing
@testable import SkypeLoad

/// Reading only some members of an object must agree with parsing the whole object: the same
/// values, and the same verdict on bad syntax anywhere, kept member or skipped.
@Suite struct JSONMemberTests {
    private static let keys = JSONKeyTable(["id", "content", "", "properties"])

    private func members(_ text: String) throws -> (isObject: Bool, values: [JSONValue?], repairs: RepairCounts) {
        var values: [JSONValue?] = [.string("left over from the last message")]
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
        #expect(found.values == [whole["id"], whole["content"], whole[""], whole["properties"]])
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
        let found = try members(#"{"skip":"\u0000\ud800","content":"x\u0000y"}"#)
        #expect(found.values[1] == .string("x\u{FFFD}y"))
        #expect(found.repairs.nulCharacters == 1)
        #expect(found.repairs.loneSurrogates == 0)
    }
}
