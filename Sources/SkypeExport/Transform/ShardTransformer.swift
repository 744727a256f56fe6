import Foundation

/// A message's identity within one shard, exactly (no hash that could merge two distinct
/// messages). The conversation is numbered per shard, so that no conversation id is compared
/// as text; the account is the shard's.
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

/// The state of the message a shard wrote for an identity, to tell an exact repeat (one row)
/// from another state of the same message (the later one wins, ``MessageRevision``).
struct WrittenState {
    var revision: MessageRevision
    /// XXH64 of the content and the properties.
    var state: UInt64
    var offset: Int64
}

/// A message's row and the JSON values its structure rows are read from.
package struct ParsedMessage {
    package var record: MessageRecord
    var properties: JSONValue?
    var references: JSONValue?

    /// The rows and the names the markup gives.
    var structure: MessageStructure {
        StructureExtractor.structure(type: record.messageType, contentUTF8: record.contentUTF8, properties: properties,
                                     amsReferences: references)
    }
}

/// Parses each message of a shard and writes the rows that represent it.
public struct ShardTransformer {
    /// A transformer holds no state: one serves every shard.
    public init() {}

    /// The rows of a shard. A message that the shard holds in two states (an export with both
    /// the original and the edited copy) is written once, in its later state: when the later
    /// one comes second, the shard is transformed again without the earlier one.
    ///
    /// `setAside` names messages (by source offset) that become rejects whatever they hold:
    /// those the server refused in an earlier attempt at the shard.
    public func transform(_ shard: Shard, setAside: [Int64: ServerRefusal] = [:]) -> TransformedShard {
        var skipping = Set<Int64>()
        while true {
            let (result, superseded) = transform(shard, skipping: skipping, setAside: setAside)
            if superseded.isEmpty { return result }
            skipping.formUnion(superseded)
        }
    }

