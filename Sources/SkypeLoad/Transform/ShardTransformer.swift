import Foundation

/// A message's identity within one shard, exactly (no hash that could merge two distinct
/// messages). The conversation is numbered per shard, so that no conversation id is compared
/// as text.
struct MessageKey: Hashable {
    var conversation: Int
    var messageID: String
    var fingerprint: Int64

    /// The fingerprint already spreads distinct messages (repeats share their id as well);
    /// hashing the id's text too cost more than it spread. Equality compares all three.
    func hash(into hasher: inout Hasher) {
        hasher.combine(conversation)
        hasher.combine(fingerprint)
    }
}

/// A message's row and the JSON values its structure rows are read from.
struct ParsedMessage {
    var record: MessageRecord
    var properties: JSONValue?
    var references: JSONValue?

    /// What the message's markup and properties mean.
    var structureRows: [StructureRow] {
        StructureExtractor.rows(type: record.messageType, contentUTF8: record.contentUTF8, properties: properties,
                                amsReferences: references)
    }
}

/// Parses each message of a shard and writes the rows that represent it.
public struct ShardTransformer {
    public init() {}

    public func transform(_ shard: Shard) -> TransformedShard {
        var result = TransformedShard()
        // Rows take about the JSON's size again (content and body text, without the keys).
        var messageWriter = BinaryCopyWriter(reservingCapacity: shard.byteCount + shard.byteCount / 4)
        var conversationWriter = CopyWriter()
        var memberWriter = CopyWriter()
        var structureWriters: [StructureTable: CopyWriter] = [:]
        // Exact repeats within the shard are written once, so that the rows can be copied
        // straight into the tables when nothing else conflicts with them.
        // Bounded by the bytes too: a count is only what a frame claims, and each message takes
        // a frame header and at least two bytes.
        var identities = Set<MessageKey>(minimumCapacity: min(shard.messageCount, shard.byteCount / (MessageFrame.headerSize + 2)))
        var conversationNumbers: [String: Int] = [:]
        var typeTally = RunTally()
        // Reused from message to message.
        var members: [JSONMember?] = []
        for part in shard.parts {
            result.conversationIDs.append(part.conversationID)
            let conversation = conversationNumbers[part.conversationID] ?? conversationNumbers.count
            conversationNumbers[part.conversationID] = conversation
            part.forEachMessage { offset, index, bytes in
                var repairs = RepairCounts()
                switch Self.parse(bytes, conversationID: part.conversationID, offset: offset, index: index,
                                  members: &members, repairs: &repairs) {
                case let .success(parsed):
                    let record = parsed.record
                    result.repairs.add(repairs)
                    result.messages += 1
                    typeTally.count(record.messageType ?? "(none)")
                    guard identities.insert(MessageKey(conversation: conversation, messageID: record.messageID,
                                                         fingerprint: record.fingerprint)).inserted else { return }
                    result.rows += 1
                    for row in parsed.structureRows {
                        // Taken out and put back, so the buffer is never shared and copied.
                        var writer = structureWriters.removeValue(forKey: row.table) ?? CopyWriter()
                        writer.field(record.conversationID)
                        writer.field(record.messageID)
                        writer.field(record.fingerprint)
                        for field in row.values { field.write(to: &writer) }
                        writer.endRow()
                        structureWriters[row.table] = writer
                    }
                    record.write(to: &messageWriter)
                case let .failure(reason):
                    result.rejects[reason, default: 0] += 1
                    result.rejectRecords.append(Self.reject(reason, part: part, offset: offset, index: index, bytes: bytes))
                }
            }
            if let header = part.header {
                var repairs = RepairCounts()
                let parsed = try? header.withUnsafeBytes { try JSONParser.parse($0, repairs: &repairs) }
                if parsed == nil {
                    result.rejects[.invalidConversationHeader, default: 0] += 1
                    result.rejectRecords.append(RejectRecord(offset: 0, length: header.count, conversation: part.conversationID,
                                                             messageIndex: nil, reason: RejectReason.invalidConversationHeader.rawValue,
                                                             raw: String(decoding: header, as: UTF8.self)))
                }
                let value = parsed ?? .object([])
                result.repairs.add(repairs)
                let record = Self.conversation(from: value, id: part.conversationID)
                record.write(to: &conversationWriter, ordinal: shard.ordinal)
                for member in record.members {
                    memberWriter.field(record.id)
                    memberWriter.field(member)
                    memberWriter.endRow()
                }
                result.conversations += 1
            }
        }
        result.messageRows = messageWriter.finish()
        result.messageTypes = typeTally.counts()
        result.conversationRows = conversationWriter.buffer
        result.memberRows = memberWriter.buffer
        result.structureRows = structureWriters.mapValues(\.buffer)
        return result
    }

    static func reject(_ reason: RejectReason, part: ConversationPart, offset: Int64, index: Int,
                       bytes: UnsafeRawBufferPointer) -> RejectRecord {
        RejectRecord(offset: offset, length: bytes.count, conversation: part.conversationID, messageIndex: index,
                     reason: reason.rawValue, raw: String(decoding: bytes, as: UTF8.self))
    }

    /// The row for one message, or why it cannot have one.
    public static func message(from value: JSONValue, conversationID: String, offset: Int64, index: Int)
        -> Result<MessageRecord, RejectReason> {
        parse(value, conversationID: conversationID, offset: offset, index: index).map(\.record)
    }

