import Foundation
@testable import SkypeExport
@testable import SkypeSupport
import Testing

@Suite struct ExportSplitterTests {
    struct Split {
        var shards: [Shard]
        var summary: ExportSummary
        /// (conversation, slice, message index, raw JSON, offset) in emission order.
        var messages: [(String, Int, Int, String, Int64)] {
            shards.flatMap { shard in shard.parts.flatMap { part -> [(String, Int, Int, String, Int64)] in
                var list: [(String, Int, Int, String, Int64)] = []
                part.forEachMessage { offset, index, bytes in
                    list.append((part.conversationID, part.slice, index, String(decoding: bytes, as: UTF8.self), offset))
                }
                return list
            } }
        }
    }

    func split(_ json: String, shardBytes: Int = 1 << 20, chunk: Int = 7, maxValue: Int = 1 << 20) throws -> Split {
        var configuration = SplitterConfiguration()
        configuration.shardBytes = shardBytes
        configuration.maximumValueBytes = maxValue
        configuration.spillDirectory = FileManager.default.temporaryDirectory.path
        var shards: [Shard] = []
        let splitter = ExportSplitter(source: MemoryByteSource(json, chunk: chunk), configuration: configuration,
                                      location: .init(file: "test.json")) { shards.append($0) }
        let summary = try splitter.run()
        return Split(shards: shards, summary: summary)
    }

    static func message(_ id: Int, _ text: String = "hello") -> String {
        #"{"id":"\#(id)","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","content":"\#(text)","from":"8:live:a"}"#
    }

    @Test func groupsSmallConversationsIntoOneShard() throws {
        let json = #"{"userId":"8:me","exportDate":"2025-03-08T17:40","conversations":[{"id":"8:a","MessageList":[\#(Self.message(1)),\#(Self.message(2))]},{"id":"8:b","displayName":null,"MessageList":[]},{"id":"8:c","MessageList":null}]}"#
        let result = try split(json)
        #expect(result.shards.count == 1)
        #expect(result.shards[0].parts.map(\.conversationID) == ["8:a", "8:b", "8:c"])
        #expect(result.shards[0].parts.allSatisfy { $0.header != nil })
        #expect(result.summary.userID == "8:me")
        #expect(result.summary.exportDate == "2025-03-08T17:40")
        #expect(result.summary.conversations == 3)
        #expect(result.summary.messages == 2)
        #expect(result.messages.map(\.3) == [Self.message(1), Self.message(2)])
    }

    @Test func offsetsPointAtEachMessage() throws {
        let json = #"{"conversations":[ {"id":"8:a","MessageList":[ \#(Self.message(1)) , \#(Self.message(2))]}]}"#
        let bytes = Array(json.utf8)
        for (_, _, _, raw, offset) in try split(json).messages {
            let at = Int(offset)
            #expect(String(decoding: bytes[at..<(at + raw.utf8.count)], as: UTF8.self) == raw)
        }
    }

    @Test func cutsAGiantConversationIntoSlicesInOrder() throws {
        let messages = (0..<200).map { Self.message($0, String(repeating: "x", count: 50)) }
        let json = #"{"conversations":[{"id":"8:small","MessageList":[\#(Self.message(9))]},{"id":"19:big@thread.skype","MessageList":[\#(messages.joined(separator: ","))]},{"id":"8:after","MessageList":[]}]}"#
        let result = try split(json, shardBytes: 4096)
        let big = result.messages.filter { $0.0 == "19:big@thread.skype" }
        #expect(big.map(\.2) == Array(0..<200))
        let slices = Set(big.map(\.1))
        #expect(slices.count > 5)
        #expect(slices == Set(0..<slices.count))
        // Only the last slice carries the header.
        let bigParts = result.shards.flatMap(\.parts).filter { $0.conversationID == "19:big@thread.skype" }
        #expect(bigParts.filter { $0.header != nil }.count == 1)
        #expect(bigParts.last?.header != nil)
        #expect(result.shards.allSatisfy { $0.byteCount < 4096 + 2048 })
    }

    @Test func messageListBeforeIdStillNamesEverySlice() throws {
        let messages = (0..<100).map { Self.message($0) }
        let json = #"{"conversations":[{"MessageList":[\#(messages.joined(separator: ","))],"displayName":"","id":"19:late@thread.skype","threadProperties":{"topic":"T"}}]}"#
        let result = try split(json, shardBytes: 2048)
        #expect(result.messages.count == 100)
        #expect(result.messages.allSatisfy { $0.0 == "19:late@thread.skype" })
        #expect(result.messages.map(\.2) == Array(0..<100))
        let header = try #require(result.shards.last?.parts.last?.header)
        let value = try header.withUnsafeBytes { bytes in
            var repairs = RepairCounts()
            return try JSONParser.parse(bytes, repairs: &repairs)
        }
        #expect(value["id"] == .string("19:late@thread.skype"))
        #expect(value["threadProperties"]?["topic"] == .string("T"))
    }