    /// One pass; also returns the offsets of messages it wrote that a later state of the same
    /// message supersedes.
    private func transform(_ shard: Shard, skipping: Set<Int64>, setAside: [Int64: ServerRefusal])
        -> (TransformedShard, Set<Int64>) {
        var result = TransformedShard()
        var superseded = Set<Int64>()
        // Rows take about the JSON's size again (content and body text, without the keys).
        var messageWriter = BinaryCopyWriter(reservingCapacity: shard.byteCount + shard.byteCount / 4)
        var structureWriters: [StructureTable: CopyWriter] = [:]
        // One row per identity within the shard, so that the rows can be copied straight into
        // the tables when nothing else conflicts with them. Sized by the count bounded by the
        // bytes: a count is only what a frame claims, and each message takes a frame header and
        // at least two bytes.
        var identities = [MessageKey: WrittenState](
            minimumCapacity: min(shard.messageCount, shard.byteCount / (MessageFrame.headerSize + 2)))
        var conversationNumbers: [String: Int] = [:]
        var typeTally = RunTally()
        // Reused from message to message.
        var members: [JSONMember?] = []
        // Thread events name people by MRI: their rows are written last, with the names the
        // whole shard shows.
        var names = NameDirectory()
        var lastNamedSender: String?
        var awaitingNames: [(record: MessageRecord, structure: MessageStructure, offset: Int64)] = []
        // The message row, in the order `messageRowOffsets` keeps (a refused row is found by its number).
        func write(_ record: MessageRecord, offset: Int64) {
            if let content = record.contentUTF8, content.count > ServerLimits.textSearchSafeBytes,
               let text = record.bodyText, text.utf8.count > ServerLimits.textSearchSafeBytes {
                result.textSearchChecks.append((offset, text))
            }
            record.write(to: &messageWriter)
            result.messageRowOffsets.append(offset)
        }
        for part in shard.parts {
            result.conversationIDs.append(part.conversationID)
            let conversation = conversationNumbers[part.conversationID] ?? conversationNumbers.count
            conversationNumbers[part.conversationID] = conversation
            part.forEachMessage { offset, index, bytes in
                var repairs = RepairCounts()
                let message = Self.read(bytes, conversationID: part.conversationID, account: shard.account, offset: offset,
                                        index: index, members: &members, repairs: &repairs)
                var parsed = message.parsed
                let structure = message.structure
                // Both are almost always empty, and a lookup hashes even then.
                if !setAside.isEmpty, let refusal = setAside[offset] {
                    parsed = .failure(refusal.reason)
                }
                switch parsed {
                case let .success(parsed):
                    var record = parsed.record
                    record.account = shard.account
                    result.repairs.add(repairs)
                    result.messages += 1
                    typeTally.count(record.messageType ?? "(none)")
                    if !skipping.isEmpty, skipping.contains(offset) { return }
                    let key = MessageKey(conversation: conversation, messageID: record.messageID, fingerprint: record.fingerprint)
                    let written = WrittenState(revision: record.revision, state: Self.stateHash(record), offset: offset)
                    if let earlier = identities[key] {
                        guard earlier.state != written.state,
                              Self.supersedes(record, earlier, in: shard, conversation: part.conversationID) else { return }
                        superseded.insert(earlier.offset)
                        return
                    }
                    identities[key] = written
                    result.rows += 1
                    // Compared first: runs of one sender are common, and the directory keeps the first name.
                    if let name = record.senderName, !name.isEmpty, let sender = record.senderID, sender != lastNamedSender {
                        names.note(sender, name)
                        lastNamedSender = sender
                    }
                    for row in structure.rows {
                        result.structureRowOffsets[row.table, default: []].append(offset)
                        // Taken out and put back, so the buffer is never shared and copied.
                        var writer = structureWriters.removeValue(forKey: row.table) ?? CopyWriter()
                        writer.field(record.conversationID)
                        writer.field(record.account)
                        writer.field(record.messageID)
                        writer.field(record.fingerprint)
                        for field in row.values { field.write(to: &writer) }
                        writer.endRow()
                        structureWriters[row.table] = writer
                    }
                    if structure.rows.isEmpty {
                        write(record, offset: offset)
                    } else if structure.needsNames {
                        names.add(structure.names)
                        awaitingNames.append((record, structure, offset))
                    } else {
                        names.add(structure.names)
                        record.readableText = ReadableText.render(structure, content: record.contentUTF8, names: names)
                        write(record, offset: offset)
                    }
                case let .failure(reason):
                    result.rejects[reason, default: 0] += 1
                    var reject = Self.reject(reason, part: part, offset: offset, index: index, bytes: bytes)
                    reject.detail = setAside[offset]?.detail
                    result.rejectRecords.append(reject)
                }
            }
            if let header = part.header {
                let (record, rejects) = Self.readConversation(header, id: part.conversationID, account: shard.account,
                                                             repairs: &result.repairs)
                for reason in rejects {
                    result.rejects[reason, default: 0] += 1
                    result.rejectRecords.append(RejectRecord(offset: 0, length: header.count, conversation: part.conversationID,
                                                             messageIndex: nil, reason: reason.rawValue,
                                                             raw: String(decoding: header, as: UTF8.self)))
                }
                if rejects.contains(.keyTooLong) { continue }
                // A one-to-one conversation's name is the other party's.
                if record.kind == .oneToOne, let name = record.displayName { names.note(record.id, name) }
                result.conversationRecords.append(record)
                result.conversations += 1
            }
        }
        for (record, structure, offset) in awaitingNames {
            var record = record
            record.readableText = ReadableText.render(structure, content: record.contentUTF8, names: names)
            write(record, offset: offset)
        }
        result.messageRows = messageWriter.finish()
        result.messageTypes = typeTally.counts()
        result.structureRows = structureWriters.mapValues(\.buffer)
        return (result, superseded)
    }

    /// Content and properties, the part of a message's state that its identity leaves out.
    private static func stateHash(_ record: MessageRecord) -> UInt64 {
        var hash = (record.contentUTF8 ?? []).withUnsafeBytes { XXH64.hash($0) }
        var properties = record.properties ?? ""
        hash = properties.withUTF8 { XXH64.hash(UnsafeRawBufferPointer($0), seed: hash) }
        return hash
    }

