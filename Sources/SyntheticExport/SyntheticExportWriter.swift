import Foundation

/// Writes a realistic synthetic `messages.json`: the keys, types, markup and hazards that real
/// Skype exports contain (see `shared/skype-export-format.md`), streamed, in any size.
public struct SyntheticExportWriter {
    public let options: SyntheticExportOptions

    /// The media files, when the options ask for some.
    public let media: SyntheticMedia?

    public init(options: SyntheticExportOptions) {
        self.options = options
        media = options.mediaSizes.isEmpty ? nil : SyntheticMedia(sizes: options.mediaSizes, seed: options.seed)
    }

    /// Streams the JSON to `sink` in chunks of about 1 MiB.
    public func write(to sink: (inout [UInt8]) throws -> Void) throws -> SyntheticExportManifest {
        var rng = SplitMix64(seed: options.seed)
        var manifest = SyntheticExportManifest()
        var out: [UInt8] = []
        out.reserveCapacity(1 << 21)
        func flushIfLarge(_ out: inout [UInt8], _ manifest: inout SyntheticExportManifest) throws {
            if out.count >= 1 << 20 {
                manifest.bytes += out.count
                try sink(&out)
                out.removeAll(keepingCapacity: true)
            }
        }
        out += Array(#"{"userId":"8:live:.cid.5f7427f5c0ffee","exportDate":"2025-03-08T17:40","conversations":["#.utf8)
        let counts = conversationSizes(&rng)
        manifest.conversations = counts.count
        manifest.largestConversation = counts.max() ?? 0
        for (index, count) in counts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let conversation = Conversation(index: index, seed: options.seed)
            let listFirst = options.hazards && index % 7 == 3
            out += Array("{".utf8)
            if listFirst {
                try writeMessageList(conversation, count: count, rng: &rng, out: &out, manifest: &manifest, flush: flushIfLarge)
                out.append(UInt8(ascii: ","))
                out += conversation.headerJSON(hazards: options.hazards)
            } else {
                out += conversation.headerJSON(hazards: options.hazards)
                out.append(UInt8(ascii: ","))
                try writeMessageList(conversation, count: count, rng: &rng, out: &out, manifest: &manifest, flush: flushIfLarge)
            }
            out += Array("}".utf8)
            try flushIfLarge(&out, &manifest)
        }
        out += Array("]}\n".utf8)
        manifest.bytes += out.count
        try sink(&out)
        return manifest
    }

    /// Writes the export as a file.
    public func write(toFile path: String) throws -> SyntheticExportManifest {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        return try write { bytes in try handle.write(contentsOf: bytes) }
    }

    private func conversationSizes(_ rng: inout SplitMix64) -> [Int] {
        let total = options.messages
        let count = max(1, min(options.conversations, max(1, total)))
        var sizes = [Int](repeating: 0, count: count)
        var remaining = total
        if count >= 4 && total >= 400 {
            sizes[1] = total / 4
            remaining -= sizes[1]
        }
        if count >= 3 { sizes[count - 1] = 0 }  // one empty conversation
        let fillable = (0..<count).filter { sizes[$0] == 0 && !(count >= 3 && $0 == count - 1) }
        for _ in 0..<remaining {
            // Skewed: low indexes get more, as real chat lists do.
            let pick = fillable[Int(min(rng.next() % UInt64(fillable.count), rng.next() % UInt64(fillable.count)))]
            sizes[pick] += 1
        }
        return sizes
    }