    @Test func cutsAreTheSameWhateverTheReadSize() throws {
        let messages = (0..<120).map { Self.message($0, "m\($0)") }
        let json = #"{"conversations":[{"id":"8:a","MessageList":[\#(messages.joined(separator: ","))]},{"id":"8:b","MessageList":[\#(Self.message(1))]}]}"#
        let keys = try [1, 7, 4096, 1 << 20].map { chunk in
            try split(json, shardBytes: 3000, chunk: chunk).shards.map { ShardKey.of($0) }
        }
        #expect(Set(keys.map { $0.joined(separator: "|") }).count == 1)
        #expect(keys[0].count > 2)
    }

    @Test func conversationWithoutIdIsNamedByItsContentNotItsPosition() throws {
        let alone = try split(#"{"conversations":[{"displayName":null,"MessageList":[\#(Self.message(1))]}]}"#)
        let name = try #require(alone.messages.first?.0)
        #expect(name.hasPrefix("unknown-conversation-"))
        // A newer export with a conversation before it, and another conversation without an id.
        let later = try split(#"{"conversations":[{"id":"8:a","MessageList":[\#(Self.message(2))]},{"displayName":"x","MessageList":[\#(Self.message(3))]},{"displayName":null,"MessageList":[\#(Self.message(1))]}]}"#)
        #expect(later.messages.map(\.0).filter { $0 == name }.count == 1)
        #expect(Set(later.messages.map(\.0)).count == 3)
    }

    @Test func notAnObjectIsNotAnExport() {
        #expect { try split("[1,2]") } throws: { ($0 as? LoadError)?.code == .notAnExport }
        #expect { try split(#"{"userId":"x"}"#) } throws: { ($0 as? LoadError)?.code == .notAnExport }
    }

    @Test func truncationNamesTheOffset() throws {
        let json = #"{"conversations":[{"id":"8:a","MessageList":[\#(Self.message(1)),{"id":"2","content":"unfinished"#
        do {
            _ = try split(json)
            Issue.record("a truncated export was accepted")
        } catch let error as LoadError {
            #expect(error.code == .inputTruncated)
            #expect(error.location.offset == Int64(json.utf8.count))
            #expect(error.description.contains("test.json"))
            #expect(error.description.contains("at byte \(json.utf8.count)"))
        }
    }

    @Test func syntaxErrorsNameTheOffsetAndShowTheBytes() throws {
        let json = #"{"conversations":[{"id":"8:a" "MessageList":[]}]}"#
        do {
            _ = try split(json)
            Issue.record("a syntax error was accepted")
        } catch let error as LoadError {
            #expect(error.code == .inputCorrupt)
            #expect(error.location.offset == 30)
            #expect(error.context?.contains("MessageList") == true)
        }
    }

    @Test func mismatchedBracketsInsideAMessageAreCaught() {
        let json = #"{"conversations":[{"id":"8:a","MessageList":[{"id":"1","a":[1}]}]}"#
        #expect { try split(json) } throws: { ($0 as? LoadError)?.code == .inputCorrupt }
    }

    @Test func oversizedValueIsRefusedWithItsOffset() {
        let big = Self.message(1, String(repeating: "y", count: 10_000))
        let json = #"{"conversations":[{"id":"8:a","MessageList":[\#(big)]}]}"#
        #expect { try split(json, maxValue: 4096) } throws: { ($0 as? LoadError)?.code == .messageTooLarge }
    }

    @Test func agreesWithFoundationOnAGeneratedExport() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 12, hazards: false)
        let data = try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON))
        let result = try split(String(decoding: data, as: UTF8.self), shardBytes: 64 << 10, chunk: 65536)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let conversations = try #require(root["conversations"] as? [[String: Any]])
        var expected: [(String, Int, String)] = []
        for conversation in conversations {
            let id = conversation["id"] as? String ?? ""
            for (index, message) in (conversation["MessageList"] as? [[String: Any]] ?? []).enumerated() {
                expected.append((id, index, message["id"] as? String ?? ""))
            }
        }
        var repairs = RepairCounts()
        let actual = try result.messages.map { message -> (String, Int, String) in
            let value = try Array(message.3.utf8).withUnsafeBytes { try JSONParser.parse($0, repairs: &repairs) }
            return (message.0, message.2, value["id"]?.text ?? "")
        }
        #expect(actual.count == expected.count)
        #expect(actual.map { "\($0.0)/\($0.1)/\($0.2)" } == expected.map { "\($0.0)/\($0.1)/\($0.2)" })
    }
}