    /// Whether `record` is a later state than the one written at `earlier`. Only when their
    /// revisions tie is the earlier message read again (rare: one export, one message, two
    /// states with the same times and version).
    private static func supersedes(_ record: MessageRecord, _ earlier: WrittenState, in shard: Shard,
                                   conversation: String) -> Bool {
        if record.revision != earlier.revision { return earlier.revision < record.revision }
        var found: MessageRecord?
        var members: [JSONMember?] = []
        for part in shard.parts where part.conversationID == conversation && found == nil {
            part.forEachMessage { offset, index, bytes in
                guard offset == earlier.offset, found == nil else { return }
                var repairs = RepairCounts()
                found = try? parse(bytes, conversationID: conversation, offset: offset, index: index,
                                   members: &members, repairs: &repairs).get().record
            }
        }
        guard let found else { return false }
        return MessageRevision.laterState(record, than: found)
    }

    static func reject(_ reason: RejectReason, part: ConversationPart, offset: Int64, index: Int,
                       bytes: UnsafeRawBufferPointer) -> RejectRecord {
        RejectRecord(offset: offset, length: bytes.count, conversation: part.conversationID, messageIndex: index,
                     reason: reason.rawValue, raw: String(decoding: bytes, as: UTF8.self))
    }

    /// One message as a load reads it: parsed, its structure read, and rejected when one of
    /// its keys would not fit its index. The shard transform, `inspect` and `verify` all read
    /// messages through this.
    package static func read(_ bytes: UnsafeRawBufferPointer, conversationID: String, account: String, offset: Int64, index: Int,
                     members: inout [JSONMember?], repairs: inout RepairCounts)
        -> (parsed: Result<ParsedMessage, RejectReason>, structure: MessageStructure) {
        var parsed = parse(bytes, conversationID: conversationID, offset: offset, index: index,
                           members: &members, repairs: &repairs)
        // The keys of `messages` and of `participants` (where the sender goes).
        if case let .success(message) = parsed,
           ServerLimits.tooLongForAnIndex(conversationID, account, message.record.messageID)
            || ServerLimits.tooLongForAnIndex(conversationID, account, message.record.senderID) {
            parsed = .failure(.keyTooLong)
        }
        var structure = MessageStructure()
        if case let .success(message) = parsed {
            structure = message.structure
            if structure.rows.contains(where: \.tooLongForItsIndexes) { parsed = .failure(.keyTooLong) }
        }
        return (parsed, structure)
    }

    /// One message's JSON: its row and the values its structure rows come from, or why it
    /// cannot have a row. `members` is scratch space, reused from message to message.
    package static func parse(_ bytes: UnsafeRawBufferPointer, conversationID: String, offset: Int64, index: Int,
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
        let fingerprint = MessageIdentity.fingerprint(sentAt: time, sender: sender, type: typeText)
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
        if ServerLimits.tooLongForAnIndex(record.senderID) || ServerLimits.tooLongForAnIndex(record.messageType) {
            return .failure(.keyTooLong)
        }
        if let properties, !ServerLimits.numbersFit(properties) { return .failure(.numberOutOfRange) }
        if let references, !ServerLimits.numbersFit(references) { return .failure(.numberOutOfRange) }
        return .success(ParsedMessage(record: record, properties: properties, references: references))
    }

    /// A conversation's row from the keys its last part carries, as a load reads it, and the
    /// rejects it makes: keys that are not JSON (the row is still made, from the id), an id
    /// too long for the indexes (`keyTooLong`: no row). The shard transform and `inspect` both
    /// read conversations through this.
    package static func readConversation(_ header: [UInt8], id: String, account: String, repairs: inout RepairCounts)
        -> (record: ConversationRecord, rejects: [RejectReason]) {
        var rejects: [RejectReason] = []
        var headerRepairs = RepairCounts()
        let parsed = try? header.withUnsafeBytes { try JSONParser.parse($0, repairs: &headerRepairs) }
        if parsed == nil { rejects.append(.invalidConversationHeader) }
        repairs.add(headerRepairs)
        var record = conversation(from: parsed ?? .object([]), id: id)
        record.account = account
        // A member id no index takes is left out of `participants` (it stays in
        // `thread_properties`); a conversation id none takes leaves no row at all.
        record.members.removeAll { ServerLimits.tooLongForAnIndex(record.id, record.account, $0) }
        if ServerLimits.tooLongForAnIndex(record.id, record.account) { rejects.append(.keyTooLong) }
        return (record, rejects)
    }

    /// The conversation's row, from the JSON object of its own keys.
    private static func conversation(from header: JSONValue, id: String) -> ConversationRecord {
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
    private static func members(_ value: JSONValue?) -> [String] {
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

