import Foundation
@testable import SkypeExport
import SyntheticExport
import Testing
import SkypeSupport

/// Random exports (random nesting, escapes, unicode, key orders, whitespace, read sizes and
/// shard sizes): the streaming splitter plus the message parser must find exactly what
/// Foundation's JSON parser finds, conversation by conversation and message by message.
@Suite struct SplitterPropertyTests {
    struct RandomExport {
        var rng: SplitMix64
        var out = ""
        var keyCounter = 0

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
        mutating func space() -> String { ["", "", "", " ", "\n", "\t ", "\r\n  "][int(0..<7)] }

        mutating func string() -> String {
            let pieces = ["a", "Z", "hello world", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\ud83d\\ude00", "é", "東京",
                          "😀", "שלום", "<b>bold</b>", "&amp;", "{", "}", "[", "]", ",", ":", "\\r", "\\b\\f", "\\u0041"]
            var text = "\""
            for _ in 0..<int(0..<8) { text += pieces[int(0..<pieces.count)] }
            return text + "\""
        }

        mutating func uniqueKey() -> String {
            keyCounter += 1
            return "\"k\(keyCounter)\(chance(30) ? "\\u00e9" : "")\""
        }

        mutating func value(depth: Int) -> String {
            switch depth > 3 ? int(0..<4) : int(0..<7) {
            case 0: return string()
            case 1: return ["0", "-12", "1594056032575", "1594056032575.0", "3.25e-3", "1E+2"][int(0..<6)]
            case 2: return ["true", "false", "null"][int(0..<3)]
            case 3: return string()
            case 4, 5:
                var members: [String] = []
                for _ in 0..<int(0..<4) { members.append(space() + uniqueKey() + space() + ":" + space() + value(depth: depth + 1)) }
                return "{" + members.joined(separator: ",") + space() + "}"
            default:
                var elements: [String] = []
                for _ in 0..<int(0..<4) { elements.append(space() + value(depth: depth + 1)) }
                return "[" + elements.joined(separator: ",") + space() + "]"
            }
        }

        mutating func object(_ members: [(String, String)]) -> String {
            var all = members
            for _ in 0..<int(0..<3) { all.append((uniqueKey(), value(depth: 1))) }
            for index in stride(from: all.count - 1, to: 0, by: -1) { all.swapAt(index, int(0..<(index + 1))) }
            return "{" + space() + all.map { "\($0.0)" + space() + ":" + space() + $0.1 }.joined(separator: "," + space()) + space() + "}"
        }

        mutating func message(_ index: Int) -> String {
            object([("\"id\"", chance(50) ? "\"\(1_700_000_000_000 + index)\"" : String(1_700_000_000_000 + index)),
                    ("\"originalarrivaltime\"", "\"2025-03-08T17:33:29.92Z\""),
                    ("\"messagetype\"", "\"RichText\""),
                    ("\"content\"", string()),
                    ("\"properties\"", chance(50) ? "null" : value(depth: 2))])
        }

        mutating func export() -> String {
            var conversations: [String] = []
            for index in 0..<int(0..<6) {
                let messages = (0..<int(0..<25)).map { message($0) }
                conversations.append(object([
                    ("\"id\"", "\"19:c\(index)@thread.skype\""),
                    ("\"displayName\"", chance(30) ? "null" : string()),
                    ("\"threadProperties\"", chance(50) ? "null" : value(depth: 2)),
                    ("\"MessageList\"", "[" + messages.map { space() + $0 }.joined(separator: ",") + space() + "]"),
                ]))
            }
            return space() + object([("\"userId\"", "\"8:live:me\""),
                                     ("\"conversations\"", "[" + conversations.joined(separator: "," + space()) + "]")]) + space()
        }
    }

    /// A comparable text form of a value from either parser (booleans as numbers: Foundation
    /// does not tell them apart on Linux; numbers by value).
    static func canonical(_ value: Any) -> String {
        switch value {
        case let text as String: return "s:" + text
        case let number as NSNumber: return "n:\(number.doubleValue)"
        case let array as [Any]: return "[" + array.map(canonical).joined(separator: ",") + "]"
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\($0)=" + canonical(object[$0] as Any) }.joined(separator: ",") + "}"
        default: return "null"
        }
    }

    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case let .string(text): return "s:" + text
        case let .number(text): return "n:\(Double(text) ?? .nan)"
        case let .bool(flag): return "n:\(flag ? 1.0 : 0.0)"
        case let .array(elements): return "[" + elements.map { canonical($0) }.joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.sorted { $0.key < $1.key }.map { "\($0.key)=" + canonical($0.value) }.joined(separator: ",") + "}"
        case .null: return "null"
        }
    }

    @Test(arguments: 1...60)
    func splitterAgreesWithFoundation(seed: Int) throws {
        var generator = RandomExport(seed: UInt64(seed))
        let text = generator.export()
        let bytes = Array(text.utf8)

        let root = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "invalid export: \(text)")
        var expected: [String] = []
        for conversation in root["conversations"] as? [[String: Any]] ?? [] {
            for (index, message) in (conversation["MessageList"] as? [Any] ?? []).enumerated() {
                expected.append("\(conversation["id"] ?? "")#\(index) " + Self.canonical(message))
            }
        }

        var configuration = SplitterConfiguration()
        configuration.shardBytes = generator.int(1..<3000)
        configuration.spillDirectory = FileManager.default.temporaryDirectory.path
        var actual: [String] = []
        let splitter = ExportSplitter(source: MemoryByteSource(bytes, chunk: generator.int(1..<600)),
                                      configuration: configuration, location: .init(file: "random")) { shard in
            for part in shard.parts {
                try part.forEachMessage { _, index, raw in
                    var repairs = RepairCounts()
                    let value = try JSONParser.parse(raw, repairs: &repairs)
                    actual.append("\(part.conversationID)#\(index) " + Self.canonical(value))
                }
            }
        }
        let summary = try splitter.run()
        #expect(summary.messages == expected.count)
        #expect(actual.sorted() == expected.sorted())
        // Within a conversation the order is the export's.
        #expect(actual.filter { $0.hasPrefix("19:c0@") } == expected.filter { $0.hasPrefix("19:c0@") })
    }
}
