public import SkypeSupport

/// One streaming pass over `messages.json` that finds conversation and message boundaries
/// and hands them to a ``ShardBuilder``, without ever holding more than one message (or one
/// conversation header value) in memory.
///
/// It is a recursive-descent reader over a refillable window: the window keeps the bytes from
/// the start of the value being captured, so a message is copied once, into its shard. Inside
/// messages it only tracks strings and nesting; the worker parses each message fully.
public final class ExportSplitter {
    let source: any ByteSource
    let configuration: SplitterConfiguration
    let location: LoadError.Location
    private let builder: ShardBuilder

    var buffer: UnsafeMutableRawBufferPointer
    var position = 0
    var end = 0
    /// Stream offset of `buffer[0]`.
    var base: Int64 = 0
    /// Start of the value being captured; the window keeps everything from here.
    var mark: Int?
    var ended = false

    private var summary = ExportSummary()
    private var conversationOrdinal = 0
    /// The first message of a conversation whose id is not known yet: with its own keys, it
    /// names a conversation that has no id.
    private var firstMessageWithoutID: [UInt8]?
    /// Rejected messages of a conversation whose id comes after its MessageList (rare), named once it is known.
    private var oversized: [RejectRecord] = []

    /// Called with each message larger than `--max-value-bytes`, which is stepped over (never
    /// held in memory) instead of stopping the load. Unset, such a message is an error.
    package var onOversizedMessage: ((RejectRecord) throws -> Void)?