    private func writeMessageList(_ conversation: Conversation, count: Int, rng: inout SplitMix64,
                                  out: inout [UInt8], manifest: inout SyntheticExportManifest,
                                  flush: (inout [UInt8], inout SyntheticExportManifest) throws -> Void) throws {
        out += Array(#""MessageList":["#.utf8)
        var previous: [UInt8]?
        var previousID: UInt64 = 0
        // Newest first, as real exports are.
        var time: UInt64 = 1_741_455_600_000 - UInt64(conversation.index) * 3_600_000
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            manifest.messages += 1
            if options.hazards, let previous, rng.next() % 97 == 0 {
                out += previous
                manifest.exactDuplicates += 1
                try flush(&out, &manifest)
                continue
            }
            time -= 1_000 + rng.next() % 600_000
            var id = time
            if options.hazards, previousID != 0, rng.next() % 211 == 0 {
                id = previousID
                manifest.sharedIDs += 1
            }
            let message = makeMessage(conversation, id: id, time: time, rng: &rng, manifest: &manifest)
            out += message
            previous = message
            previousID = id
            try flush(&out, &manifest)
        }
        out += Array("]".utf8)
    }

    private func makeMessage(_ conversation: Conversation, id: UInt64, time: UInt64, rng: inout SplitMix64,
                             manifest: inout SyntheticExportManifest) -> [UInt8] {
        let sender = conversation.members[Int(rng.next() % UInt64(conversation.members.count))]
        let roll = rng.next() % 100
        var type = "RichText"
        var content = ""
        // Content whose meaning is its JSON: text appended by a hazard would make it other text.
        var isJSON = false
        var properties = "null"
        var references = "null"
        switch roll {
        case _ where conversation.id == "48:calllogs":
            // The account's call log: `Text` whose content is JSON, its call id epoch-like.
            type = "Text"
            isJSON = true
            let state = ["accepted", "missed", "declined"][Int(roll % 3)]
            let other = conversation.members[conversation.members.count - 1]
            let times = state == "accepted"
                ? #","connectTime":"\#(isoTime(time - 400_000 - roll * 1000, fraction: 0))","endTime":"\#(isoTime(time, fraction: 0))""# : ""
            content = #"{"callId":"\#(time - 400_000)","callDirection":"\#(roll % 2 == 0 ? "incoming" : "outgoing")","callState":"\#(state)"\#(times),"originatorParticipant":{"id":"\#(other)","displayName":"\#(conversation.name(of: other))"},"targetParticipant":{"id":"\#(conversation.owner)"}}"#
        case 0..<70:
            content = text(&rng)
        case 70..<76:
            var doc = "0-weu-d8-" + hex(&rng, 32)
            if let media {
                doc = media.referencedDocument(for: id)
                references = #"["\#(doc)"]"#
            }
            let name = "\(rng.next() % 9999)"
            switch roll {
            case 70, 71, 72:
                type = "RichText/UriObject"
                content = #"<URIObject type="Picture.1" uri="https://api.asm.skype.com/v1/objects/\#(doc)" url_thumbnail="https://api.asm.skype.com/v1/objects/\#(doc)/views/imgt1" doc_id="\#(doc)">To view this shared photo, go to: <a href="https://login.skype.com/login/sso?go=xmmfallback?pic=\#(doc)">https://login.skype.com/login/sso?go=xmmfallback?pic=\#(doc)</a><OriginalName v="IMG_\#(name).jpg"/><FileSize v="\#(rng.next() % 3_000_000)"/></URIObject>"#
            case 73, 74:
                // The newer shape: size, end tags and a <meta> naming the file again.
                type = "RichText/UriObject"
                content = #"<URIObject type="Picture.1" uri="https://api.asm.skype.com/v1/objects/\#(doc)" url_thumbnail="https://api.asm.skype.com/v1/objects/\#(doc)/views/imgt1" width="1024" height="768" doc_id="\#(doc)">To view this shared photo, go to: <a href="https://login.skype.com/login/sso?go=xmmfallback?pic=\#(doc)">https://login.skype.com/login/sso?go=xmmfallback?pic=\#(doc)</a><OriginalName v="photo_\#(name).jpg"></OriginalName><FileSize v="\#(rng.next() % 3_000_000)"></FileSize><meta type="photo" originalName="photo_\#(name).jpg"></meta></URIObject>"#
            default:
                type = "RichText/Media_GenericFile"
                content = #"<URIObject type="File.1" uri="https://api.asm.skype.com/v1/objects/\#(doc)" url_thumbnail="https://api.asm.skype.com/v1/objects/\#(doc)/views/thumbnail" doc_id="\#(doc)">To view this file, go to: <a href="https://login.skype.com/login/sso?go=webclient.xmm&amp;docid=\#(doc)">https://login.skype.com/login/sso?go=webclient.xmm&amp;docid=\#(doc)</a><OriginalName v="notes \#(name).pdf"></OriginalName><FileSize v="\#(rng.next() % 3_000_000)"></FileSize></URIObject>"#
            }
        case 76..<80:
            type = "Event/Call"
            let callID = hex(&rng, 8) + "-" + hex(&rng, 4)
            func part(_ member: String, _ duration: String?) -> String {
                #"<part identity="\#(member)"><name>\#(conversation.name(of: member))</name>\#(duration.map { "<duration>\($0)</duration>" } ?? "")</part>"#
            }
            let other = sender == conversation.owner ? conversation.members[conversation.members.count - 1] : conversation.owner
            switch roll {
            case 76, 77:
                let duration = "\(rng.next() % 5000).\(rng.next() % 100)"
                content = #"<partlist type="ended" alt="" callId="\#(callID)">\#(part(sender, duration))\#(part(other, duration))</partlist>"#
            case 78:
                // Whole seconds, as some clients write them.
                content = #"<partlist type="ended" alt="" callId="\#(callID)">\#(part(sender, "\(rng.next() % 5000)"))</partlist>"#
            default:
                content = rng.next() % 2 == 0 ? #"<partlist type="missed" alt="" callId="\#(callID)"></partlist>"#
                    : #"<partlist type="started" alt="" callId="\#(callID)">\#(part(sender, nil))</partlist>"#
            }
        case 80..<83:
            // Membership and role changes among the conversation's members, whose names their
            // messages show.
            let target = conversation.members[Int(rng.next() % UInt64(conversation.members.count))]
            let event: String
            switch rng.next() % 5 {
            case 0, 1:
                type = "ThreadActivity/AddMember"
                event = "addmember"
            case 2:
                // Leaving: the initiator is the target.
                type = "ThreadActivity/DeleteMember"
                content = "<deletemember><eventtime>\(time)</eventtime><initiator>\(target)</initiator><target>\(target)</target></deletemember>"
                event = ""
            case 3:
                type = "ThreadActivity/DeleteMember"
                event = "deletemember"
            default:
                type = "ThreadActivity/RoleUpdate"
                content = "<roleupdate><eventtime>\(time)</eventtime><initiator>\(sender)</initiator><target><id>\(target)</id><role>admin</role></target></roleupdate>"
                event = ""
            }
            if !event.isEmpty {
                content = "<\(event)><eventtime>\(time)</eventtime><initiator>\(sender)</initiator><target>\(target)</target></\(event)>"
            }
        case 83..<88:
            // Replies: the quote's author with or without `8:`, the everyone-mention inside it.
            let author = roll == 83 ? String(sender.dropFirst(2)) : sender
            let everyone = roll == 84 ? #" <at id="_*_">all</at>"# : ""
            content = #"<quote author="\#(author)" authorname="\#(conversation.name(of: sender))" timestamp="\#(time / 1000 - 60)" conversation="\#(conversation.id)" messageid="\#(id - 60_000)" cuid="\#(rng.next() % 1_000_000_000)"><legacyquote>[\#(time / 1000 - 60)] \#(conversation.name(of: sender)): </legacyquote>\#(text(&rng))\#(everyone)<legacyquote>\#n\#n&lt;&lt;&lt; </legacyquote></quote>\#(text(&rng))"#
        case 88..<92:
            // Edit markers self-closing or not, attributes in any order.
            content = text(&rng) + (roll % 2 == 0
                ? #"<e_m a="\#(sender)" ts_ms="\#(time - 5000)" ts="\#(time / 1000)" t="61"></e_m>"#
                : #"<e_m ts_ms="\#(time - 5000)" t="61" ts="\#(time / 1000)" a="\#(sender)"/>"#)
            properties = #"{"edittime":"\#(time + 30_000)"}"#
        case 92..<94:
            content = ""
            properties = #"{"deletetime":"\#(time + 60_000)"}"#
        case 94..<96:
            let mention = roll == 94 ? #"<at id="\#(sender)">\#(conversation.name(of: sender))</at>"# : #"<at id="*">all</at>"#
            content = #"Hey \#(mention) <ss type="smile">:)</ss> "# + text(&rng)
            properties = #"{"emotions":[{"key":"like","users":[{"mri":"\#(sender)","time":\#(time + 1000),"value":"\#(time)"}]}]}"#
        case 96:
            // Reactions as a JSON-encoded string, the other form real files use.
            content = text(&rng)
            properties = #"{"emotions":"[{\"key\":\"heart\",\"users\":[{\"mri\":\"\#(sender)\",\"time\":\#(time + 2000)}]}]"}"#
        case 97:
            switch rng.next() % 7 {
            case 0:
                type = "RichText/Contacts"
                content = #"<contacts><c t="s" s="8:live:shared\#(rng.next() % 100)" f="Shared Person"/></contacts>"#
            case 1:
                type = "RichText/Location"
                content = #"<location isUserLocation="0" latitude="47639300" longitude="-122128700" address="1 Main St" pointOfInterest="Office"><a href="https://www.bing.com/maps">Location</a></location>"#
            case 2:
                type = "ThreadActivity/TopicUpdate"
                content = "<topicupdate><eventtime>\(time)</eventtime><initiator>\(sender)</initiator><value>New topic \(rng.next() % 50)</value></topicupdate>"
            case 3:
                type = "ThreadActivity/MemberJoined"
                content = #"{"initiator":"\#(sender)","members":[{"id":"8:live:joiner\#(rng.next() % 100)","friendlyname":"Joiner"}]}"#
            case 4:
                content = ""
                properties = #"{"isserversidegenerated":true}"#
            case 5:
                type = "ThreadActivity/PictureUpdate"
                content = "<pictureupdate><eventtime>\(time)</eventtime><initiator>\(sender)</initiator><value>URL@https://api.asm.skype.com/v1/objects/0-weu-d3-\(hex(&rng, 32))/views/avatar_fullsize</value></pictureupdate>"
            default:
                type = "EndToEndEncryption/Unknown\(rng.next() % 3)"
                content = "opaque payload"
            }
        default:
            type = "Poll"
            content = #"<URIObject type="Poll" title="Lunch on Friday?" expirationTimeMs="\#(time + 86_400_000)" optionsEncoded="Yes|No|Maybe" allowMultipleVotes="true">To view this poll, go to: <a href="https://go.skype.com/poll">https://go.skype.com/poll</a></URIObject>"#
        }
        var version = id
        var changed = false
        if let later = options.later, roll < 70, !isJSON {
            // Changed without drawing from the generator, so that the rest of the export stays
            // byte for byte what the earlier export holds.
            manifest.plainTexts += 1
            switch manifest.plainTexts % 97 {
            case 5 where manifest.edited < later.edits:
                manifest.edited += 1
                content = "Edited later: " + content + #"<e_m a="\#(sender)" ts_ms="\#(time)" ts="\#(time / 1000)" t="61"/>"#
                properties = #"{"edittime":"\#(time + 90_000)"}"#
                version = time + 90_000
                changed = true
            case 40 where manifest.deleted < later.deletes:
                manifest.deleted += 1
                content = ""
                properties = #"{"deletetime":"\#(time + 120_000)"}"#
                version = time + 120_000
                changed = true
            case 70 where manifest.reacted < later.reactions:
                manifest.reacted += 1
                properties = #"{"emotions":[{"key":"laugh","users":[{"mri":"8:live:reactor","time":\#(time + 5000)}]}]}"#
            default:
                break
            }
        }
        var contentJSON = jsonString(content)
        if options.hazards {
            // Drawn whether or not it is used, so that a later export stays in step; a changed
            // message keeps exactly the text it was changed to, and JSON content stays JSON.
            let draw = rng.next() % 500
            switch changed || isJSON ? 500 : draw {
            case 0: contentJSON.insert(contentsOf: Array(#"\u0000"#.utf8), at: contentJSON.count - 1)
            case 1: contentJSON.insert(contentsOf: Array(#"\ud83d"#.utf8), at: contentJSON.count - 1)
            case 2: contentJSON.insert(contentsOf: [0xC3, 0x28], at: contentJSON.count - 1)  // invalid UTF-8
            case 3: contentJSON.insert(contentsOf: Array(#"tab\there\\back\\slash \\N \\. line\nbreak"#.utf8), at: contentJSON.count - 1)
            case 4: contentJSON.insert(contentsOf: Array("😀 مرحبا".utf8), at: contentJSON.count - 1)
            default: break
            }
        }
        let fraction = time % 1000
        let arrival = isoTime(time, fraction: fraction)
        let displayName: String
        if sender == conversation.owner { displayName = rng.next() % 2 == 0 ? "null" : #""""# }
        else { displayName = jsonString(conversation.name(of: sender)).asString }
        var from = jsonString(sender).asString
        if options.hazards && rng.next() % 50 == 0 {
            from = jsonString("https://azeus1-client-s.gateway.messenger.live.com/v1/users/ME/contacts/" + sender).asString
        }
        // Built as bytes: the invalid UTF-8 hazard must reach the file as it is.
        var json = Array(#"{"id":"\#(id)","displayName":\#(displayName),"originalarrivaltime":"\#(arrival)","messagetype":"\#(type)","version":\#(version),"content":"#.utf8)
        json += contentJSON
        json += Array(#","conversationid":\#(jsonString(conversation.id).asString),"from":\#(from),"properties":\#(properties),"amsreferences":\#(references)}"#.utf8)
        return json
    }

    private func text(_ rng: inout SplitMix64) -> String {
        let target = max(1, Int(rng.next() % UInt64(2 * options.averageTextLength)))
        var text = ""
        while text.utf8.count < target {
            if !text.isEmpty { text += " " }
            let word = Self.words[Int(rng.next() % UInt64(Self.words.count))]
            text += word
            if rng.next() % 40 == 0 { text += " &amp; <b>bold</b>" }
            if rng.next() % 60 == 0 { text += #" <a href="https://example.org/x">https://example.org/x</a>"# }
        }
        return text
    }

    static let words = ("lorem ipsum dolor sit amet meeting tomorrow coffee project deadline review "
        + "thanks great idea photo weekend travel call later sounds good café naïve résumé über "
        + "straße 東京 привет שלום release build test database shard worker kafka postgres").split(separator: " ").map(String.init)

    private func hex(_ rng: inout SplitMix64, _ count: Int) -> String {
        var text = ""
        while text.count < count { text += String(rng.next(), radix: 16) }
        return String(text.prefix(count))
    }

    private func isoTime(_ ms: UInt64, fraction: UInt64) -> String {
        let seconds = Int(ms / 1000)
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        // Trailing zeros dropped, as Skype writes them: .920 becomes .92, .000 disappears.
        var fractionText = ""
        if fraction > 0 {
            fractionText = "." + pad(Int(fraction), 3)
            while fractionText.hasSuffix("0") { fractionText.removeLast() }
        }
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))\(fractionText)Z"
    }

    func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return out
    }
}

private extension Array where Element == UInt8 {
    var asString: String { String(decoding: self, as: UTF8.self) }
}
