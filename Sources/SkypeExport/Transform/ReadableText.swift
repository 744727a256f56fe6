/// The `body_text` of the kinds whose content is not the sender's words: what a person sees in
/// the chat, written from the message's structure rows, so that everything it says is also in
/// the structure tables. No ids, epoch times or numbers glued to names:
///
/// - thread events as sentences: "Owner One added Lee Park", "Lee Park left", "Owner One
///   changed the topic to Budget review", with display names from the shard's ``NameDirectory``
///   (MRIs where the export gives no name);
/// - calls: "Call, 5 min 12 s", "Missed call", "Call started";
/// - files, photos and videos by their file names (not Skype's "To view this file, go to: ..."
///   fallback), polls by question and options;
/// - shared contacts by name, locations by place and address.
///
/// Every other message (plain chat text, replies, reactions) is nil here: its text is the
/// content's ``PlainText``, gated by the rows alone (most messages have none).
package enum ReadableText {
    static func render(_ structure: MessageStructure, content: [UInt8]?, names: NameDirectory) -> [UInt8]? {
        let rows = structure.rows
        guard !rows.isEmpty else { return nil }
        let text: String?
        if let event = rows.first(where: { $0.table == .threadEvents }) {
            text = eventSentence(event.values, names: names)
        } else if let call = rows.first(where: { $0.table == .calls }) {
            text = callText(state: call.values.first?.string, participants: rows.filter { $0.table == .callParticipants })
        } else if structure.hasObject {
            text = objectsText(rows, content: content)
        } else if rows.contains(where: { $0.table == .sharedContacts }) {
            let contacts = list(rows.filter { $0.table == .sharedContacts }.compactMap { $0.values[2].string ?? $0.values[1].string })
            text = contacts.isEmpty ? "Contact" : contacts
        } else if let location = rows.first(where: { $0.table == .locations }) {
            text = locationText(location.values)
        } else {
            text = nil
        }
        return text.map { Array($0.utf8) }
    }

    // MARK: - Thread events

    /// From a `thread_events` row: event type, time, initiator, targets, value.
    static func eventSentence(_ values: [StructureValue], names: NameDirectory) -> String {
        let type = (values[0].string ?? "").lowercased()
        let initiatorID = values[2].string.flatMap { $0.isEmpty ? nil : $0 }
        let targetIDs = values[3].strings
        let value = values[4].string ?? ""
        let initiator = initiatorID.map(names.name(of:))
        let who = initiator ?? "Someone"
        let targets = list(targetIDs.map(names.name(of:)))
        let selfOnly = targetIDs.isEmpty || targetIDs == [initiatorID]
        switch type {
        case "addmember":
            if selfOnly { return "\(targetIDs.isEmpty ? who : targets) joined" }
            return initiator.map { "\($0) added \(targets)" } ?? "\(targets) joined"
        case "deletemember":
            if selfOnly { return "\(targetIDs.isEmpty ? who : targets) left" }
            return initiator.map { "\($0) removed \(targets)" } ?? "\(targets) left"
        case "memberjoined":
            return "\(targetIDs.isEmpty ? who : targets) joined"
        case "memberleft":
            return "\(targetIDs.isEmpty ? who : targets) left"
        case "topicupdate":
            return value.isEmpty ? "\(who) removed the topic" : "\(who) changed the topic to \(value)"
        case "pictureupdate":
            return "\(who) changed the group picture"
        case "roleupdate":
            let whom = targetIDs.isEmpty ? "a role" : "the role of \(targets)"
            return value.isEmpty ? "\(who) changed \(whom)" : "\(who) changed \(whom) to \(value)"
        default:
            // `HistoryDisclosedUpdate` and the like: "... changed history disclosed to true".
            var setting = values[0].string ?? "the conversation"
            if setting.hasSuffix("Update") { setting.removeLast("Update".count) }
            let words = spacedWords(setting)
            let about = targetIDs.isEmpty ? "" : " for \(targets)"
            return value.isEmpty || value.count > 200 || value.hasPrefix("URL@") || value.hasPrefix("http")
                ? "\(who) changed \(words)\(about)" : "\(who) changed \(words)\(about) to \(value)"
        }
    }

    /// `HistoryDisclosed` as `history disclosed`.
    private static func spacedWords(_ name: String) -> String {
        var words = ""
        for character in name {
            if character.isUppercase && !words.isEmpty { words.append(" ") }
            words.append(contentsOf: character.lowercased())
        }
        return words
    }

    // MARK: - Calls

    /// From `<partlist type>` and its parts: the longest participant's duration, in whole seconds.
    static func callText(state: String?, participants: [StructureRow]) -> String {
        switch state?.lowercased() {
        case "missed": return "Missed call"
        case "started": return "Call started"
        default: break
        }
        let seconds = participants.compactMap { $0.values[3].number }.filter(\.isFinite).max()
        if let seconds, seconds >= 0 { return "Call, " + duration(seconds) }
        // A call log's `declined`, `accepted`: a word, said as it is.
        guard let state = state?.lowercased(), state != "ended", !state.isEmpty else { return "Call ended" }
        return state.utf8.count <= 20 && state.allSatisfy(\.isLetter) ? "Call \(state)" : "Call"
    }

    /// `5 min 12 s`, `1 h 3 min`, `45 s`: zero parts left out.
    static func duration(_ seconds: Double) -> String {
        let total = Int(min(seconds.rounded(), 1e15))
        let hours = total / 3600, minutes = total / 60 % 60, rest = total % 60
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours) h") }
        if minutes > 0 { parts.append("\(minutes) min") }
        if rest > 0 || parts.isEmpty { parts.append("\(rest) s") }
        return parts.joined(separator: " ")
    }

    // MARK: - Files, photos, polls

    /// Each object by its file name (or what it is, when it has none), each poll as its question
    /// and options, after any words of the sender's outside the objects.
    static func objectsText(_ rows: [StructureRow], content: [UInt8]?) -> String {
        var parts: [String] = []
        for row in rows {
            switch row.table {
            case .attachments:
                // An `amsreferences` document without a URIObject is not shown in the chat.
                let kind = row.values[1].string, name = row.values[2].string.flatMap { $0.isEmpty ? nil : $0 }
                guard kind != nil || name != nil || row.values[5].string != nil else { continue }
                parts.append(name ?? label(ofKind: kind))
            case .polls:
                let question = row.values[0].string ?? "Poll"
                let options = row.values[1].strings
                parts.append(options.isEmpty ? "Poll: \(question)" : "Poll: \(question) (\(options.joined(separator: ", ")))")
            default:
                break
            }
        }
        let words = content.map { String(decoding: $0, as: UTF8.self) }.map(PlainText.from(html:)) ?? ""
        let objects = parts.joined(separator: ", ")
        return words.isEmpty ? objects : objects.isEmpty ? words : words + "\n" + objects
    }

    /// What an unnamed object is, from its `type` (`Picture.1`, `Video.1/...`, `Audio.1/...`).
    private static func label(ofKind kind: String?) -> String {
        let kind = (kind ?? "").lowercased()
        if kind.hasPrefix("picture") { return "Photo" }
        if kind.hasPrefix("video") { return "Video" }
        if kind.hasPrefix("audio") { return "Voice message" }
        if kind.hasPrefix("file") { return "File" }
        return "Attachment"
    }

    // MARK: - Contacts, locations

    /// From a `locations` row: the place's name and address, else its coordinates.
    static func locationText(_ values: [StructureValue]) -> String {
        let named = [values[3].string, values[2].string].compactMap { $0 }.filter { !$0.isEmpty }
        if !named.isEmpty { return named.joined(separator: ", ") }
        if let latitude = values[0].number, let longitude = values[1].number { return "Location \(latitude), \(longitude)" }
        return "Location"
    }

    /// `A`, `A and B`, `A, B and C`.
    static func list(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }
}

extension StructureValue {
    var string: String? {
        if case let .text(value) = self { return value }
        return nil
    }

    var strings: [String] {
        if case let .textArray(values) = self { return values }
        return []
    }

    var number: Double? {
        if case let .real(value) = self { return value }
        return nil
    }
}