    /// - Parameters:
    ///   - source: the bytes of `messages.json`.
    ///   - location: the file and entry, for error messages.
    ///   - emit: called with each shard, in order, on the calling thread.
    public init(source: any ByteSource, configuration: SplitterConfiguration, location: LoadError.Location,
                emit: @escaping (Shard) throws -> Void) {
        self.source = source
        self.configuration = configuration
        self.location = location
        self.builder = ShardBuilder(shardBytes: configuration.shardBytes,
                                    spillDirectory: configuration.spillDirectory, emit: emit)
        let capacity = min(1 << 20, max(4096, configuration.maximumValueBytes))
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Bytes of JSON consumed so far.
    package var jsonOffset: Int64 { base + Int64(position) }

    /// What has been found so far; after ``run()`` threw, what was found before the error.
    package var summarySoFar: ExportSummary {
        var copy = summary
        copy.shards = builder.shardCount
        copy.jsonBytes = jsonOffset
        return copy
    }

    /// Reads the whole export, emitting shards as they fill.
    public func run() throws -> ExportSummary {
        try skipByteOrderMark()
        guard let first = try nextNonWhitespace(), first == UInt8(ascii: "{") else {
            throw LoadError(.notAnExport, "messages.json is not a JSON object", location: here(),
                            hint: "A Skype export's messages.json starts with {\"userId\": ...")
        }
        var sawConversations = false
        try forEachMember { key in
            switch key {
            case "conversations":
                sawConversations = true
                try readConversations()
            case "userId":
                summary.userID = try captureValue(limit: 1 << 16).flatMap { self.decodeText($0) }
                // Every export Microsoft made names its owner first. One that names it only
                // after its conversations has loaded them as nobody's ("") by then: the owner
                // must be the same for all of an export's shards.
                if !sawConversations {
                    builder.account = summary.userID ?? ""
                    summary.account = builder.account
                }
            case "exportDate":
                summary.exportDate = try captureValue(limit: 1 << 16).flatMap { self.decodeText($0) }
            default:
                try skipValue()
            }
        }
        if let extra = try nextNonWhitespace(), extra != 0 {
            throw syntaxError("unexpected data after the end of the export object")
        }
        guard sawConversations else {
            throw LoadError(.notAnExport, "messages.json has no \"conversations\" array", location: here(),
                            hint: "This JSON file is not a Skype export")
        }
        try builder.finish()
        return summarySoFar
    }

    // MARK: - Structure

    private func readConversations() throws {
        guard let first = try nextNonWhitespace() else { throw truncated("the conversations array") }
        if first == UInt8(ascii: "n") { try skipValue(); return }
        guard first == UInt8(ascii: "[") else {
            throw LoadError(.notAnExport, "\"conversations\" is not an array", location: here())
        }
        try forEachElement {
            guard let next = try self.nextNonWhitespace() else { throw self.truncated("the conversations array") }
            if next == UInt8(ascii: "n") { try self.skipValue(); return }
            guard next == UInt8(ascii: "{") else {
                throw self.syntaxError("conversation \(self.conversationOrdinal) is not an object")
            }
            try self.readConversation()
        }
    }

    private static let headerKeys: Set<String> = ["id", "displayName", "version", "properties", "threadProperties"]

    private func readConversation() throws {
        conversationOrdinal += 1
        builder.beginConversation()
        firstMessageWithoutID = nil
        oversized = []
        var header: [(String, [UInt8])] = []
        var id: String?
        var sawMessageList = false
        try forEachMember { key in
            if key == "MessageList" && !sawMessageList {
                sawMessageList = true
                try self.readMessageList(conversation: id)
            } else if Self.headerKeys.contains(key) && !header.contains(where: { $0.0 == key }) {
                let raw = try self.captureValue(limit: self.configuration.maximumValueBytes) ?? Array("null".utf8)
                header.append((key, raw))
                if key == "id", let text = self.decodeText(raw), !text.isEmpty {
                    id = text
                    self.builder.conversationIDKnown(text)
                }
            } else {
                try self.skipValue()
            }
        }
        var json: [UInt8] = [UInt8(ascii: "{")]
        for (index, (key, raw)) in header.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: "\"\(key)\":".utf8)
            json.append(contentsOf: raw)
        }
        json.append(UInt8(ascii: "}"))
        // A conversation without an id still loads, under a name that says so and that comes
        // from its content (its own keys and first message), not its position: a newer export
        // with another conversation before it names it the same.
        let conversationID = id ?? Self.nameWithoutID(header: json, firstMessage: firstMessageWithoutID ?? [])
        try builder.endConversation(id: conversationID, header: json)
        for var record in oversized {
            record.conversation = conversationID
            try onOversizedMessage?(record)
        }
        summary.conversations += 1
    }

    private func readMessageList(conversation: String?) throws {
        guard let first = try nextNonWhitespace() else { throw truncated("a MessageList") }
        if first == UInt8(ascii: "n") { try skipValue(); return }
        guard first == UInt8(ascii: "[") else {
            throw syntaxError("MessageList of conversation \(conversation ?? "#\(conversationOrdinal - 1)") is not an array")
        }
        var index = 0
        try forEachElement {
            _ = try self.nextNonWhitespace()
            let offset = self.jsonOffset
            self.mark = self.position
            defer { self.mark = nil }
            let stepOver = self.onOversizedMessage != nil
            let skipped = try self.skipValue(limit: self.configuration.maximumValueBytes, stepOver: stepOver)
            guard skipped == .kept else {
                let (reason, detail) = skipped == .tooLarge
                    ? (RejectReason.valueTooLarge, "larger than --max-value-bytes \(self.configuration.maximumValueBytes)")
                    : (RejectReason.invalidJSON, "nesting deeper than \(JSONParser.maximumDepth)")
                var record = RejectRecord(offset: offset, length: Int(self.jsonOffset - offset), conversation: "",
                                          messageIndex: index, reason: reason.rawValue, raw: nil, detail: detail)
                if let conversation, let report = self.onOversizedMessage {
                    // Said at once when the id is known: a conversation of many small
                    // rejects (messages nested too deep) would otherwise pile up here.
                    record.conversation = conversation
                    try report(record)
                } else {
                    self.oversized.append(record)
                }
                index += 1
                self.summary.messages += 1
                return
            }
            let start = self.mark ?? self.position
            if conversation == nil && index == 0 {
                self.firstMessageWithoutID = Array(UnsafeRawBufferPointer(rebasing: self.buffer[start..<self.position]))
            }
            try self.builder.addMessage(UnsafeRawBufferPointer(rebasing: self.buffer[start..<self.position]),
                                        offset: offset, index: index)
            index += 1
            self.summary.messages += 1
        }
    }

    static func nameWithoutID(header: [UInt8], firstMessage: [UInt8]) -> String {
        let seed = header.withUnsafeBytes { XXH64.hash($0) }
        let hash = firstMessage.withUnsafeBytes { XXH64.hash($0, seed: seed) }
        return "unknown-conversation-" + ASCIIDigits.hex(hash)
    }

    /// At `{`: calls `body` with each key, positioned at its value; `body` must consume the value.
    private func forEachMember(_ body: (String) throws -> Void) throws {
        position += 1
        guard let first = try nextNonWhitespace() else { throw truncated("an object") }
        if first == UInt8(ascii: "}") { position += 1; return }
        while true {
            guard let quote = try nextNonWhitespace() else { throw truncated("an object") }
            guard quote == UInt8(ascii: "\"") else { throw syntaxError("expected a key in quotes") }
            let key = try readKey()
            guard let colon = try nextNonWhitespace() else { throw truncated("an object") }
            guard colon == UInt8(ascii: ":") else { throw syntaxError("expected ':' after the key \"\(key)\"") }
            position += 1
            try body(key)
            guard let separator = try nextNonWhitespace() else { throw truncated("an object") }
            position += 1
            if separator == UInt8(ascii: ",") { continue }
            if separator == UInt8(ascii: "}") { return }
            position -= 1
            throw syntaxError("expected ',' or '}' after the value of \"\(key)\"")
        }
    }

    /// At `[`: calls `body` positioned at each element; `body` must consume the element.
    private func forEachElement(_ body: () throws -> Void) throws {
        position += 1
        guard let first = try nextNonWhitespace() else { throw truncated("an array") }
        if first == UInt8(ascii: "]") { position += 1; return }
        while true {
            try body()
            guard let separator = try nextNonWhitespace() else { throw truncated("an array") }
            position += 1
            if separator == UInt8(ascii: ",") { continue }
            if separator == UInt8(ascii: "]") { return }
            position -= 1
            throw syntaxError("expected ',' or ']' in an array")
        }
    }

    // MARK: - Values

    /// At the opening quote of a key; keys of interest are short and unescaped.
    private func readKey() throws -> String {
        mark = position
        defer { mark = nil }
        try skipValue(limit: 1 << 16)
        let start = (mark ?? position) + 1
        let raw = UnsafeRawBufferPointer(rebasing: buffer[start..<(position - 1)])
        return String(decoding: raw, as: UTF8.self)
    }

    /// Copies the next value's raw bytes; nil for `null`.
    private func captureValue(limit: Int) throws -> [UInt8]? {
        _ = try nextNonWhitespace()
        mark = position
        defer { mark = nil }
        try skipValue(limit: limit)
        let start = mark ?? position
        let raw = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<position]))
        return raw == Array("null".utf8) ? nil : raw
    }

    private func decodeText(_ raw: [UInt8]) -> String? {
        var repairs = RepairCounts()
        let value = raw.withUnsafeBytes { try? JSONParser.parse($0, repairs: &repairs) }
        return value?.text
    }
}