extension ExportSplitterTests {
    @Test func nullHeaderValuesStillMakeAValidHeader() throws {
        let json = #"{"conversations":[{"id":"19:g@thread.skype","displayName":null,"properties":null,"threadProperties":{"topic":"Trip","members":"[\"8:live:a\"]"},"MessageList":[]}]}"#
        let header = try #require(try split(json).shards.first?.parts.first?.header)
        var repairs = RepairCounts()
        let (conversation, rejects) = ShardTransformer.readConversation(header, id: "19:g@thread.skype", account: "8:live:me",
                                                                        repairs: &repairs)
        #expect(rejects.isEmpty)
        #expect(conversation.title == "Trip")
        #expect(conversation.displayName == nil)
        #expect(conversation.members == ["8:live:a"])
    }
}

/// Security review finding 1: a skipped value's brackets took one byte of memory each, without
/// a limit, so a 62 KB `.json.zst` of `[` under an unknown key took gigabytes.
extension ExportSplitterTests {
    func split(_ json: String, rejects: inout [RejectRecord]) throws -> Split {
        var configuration = SplitterConfiguration()
        configuration.spillDirectory = FileManager.default.temporaryDirectory.path
        var shards: [Shard] = []
        let splitter = ExportSplitter(source: MemoryByteSource(json, chunk: 4096), configuration: configuration,
                                      location: .init(file: "test.json")) { shards.append($0) }
        var found: [RejectRecord] = []
        splitter.onOversizedMessage = { found.append($0) }
        defer { rejects = found }
        let summary = try splitter.run()
        return Split(shards: shards, summary: summary)
    }

    @Test func aDeeplyNestedUnknownValueIsAnErrorAtItsOffset() throws {
        let depth = 200_000
        let json = #"{"userId":"8:me","x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + #","conversations":[]}"#
        var rejects: [RejectRecord] = []
        let error = try #require(throws: LoadError.self) { try split(json, rejects: &rejects) }
        #expect(error.code == .inputCorrupt)
        #expect(error.message.contains("nested deeper than \(JSONParser.maximumDepth)"))
        // Where: the bracket that went one level too deep.
        #expect(error.location.offset == Int64(#"{"userId":"8:me","x":"#.utf8.count + JSONParser.maximumDepth))
    }

    @Test func aMessageNestedTooDeepIsRejectedAndTheOthersLoad() throws {
        let deep = #"{"id":"2","a":"# + String(repeating: "{\"b\":[", count: 400) + "1" + String(repeating: "]}", count: 400) + "}"
        let json = #"{"conversations":[{"id":"8:a","MessageList":[\#(Self.message(1)),\#(deep),\#(Self.message(3))]}]}"#
        var rejects: [RejectRecord] = []
        let result = try split(json, rejects: &rejects)
        #expect(result.messages.map(\.3) == [Self.message(1), Self.message(3)])
        #expect(result.summary.messages == 3)
        #expect(rejects.map(\.reason) == [RejectReason.invalidJSON.rawValue])
        #expect(rejects.first?.messageIndex == 1 && rejects.first?.conversation == "8:a")
        #expect(rejects.first?.detail?.contains("nesting deeper than") == true)
    }

    @Test func aMessageAtTheDepthLimitReachesTheParser() throws {
        // The message object itself is one level: 511 more arrays make 512, which the parser reads.
        let nested = String(repeating: "[", count: JSONParser.maximumDepth - 1) + String(repeating: "]", count: JSONParser.maximumDepth - 1)
        let message = #"{"id":"1","a":\#(nested)}"#
        let json = #"{"conversations":[{"id":"8:a","MessageList":[\#(message)]}]}"#
        var rejects: [RejectRecord] = []
        let result = try split(json, rejects: &rejects)
        #expect(rejects.isEmpty)
        #expect(result.messages.map(\.3) == [message])
        var repairs = RepairCounts()
        #expect((try? Array(message.utf8).withUnsafeBytes { try JSONParser.parse($0, repairs: &repairs) }) != nil)
    }
}