    /// One message's JSON: its row and the values its structure rows come from, or why it
    /// cannot have a row. `members` is scratch space, reused from message to message.
    static func parse(_ bytes: UnsafeRawBufferPointer, conversationID: String, offset: Int64, index: Int,
                      members: inout [JSONMember?], repairs: inout RepairCounts) -> Result<ParsedMessage, RejectReason> {
        let isObject: Bool
        do {
            isObject = try JSONParser.members(of: bytes, keys: MessageMember.keys, into: &members, repairs: &repairs)
        } catch {
            return .failure(.invalidJSON)
        }
        guard isObject else { return .failure(.notAnObject) }
        return parse(members: members, conversationID: conversationID, offset: offset, index: index)
    }

    /// The same from a parsed message.
    static func parse(_ value: JSONValue, conversationID: String, offset: Int64, index: Int)
        -> Result<ParsedMessage, RejectReason> {
        guard case let .object(list) = value else { return .failure(.notAnObject) }
        var members = [JSONMember?](repeating: nil, count: MessageMember.keys.count)
        for member in list {
            var key = member.key
            // The first of a repeated key wins, as `value[key]` would have it.
            if let found = key.withUTF8({ MessageMember.keys.index(of: UnsafeRawBufferPointer($0)) }), members[found] == nil {
                members[found] = .value(member.value)
            }
        }
        return parse(members: members, conversationID: conversationID, offset: offset, index: index)
    }

    private static func parse(members: [JSONMember?], conversationID: String, offset: Int64, index: Int)
        -> Result<ParsedMessage, RejectReason> {
        let id = members[.id], arrival = members[.arrival], content = members[.content], type = members[.type]
        let from = members[.from], displayName = members[.displayName], version = members[.version]
        let properties = members[.properties]?.json, references = members[.references]?.json
        guard let arrivalText = arrival?.text, let time = SkypeTimestamp(arrivalText) else {
            return .failure(.unreadableTimestamp)
        }
        let contentUTF8 = content?.utf8
        let typeText = type?.text
        let sender = from?.text.map(normalizeSender)
        let fingerprint = MessageIdentity.fingerprint(sentAt: time, sender: sender, type: typeText, content: contentUTF8)
        let editTime = properties?["edittime"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        let deleteTime = properties?["deletetime"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        let record = MessageRecord(
            conversationID: conversationID,
            messageID: id?.text ?? "",
            fingerprint: fingerprint,
            sentTime: time,
            senderID: sender,
            senderName: displayName?.text,
            messageType: typeText,
            contentUTF8: contentUTF8,
            isEdited: editTime != nil,
            isDeleted: deleteTime != nil,
            isServerGenerated: properties?["isserversidegenerated"].map { $0 == .bool(true) || $0.text == "true" } ?? false,
            editedAtMilliseconds: editTime.flatMap(EpochTime.milliseconds),
            deletedAtMilliseconds: deleteTime.flatMap(EpochTime.milliseconds),
            version: version?.text.flatMap(ASCIIDigits.integerPart),
            properties: properties.flatMap { $0.isNull ? nil : JSONWriter.string($0) },
            amsReferences: references.flatMap { $0.isNull ? nil : JSONWriter.string($0) },
            sourceOffset: offset,
            sourceIndex: index)
        return .success(ParsedMessage(record: record, properties: properties, references: references))
    }

    /// The conversation's row, from the JSON object of its own keys.
    public static func conversation(from header: JSONValue, id: String) -> ConversationRecord {
        let threadProperties = header["threadProperties"]
        let displayName = header["displayName"]?.text
        let topic = threadProperties?["topic"]?.text
        let title = [displayName, topic].compactMap { $0 }.first { !$0.isEmpty } ?? id
        return ConversationRecord(
            id: id,
            displayName: displayName,
            title: title,
            kind: ConversationKind(conversationID: id),
            topic: topic,
            version: header["version"]?.text.flatMap(ASCIIDigits.integerPart),
            properties: header["properties"].flatMap { $0.isNull ? nil : JSONWriter.string($0) },
            threadProperties: threadProperties.flatMap { $0.isNull ? nil : JSONWriter.string($0) },
            members: members(threadProperties?["members"]))
    }

    /// `members` is either a JSON-encoded string of an array of ids, or an array of
    /// `{"MemberMri": ...}` objects (or, in some files, of plain ids).
    static func members(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        var list = value
        if case let .string(text) = value, let parsed = try? JSONParser.parse(text) { list = parsed }
        guard case let .array(elements) = list else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for element in elements {
            let id = element.text ?? element["MemberMri"]?.text ?? element["mri"]?.text ?? element["id"]?.text
            if let id, !id.isEmpty, seen.insert(id).inserted { result.append(id) }
        }
        return result
    }

    /// `from` as an MRI: a contacts URL keeps only what follows its last `/contacts/`.
    static func normalizeSender(_ from: String) -> String {
        guard from.utf8.starts(with: "http".utf8) else { return from }
        var url = from
        let found: String? = url.withUTF8 { bytes in
            let marker: StaticString = "/contacts/"
            guard let offset = ByteSearch.lastOffset(of: marker, in: UnsafeRawBufferPointer(bytes)) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[(offset + marker.utf8CodeUnitCount)...]), as: UTF8.self)
        }
        return found ?? from
    }
}

