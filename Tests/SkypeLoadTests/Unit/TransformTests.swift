@testable import SkypeExport
@testable import SkypeRuntime
import Testing

@Suite struct TransformTests {
    private func record(_ json: String, conversation: String = "19:g@thread.skype") throws -> MessageRecord {
        try ShardTransformer.parse(json: json, conversationID: conversation, offset: 10, index: 2).get().record
    }

    @Test func readsTheFieldsRealExportsHave() throws {
        let message = try record(#"{"id":"1741455209205","displayName":null,"originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","version":1741455209205.0,"content":"Hi <b>there</b>&amp;you","from":"https://x.gateway.messenger.live.com/v1/users/ME/contacts/8:live:bob","properties":{"edittime":"1741455219205"},"amsreferences":["0-weu-d8-1"]}"#)
        #expect(message.messageID == "1741455209205")
        #expect(message.sentAt == "2025-03-08 17:33:29.920000+00:00")
        #expect(message.senderID == "8:live:bob")
        #expect(message.senderName == nil)
        #expect(message.version == 1741455209205)
        #expect(message.bodyText == "Hi there&you")
        #expect(message.isEdited)
        #expect(message.editedAt == "2025-03-08 17:33:39.205+00")
        #expect(message.amsReferences == #"["0-weu-d8-1"]"#)
        #expect(message.sourceOffset == 10 && message.sourceIndex == 2)
    }

    @Test func deletedMessagesKeepTheirRow() throws {
        let message = try record(#"{"id":"1","originalarrivaltime":"2025-03-08T17:33:29Z","content":"","properties":{"deletetime":"1741455219205"}}"#)
        #expect(message.isDeleted)
        #expect(message.content == "")
    }

    @Test func unreadableTimeIsARejectNeverNow() throws {
        let result = ShardTransformer.parse(json: #"{"id":"1","originalarrivaltime":"yesterday","content":"x"}"#)
        #expect(throws: RejectReason.unreadableTimestamp) { try result.get() }
    }

    @Test func fingerprintSeparatesDistinctMessagesSharingAnIDAndKeepsEditsTogether() throws {
        let a = try record(#"{"id":"5","originalarrivaltime":"2025-03-08T17:33:29Z","content":"one","from":"8:a"}"#)
        let edited = try record(#"{"id":"5","originalarrivaltime":"2025-03-08T17:33:29Z","content":"two","from":"8:a","properties":{"edittime":"1741455219205"}}"#)
        let reacted = try record(#"{"id":"5","originalarrivaltime":"2025-03-08T17:33:29Z","content":"one","from":"8:a","properties":{"emotions":[]}}"#)
        let otherSender = try record(#"{"id":"5","originalarrivaltime":"2025-03-08T17:33:29Z","content":"one","from":"8:b"}"#)
        let otherTime = try record(#"{"id":"5","originalarrivaltime":"2025-03-08T17:33:30Z","content":"one","from":"8:a"}"#)
        #expect(a.fingerprint == edited.fingerprint && a.fingerprint == reacted.fingerprint)
        #expect(a.fingerprint != otherSender.fingerprint && a.fingerprint != otherTime.fingerprint)
        #expect(a.revision < edited.revision)
        #expect(!(a.revision < reacted.revision) && !(reacted.revision < a.revision))
    }

    @Test func membersInBothForms() throws {
        let asString = ShardTransformer.conversation(json: #"{"threadProperties":{"members":"[\"8:live:a\",\"8:live:b\"]"}}"#, id: "19:x")
        let asArray = ShardTransformer.conversation(json: #"{"threadProperties":{"members":[{"MemberMri":"8:live:a"},{"MemberMri":"8:live:b"}]}}"#, id: "19:x")
        #expect(asString.members == ["8:live:a", "8:live:b"])
        #expect(asArray.members == ["8:live:a", "8:live:b"])
    }

    @Test func conversationTitleFallsBackToTopicThenID() throws {
        let named = ShardTransformer.conversation(json: #"{"displayName":"Team"}"#, id: "19:x")
        let topic = ShardTransformer.conversation(json: #"{"displayName":null,"threadProperties":{"topic":"Trip"}}"#, id: "19:x")
        let bare = ShardTransformer.conversation(json: #"{"displayName":""}"#, id: "8:live:bob")
        #expect(named.title == "Team")
        #expect(topic.title == "Trip")
        #expect(bare.title == "8:live:bob")
        #expect(bare.kind == .oneToOne)
        #expect(named.kind == .group)
    }

    @Test func plainTextDoesNotGlueWords() {
        #expect(PlainText.from(html: "line one<br>line two") == "line one line two")
        #expect(PlainText.from(html: #"Hey <at id="8:live:a">Ann</at>, look"#) == "Hey @Ann, look")
        #expect(PlainText.from(html: #"<quote author="a"><legacyquote>[1] A: </legacyquote>quoted<legacyquote>&lt;&lt;&lt; </legacyquote></quote>reply"#) == "reply")
        #expect(PlainText.from(html: #"edited<e_m a="x" ts_ms="1" t="61"></e_m>"#) == "edited")
        #expect(PlainText.from(html: #"<ss type="smile">:)</ss> &lt;3 &#128512;"#) == ":) <3 😀")
    }

    @Test func shardCodecRoundTrips() throws {
        var part = ConversationPart(conversationID: "19:x", slice: 3, header: Array(#"{"id":"19:x"}"#.utf8))
        Array(#"{"id":"1"}"#.utf8).withUnsafeBytes { part.appendMessage($0, offset: 123, index: 4) }
        let shard = Shard(ordinal: 9, parts: [part, ConversationPart(conversationID: "8:y", slice: 0, header: nil)])
        let decoded = try ShardCodec.decode(ShardCodec.encode(shard))
        #expect(ShardKey.of(decoded) == ShardKey.of(shard))
        #expect(decoded.ordinal == 9)
        #expect(decoded.parts.map(\.conversationID) == ["19:x", "8:y"])
        #expect(decoded.parts[0].messageCount == 1)
        decoded.parts[0].forEachMessage { offset, index, bytes in
            #expect(offset == 123 && index == 4 && String(decoding: bytes, as: UTF8.self) == #"{"id":"1"}"#)
        }
    }
}

extension TransformTests {
    @Test(arguments: ["plain words", " lead", "trail ", "double  space", "space \nnewline", "tab\there", "nb\u{A0}sp", "", "東京 😀"])
    func plainTextFastPathAgreesWithTheFullPath(_ text: String) {
        // The same text with a harmless tag forces the full path.
        #expect(PlainText.from(html: text) == PlainText.from(html: text + "<i></i>"))
    }
}

extension TransformTests {
    @Test(arguments: ["<br>after a break", "  leading spaces", "<at id=\"x\">Ann</at> first", "plain", "trailing <br>", ""])
    func plainTextAppendedAfterOtherBytesIsTheSameText(_ html: String) {
        // The COPY writer appends the text after a row's earlier fields: those bytes (ending in
        // a letter, as a glued word would) must not change where spaces go.
        var output = Array("field".utf8)
        Array(html.utf8).withUnsafeBufferPointer { PlainText.append(html: $0, to: &output) }
        #expect(Array(output.dropFirst(5)) == Array(PlainText.from(html: html).utf8))
    }
}

extension TransformTests {
    /// The whitespace rule, one character at a time: spaces, tabs and no-break spaces collapse
    /// to one space, none at the start or end, none before a newline.
    private static func collapsedByHand(_ text: String) -> String {
        var output = ""
        var pending = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\u{A0}": pending = !output.isEmpty
            case "\n": pending = false; output.unicodeScalars.append(scalar)
            default:
                if pending { output += " " }
                pending = false
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    @Test func whitespaceCollapsesAsTheRuleSaysInTextOfAnyShape() {
        // Word-at-a-time scanning must agree with the rule wherever the spaces fall.
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "bc", " ", " ", "\t", "\n", "\u{A0}", "é", "東", "word "]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            #expect(PlainText.from(html: text) == Self.collapsedByHand(text), "\(Array(text.unicodeScalars))")
        }
    }
}

extension TransformTests {
    @Test func fingerprintsNeverChange() throws {
        // Stored in every row and part of its key: values computed by PostgreSQL's md5(), as
        // migration 006 computes them.
        #expect(MessageIdentity.fingerprint(sentAtUnixMicroseconds: 1_565_259_724_920_000, sender: "8:live:ann", type: "RichText")
            == -5101288389983918289)
        #expect(MessageIdentity.fingerprint(sentAtUnixMicroseconds: 1_565_259_724_920_000, sender: nil, type: nil)
            == 4395711597263814374)
        // The instant counts, not how its zone was written.
        let india = try #require(SkypeTimestamp("2025-03-08T17:33:29.92+05:30"))
        let utc = try #require(SkypeTimestamp("2025-03-08T12:03:29.92Z"))
        #expect(MessageIdentity.fingerprint(sentAt: india, sender: "8:a", type: nil)
            == MessageIdentity.fingerprint(sentAt: utc, sender: "8:a", type: nil))
    }

    @Test func md5MatchesAcrossBlockBoundaries() {
        // Python's hashlib.md5 of bytes (i * 37 + 11) % 251, first 8 bytes big-endian: lengths
        // around the padding's edges (55/56) and the block's (63/64/65), one block and several.
        let expected: [(Int, Int64)] = [
            (0, -3162216497309240828), (1, 1425670591532316419), (55, -642650577269767062),
            (56, 8767741003733924370), (63, 5265603227599423970), (64, 1759133438846936400),
            (65, 6270012261279203470), (119, 767544740637845507), (120, 3919975581326668775),
            (200, 5336071897073629980),
        ]
        for (length, value) in expected {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 251) }
            #expect(bytes.withUnsafeBytes { MD5.leading64($0) } == value, "\(length) bytes")
        }
    }
}
