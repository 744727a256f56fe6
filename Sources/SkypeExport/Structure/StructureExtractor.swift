import Foundation

/// Reads what a message's markup and properties mean (attachments, calls, membership and topic
/// events, reactions, polls, shared contacts, locations) into ``StructureRow``s. Each reader is
/// forgiving: markup it does not recognise yields no row, never an error; the raw content is
/// always kept in `messages.content`.
package enum StructureExtractor {
    /// The rows, and the people the markup names. The content is UTF-8, as messages keep it:
    /// most messages are text with inline tags, so the markup is tokenised (and a `String` of
    /// it made) only when it can carry structure.
    static func structure(type: String?, contentUTF8: [UInt8]?, properties: JSONValue?,
                          amsReferences: JSONValue?) -> MessageStructure {
        var structure = MessageStructure()
        let type = type ?? ""
        let content = contentUTF8 ?? []
        let isCall = type == "Event/Call"
        let isThreadEvent = type.hasPrefix("ThreadActivity/") || type == "Control/ThreadActivity"
        let (startsWithContacts, startsWithLocation, elements) = content.withUnsafeBytes { bytes in
            (Self.starts(bytes, with: "<contacts"), Self.starts(bytes, with: "<location"), Self.elements(bytes))
        }
        let isCallLog = content.first == UInt8(ascii: "{") && !isThreadEvent
            && content.withUnsafeBytes { ByteSearch.firstOffset(of: "\"callState\"", in: $0) != nil }
        let isContacts = startsWithContacts || type == "RichText/Contacts"
        let isLocation = startsWithLocation || type == "RichText/Location"
        let hasObject = elements.object
        let tokens = isCall || isThreadEvent || isContacts || isLocation || hasObject
            ? content.withUnsafeBufferPointer(MarkupScanner.tokens) : []
        var rows: [StructureRow] = []
        if hasObject || amsReferences != nil { rows += attachments(tokens, amsReferences: amsReferences) }
        if isCall { rows += calls(tokens, names: &structure.names) }
        if isCallLog { rows += callLog(String(decoding: content, as: UTF8.self), names: &structure.names) }
        if isThreadEvent {
            rows += threadEvent(type: type, content: String(decoding: content, as: UTF8.self), tokens: tokens,
                                names: &structure.names)
        }
        if hasObject { rows += polls(tokens) }
        if isContacts { rows += contacts(tokens) }
        if isLocation { rows += locations(content: String(decoding: content, as: UTF8.self), tokens: tokens) }
        if elements.quote { rows += content.withUnsafeBufferPointer { QuoteReader.rows($0, names: &structure.names) } }
        if elements.mention { rows += content.withUnsafeBufferPointer { MentionReader.rows($0, names: &structure.names) } }
        if let emotions = properties?["emotions"] { rows += reactions(emotions) }
        structure.rows = rows
        structure.hasObject = hasObject
        return structure
    }

    /// Whether the content holds a `<URIObject`, a `<quote` and an `<at` element, in one pass
    /// over its `<` (most text has none).
    static func elements(_ bytes: UnsafeRawBufferPointer) -> (object: Bool, quote: Bool, mention: Bool) {
        var object = false, quote = false, mention = false
        var index = 0
        while !(object && quote && mention), let open = ByteSearch.firstOffset(of: UInt8(ascii: "<"), in: bytes, from: index) {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[open...])
            if !object && starts(rest, with: "<URIObject") { object = true }
            if !quote && startsTag(rest, "<quote") { quote = true }
            if !mention && startsTag(rest, "<at") { mention = true }
            index = open + 1
        }
        return (object, quote, mention)
    }

    /// Whether `bytes` starts with `tag` (`<name` or `</name`, ASCII letters in any case) followed
    /// by what ends a tag name: a space, `>` or `/`.
    static func startsTag(_ bytes: UnsafeRawBufferPointer, _ tag: StaticString) -> Bool {
        let length = tag.utf8CodeUnitCount
        guard bytes.count > length else { return false }
        for offset in 0..<length where bytes[offset] | 0x20 != tag.utf8Start[offset] | 0x20 { return false }
        let after = bytes[length]
        return after == 0x20 || after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || after == 0x09 || after == 0x0A
    }

    /// Byte comparisons: `String.contains` goes through Foundation's locale-aware search, and
    /// `starts(with:)` on UTF-8 views is generic code walking both one element at a time.
    static func starts(_ bytes: UnsafeRawBufferPointer, with prefix: StaticString) -> Bool {
        guard let base = bytes.baseAddress, bytes.count >= prefix.utf8CodeUnitCount else { return false }
        return memcmp(base, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    // MARK: - Attachments

    /// `<URIObject type uri url_thumbnail doc_id>` with `<OriginalName v>` and `<FileSize v>`,
    /// plus any `amsreferences` document not named by a URIObject.
    static func attachments(_ tokens: [MarkupScanner.Token], amsReferences: JSONValue?) -> [StructureRow] {
        var rows: [StructureRow] = []
        var docIDs = Set<String>()
        var current: (attributes: [String: String], name: String?, size: Int64?)?
        func close() {
            guard let object = current else { return }
            current = nil
            let kind = object.attributes["type"] ?? ""
            if kind == "Poll" { return }
            let docID = object.attributes["doc_id"].flatMap { $0.isEmpty ? nil : $0 }
            if let docID { docIDs.insert(docID) }
            rows.append(StructureRow(table: .attachments, values: [
                .integer(Int64(rows.count)), .text(kind.isEmpty ? nil : kind), .text(object.name), .integer(object.size),
                .text(docID), .text(object.attributes["uri"]), .text(object.attributes["url_thumbnail"]),
            ]))
        }
        for token in tokens {
            switch token {
            case let .start(name, attributes, selfClosing):
                if name == "uriobject" {
                    close()
                    current = (attributes, nil, nil)
                    if selfClosing { close() }
                } else if name == "originalname", current != nil {
                    current?.name = attributes["v"]
                } else if name == "filesize", current != nil {
                    current?.size = attributes["v"].flatMap { Int64($0) }
                }
            case let .end(name) where name == "uriobject":
                close()
            default:
                break
            }
        }
        close()
        if case let .array(references)? = amsReferences {
            for reference in references {
                guard let docID = reference.text, !docID.isEmpty, !docIDs.contains(docID) else { continue }
                docIDs.insert(docID)
                rows.append(StructureRow(table: .attachments, values: [
                    .integer(Int64(rows.count)), .text(nil), .text(nil), .integer(nil), .text(docID), .text(nil), .text(nil),
                ]))
            }
        }
        return rows
    }

    // MARK: - Calls

    /// `<partlist type="started|ended|missed" callId>` with `<part identity><name/><duration/></part>`.
    static func calls(_ tokens: [MarkupScanner.Token]) -> [StructureRow] {
        var names = NameDirectory()
        return calls(tokens, names: &names)
    }

    /// The same, noting each participant's name.
    static func calls(_ tokens: [MarkupScanner.Token], names: inout NameDirectory) -> [StructureRow] {
        var rows: [StructureRow] = []
        var participants: [StructureRow] = []
        var part: (identity: String?, name: String?, duration: Double?)?
        var field: String?
        for token in tokens {
            switch token {
            case let .start(name, attributes, _):
                switch name {
                case "partlist":
                    rows.append(StructureRow(table: .calls, values: [.text(attributes["type"]), .text(attributes["callid"])]))
                case "part":
                    part = (attributes["identity"], nil, nil)
                case "name", "duration":
                    field = name
                default:
                    break
                }
            case let .text(text):
                if field == "name" { part?.name = text.trimmingWhitespace() }
                if field == "duration" { part?.duration = Double(text.trimmingWhitespace()) }
            case let .end(name):
                if name == "part", let finished = part {
                    if let identity = finished.identity, let name = finished.name { names.note(identity, name) }
                    participants.append(StructureRow(table: .callParticipants, values: [
                        .integer(Int64(participants.count)), .text(finished.identity), .text(finished.name), .real(finished.duration),
                    ]))
                    part = nil
                }
                if name == field { field = nil }
            }
        }
        return (rows.isEmpty ? [] : [rows[0]]) + participants
    }

    /// A `48:calllogs` entry: JSON with `callId`, `callState` (`accepted`, `missed`,
    /// `declined`...), `callDirection`, `originatorParticipant` and `targetParticipant`
    /// (`id`, `displayName`), and where present `connectTime`/`startTime` and `endTime`, from
    /// which both participants' duration is taken.
    static func callLog(_ content: String, names: inout NameDirectory) -> [StructureRow] {
        guard let json = try? JSONParser.parse(content), case .object = json else { return [] }
        var duration: Double?
        if let start = (json["connectTime"] ?? json["startTime"])?.text.flatMap(SkypeTimestamp.init),
           let end = json["endTime"]?.text.flatMap(SkypeTimestamp.init), end.unixMicroseconds >= start.unixMicroseconds {
            duration = Double(end.unixMicroseconds - start.unixMicroseconds) / 1_000_000
        }
        var rows = [StructureRow(table: .calls, values: [.text(json["callState"]?.text), .text(json["callId"]?.text)])]
        for key in ["originatorParticipant", "targetParticipant"] {
            guard let participant = json[key], let id = participant["id"]?.text else { continue }
            let name = participant["displayName"]?.text.flatMap { $0.isEmpty ? nil : $0 }
            if let name { names.note(id, name) }
            rows.append(StructureRow(table: .callParticipants, values: [
                .integer(Int64(rows.count - 1)), .text(id), .text(name), .real(duration),
            ]))
        }
        return rows
    }

    // MARK: - Thread events

    /// `<addmember><eventtime/><initiator/><target/>...<value/></addmember>` and the like, or the
    /// JSON bodies of `MemberJoined`/`MemberLeft`. Targets may also come as
    /// `<detailedtargetinfo><id/><friendlyName/></detailedtargetinfo>` (the name is noted) or, in
    /// a role update, as `<target><id/><role/></target>` (the role is the value). The event type
    /// of `Control/ThreadActivity` (other tools' files) is its root element's.
    static func threadEvent(type: String, content: String, tokens: [MarkupScanner.Token]) -> [StructureRow] {
        var names = NameDirectory()
        return threadEvent(type: type, content: content, tokens: tokens, names: &names)
    }

    static func threadEvent(type: String, content: String, tokens: [MarkupScanner.Token],
                            names: inout NameDirectory) -> [StructureRow] {
        var eventType = type.hasPrefix("ThreadActivity/") ? String(type.dropFirst("ThreadActivity/".count)) : ""
        var eventTime: String?
        var initiator: String?
        var targets: [String] = []
        var value: String?
        var role: String?
        var seen = Set<String>()
        func addTarget(_ id: String) {
            if !id.isEmpty && seen.insert(id).inserted { targets.append(id) }
        }
        if content.first == "{", let json = try? JSONParser.parse(content) {
            initiator = json["initiator"]?.text ?? json["initiatorMri"]?.text
            if case let .array(members)? = json["members"] ?? json["targets"] {
                for member in members {
                    guard let id = member.text ?? member["id"]?.text ?? member["mri"]?.text else { continue }
                    addTarget(id)
                    if let name = member["friendlyname"]?.text ?? member["friendlyName"]?.text { names.note(id, name) }
                }
            }
            value = json["value"]?.text
            eventTime = json["eventtime"]?.text.flatMap { EpochTime.postgresText(milliseconds: $0) }
        } else {
            var field: String?
            var text = ""
            var lastID: String?
            for token in tokens {
                switch token {
                case let .start(name, _, _):
                    if eventType.isEmpty { eventType = Self.eventTypes[name] ?? name }
                    field = name
                    text = ""
                case let .text(chunk):
                    text += chunk
                case let .end(name):
                    let trimmed = text.trimmingWhitespace()
                    if name == field {
                        switch name {
                        case "eventtime": eventTime = EpochTime.postgresText(milliseconds: trimmed)
                        case "initiator": initiator = trimmed
                        case "target", "id": addTarget(trimmed); lastID = trimmed
                        case "friendlyname": if let id = lastID { names.note(id, trimmed) }
                        case "role": role = trimmed
                        case "value": value = trimmed
                        default: break
                        }
                    }
                    field = nil
                    text = ""
                }
            }
        }
        if eventType.isEmpty { return [] }
        return [StructureRow(table: .threadEvents, values: [
            .text(eventType), .text(eventTime), .text(initiator), .textArray(targets), .text(value ?? role),
        ])]
    }

    /// Root elements of thread events, by the name their `ThreadActivity/` type has.
    static let eventTypes = [
        "addmember": "AddMember", "deletemember": "DeleteMember", "topicupdate": "TopicUpdate",
        "pictureupdate": "PictureUpdate", "roleupdate": "RoleUpdate",
    ]

    // MARK: - Polls, contacts, locations

    /// `<URIObject type="Poll" title="question" optionsEncoded="A|B">`: the question is the
    /// `title`, else the element's text (other tools' files).
    static func polls(_ tokens: [MarkupScanner.Token]) -> [StructureRow] {
        var rows: [StructureRow] = []
        var open: (options: [String], title: String?)?
        var question = ""
        for token in tokens {
            switch token {
            case let .start("uriobject", attributes, selfClosing) where attributes["type"] == "Poll":
                open = ((attributes["optionsencoded"] ?? "").split(separator: "|").map(String.init),
                        attributes["title"].map { $0.trimmingWhitespace() })
                question = ""
                if selfClosing { fallthrough }
            case .end("uriobject"):
                if let poll = open {
                    let trimmed = poll.title.flatMap { $0.isEmpty ? nil : $0 } ?? question.trimmingWhitespace()
                    rows.append(StructureRow(table: .polls, values: [.text(trimmed.isEmpty ? nil : trimmed), .textArray(poll.options)]))
                }
                open = nil
            case let .text(text) where open != nil:
                question += text
            default:
                break
            }
        }
        return rows
    }

    /// `<contacts><c t="s" s="8:live:id" f="Full Name"/></contacts>`.
    static func contacts(_ tokens: [MarkupScanner.Token]) -> [StructureRow] {
        var rows: [StructureRow] = []
        for case let .start("c", attributes, _) in tokens {
            rows.append(StructureRow(table: .sharedContacts, values: [
                .integer(Int64(rows.count)), .text(attributes["s"]), .text(attributes["f"]), .text(attributes["t"]),
            ]))
        }
        return rows
    }

    /// `<location latitude longitude address pointOfInterest>` (coordinates in microdegrees when
    /// they are integers beyond ±180), or a JSON body with the same keys.
    static func locations(content: String, tokens: [MarkupScanner.Token]) -> [StructureRow] {
        var attributes: [String: String] = [:]
        if content.first == "{", case let .object(members)? = try? JSONParser.parse(content) {
            for member in members { attributes[member.key.lowercased()] = member.value.text }
        } else if let location = tokens.first(where: { if case .start("location", _, _) = $0 { return true }; return false }),
                  case let .start(_, found, _) = location {
            attributes = found
        } else {
            return []
        }
        func degrees(_ key: String) -> Double? {
            guard let value = attributes[key].flatMap(Double.init) else { return nil }
            return abs(value) > 180 ? value / 1_000_000 : value
        }
        return [StructureRow(table: .locations, values: [
            .real(degrees("latitude")), .real(degrees("longitude")), .text(attributes["address"]),
            .text(attributes["pointofinterest"] ?? attributes["label"]),
        ])]
    }

    // MARK: - Reactions

    /// `properties.emotions`: an array, or a JSON-encoded string of one, of
    /// `{"key": "like", "users": [{"mri": "8:...", "time": ms, "value": "..."}]}`.
    static func reactions(_ emotions: JSONValue?) -> [StructureRow] {
        guard var list = emotions else { return [] }
        if case let .string(text) = list, let parsed = try? JSONParser.parse(text) { list = parsed }
        guard case let .array(entries) = list else { return [] }
        var rows: [StructureRow] = []
        var seen = Set<String>()
        for entry in entries {
            guard let key = entry["key"]?.text, case let .array(users)? = entry["users"] else { continue }
            for user in users {
                guard let mri = user["mri"]?.text, seen.insert(key + "\u{1}" + mri).inserted else { continue }
                rows.append(StructureRow(table: .reactions, values: [
                    .text(key), .text(mri), .text(user["time"]?.text.flatMap { EpochTime.postgresText(milliseconds: $0) }),
                ]))
            }
        }
        return rows
    }
}
