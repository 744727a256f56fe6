@testable import SkypeExport
import Testing
import Foundation

/// Each message type with the markup real exports carry, and what must come out of it.
@Suite struct StructureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var message: String
        var expected: [StructureRow]
        var testDescription: String { name }
    }

    static func message(type: String, content: String, properties: String = "null", references: String = "null") -> String {
        let escaped = content.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"id":"1741455209205","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"\#(type)","content":"\#(escaped)","from":"8:live:ann","properties":\#(properties),"amsreferences":\#(references)}"#
    }

    static let cases: [Case] = [
        Case(name: "photo", message: message(type: "RichText/UriObject",
             content: #"<URIObject type="Picture.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d8-abc" url_thumbnail="https://api.asm.skype.com/v1/objects/0-weu-d8-abc/views/imgt1" doc_id="0-weu-d8-abc">To view this shared photo, go to: <a href="https://login.skype.com/x">https://login.skype.com/x</a><OriginalName v="IMG_0001.jpg"/><FileSize v="259699"/><meta type="photo" originalName="IMG_0001.jpg"/></URIObject>"#,
             references: #"["0-weu-d8-abc"]"#),
             expected: [StructureRow(table: .attachments, values: [.integer(0), .text("Picture.1"), .text("IMG_0001.jpg"), .integer(259699),
                        .text("0-weu-d8-abc"), .text("https://api.asm.skype.com/v1/objects/0-weu-d8-abc"),
                        .text("https://api.asm.skype.com/v1/objects/0-weu-d8-abc/views/imgt1")])]),
        Case(name: "file with an extra amsreference", message: message(type: "RichText/Media_GenericFile",
             content: #"<URIObject type="File.1" uri="u" doc_id="0-weu-d8-f1"><OriginalName v="report &amp; notes.pdf"/><FileSize v="12"/></URIObject>"#,
             references: #"["0-weu-d8-f1","0-weu-d8-f2"]"#),
             expected: [StructureRow(table: .attachments, values: [.integer(0), .text("File.1"), .text("report & notes.pdf"), .integer(12), .text("0-weu-d8-f1"), .text("u"), .text(nil)]),
                        StructureRow(table: .attachments, values: [.integer(1), .text(nil), .text(nil), .integer(nil), .text("0-weu-d8-f2"), .text(nil), .text(nil)])]),
        Case(name: "ended call", message: message(type: "Event/Call",
             content: #"<partlist type="ended" alt="" callId="c-123"><part identity="8:live:ann"><name>Ann</name><duration>84.82</duration></part><part identity="8:live:bob"><name>Bob B</name><duration>84.50</duration></part></partlist>"#),
             expected: [StructureRow(table: .calls, values: [.text("ended"), .text("c-123")]),
                        StructureRow(table: .callParticipants, values: [.integer(0), .text("8:live:ann"), .text("Ann"), .real(84.82)]),
                        StructureRow(table: .callParticipants, values: [.integer(1), .text("8:live:bob"), .text("Bob B"), .real(84.5)])]),
        Case(name: "missed call", message: message(type: "Event/Call",
             content: #"<partlist type="missed" callId="c-9"><part identity="8:live:bob"><name>Bob</name></part></partlist>"#),
             expected: [StructureRow(table: .calls, values: [.text("missed"), .text("c-9")]),
                        StructureRow(table: .callParticipants, values: [.integer(0), .text("8:live:bob"), .text("Bob"), .real(nil)])]),
        Case(name: "members added", message: message(type: "ThreadActivity/AddMember",
             content: "<addmember><eventtime>1741455209205</eventtime><initiator>8:live:ann</initiator><target>8:live:bob</target><target>8:live:cy</target></addmember>"),
             expected: [StructureRow(table: .threadEvents, values: [.text("AddMember"), .text("2025-03-08 17:33:29.205+00"), .text("8:live:ann"), .textArray(["8:live:bob", "8:live:cy"]), .text(nil)])]),
        Case(name: "topic changed", message: message(type: "ThreadActivity/TopicUpdate",
             content: "<topicupdate><eventtime>1741455209205</eventtime><initiator>8:live:ann</initiator><value>Trip &amp; plans</value></topicupdate>"),
             expected: [StructureRow(table: .threadEvents, values: [.text("TopicUpdate"), .text("2025-03-08 17:33:29.205+00"), .text("8:live:ann"), .textArray([]), .text("Trip & plans")])]),
        Case(name: "member joined (JSON body)", message: message(type: "ThreadActivity/MemberJoined",
             content: #"{"initiator":"8:live:ann","members":[{"id":"8:live:dee","friendlyname":"Dee"}]}"#),
             expected: [StructureRow(table: .threadEvents, values: [.text("MemberJoined"), .text(nil), .text("8:live:ann"), .textArray(["8:live:dee"]), .text(nil)])]),
        Case(name: "reactions as an array", message: message(type: "RichText", content: "hi",
             properties: #"{"emotions":[{"key":"like","users":[{"mri":"8:live:bob","time":1741455209205,"value":"1"},{"mri":"8:live:cy","time":1741455209305,"value":"2"}]},{"key":"laugh","users":[{"mri":"8:live:bob","time":1741455209405}]}]}"#),
             expected: [StructureRow(table: .reactions, values: [.text("like"), .text("8:live:bob"), .text("2025-03-08 17:33:29.205+00")]),
                        StructureRow(table: .reactions, values: [.text("like"), .text("8:live:cy"), .text("2025-03-08 17:33:29.305+00")]),
                        StructureRow(table: .reactions, values: [.text("laugh"), .text("8:live:bob"), .text("2025-03-08 17:33:29.405+00")])]),
        Case(name: "reactions as a JSON string", message: message(type: "RichText", content: "hi",
             properties: #"{"emotions":"[{\"key\":\"heart\",\"users\":[{\"mri\":\"8:live:bob\",\"time\":1741455209205}]}]"}"#),
             expected: [StructureRow(table: .reactions, values: [.text("heart"), .text("8:live:bob"), .text("2025-03-08 17:33:29.205+00")])]),
        Case(name: "poll", message: message(type: "Poll", content: #"<URIObject type="Poll" optionsEncoded="Pizza|Sushi|Tacos">Lunch?</URIObject>"#),
             expected: [StructureRow(table: .polls, values: [.text("Lunch?"), .textArray(["Pizza", "Sushi", "Tacos"])])]),
        Case(name: "shared contacts", message: message(type: "RichText/Contacts",
             content: #"<contacts><c t="s" s="8:live:dee" f="Dee Doe"/><c t="s" s="8:live:eve" f="Eve &amp; Co"/></contacts>"#),
             expected: [StructureRow(table: .sharedContacts, values: [.integer(0), .text("8:live:dee"), .text("Dee Doe"), .text("s")]),
                        StructureRow(table: .sharedContacts, values: [.integer(1), .text("8:live:eve"), .text("Eve & Co"), .text("s")])]),
        Case(name: "location", message: message(type: "RichText/Location",
             content: #"<location isUserLocation="0" latitude="47639300" longitude="-122128700" address="1 Microsoft Way, Redmond" pointOfInterest="Campus"><a href="https://www.bing.com/maps">Location</a></location>"#),
             expected: [StructureRow(table: .locations, values: [.real(47.6393), .real(-122.1287), .text("1 Microsoft Way, Redmond"), .text("Campus")])]),
        Case(name: "plain text has no structure", message: message(type: "RichText", content: "<b>just</b> words &lt;3"), expected: []),
        Case(name: "unknown type keeps only its raw content", message: message(type: "EndToEndEncryption/Whatever", content: "opaque"), expected: []),
        Case(name: "broken markup yields nothing, never an error", message: message(type: "Event/Call", content: "<partlist type=\"ended\"<part"),
             expected: []),
    ]

    @Test(arguments: cases)
    func extractsWhatTheMarkupMeans(_ testCase: Case) throws {
        let parsed = try ShardTransformer.parse(json: testCase.message, conversationID: "19:t@thread.skype").get()
        #expect(parsed.structure.rows == testCase.expected)
        #expect(parsed.record.sentAt == "2025-03-08 17:33:29.920000+00:00")
    }

    @Test func serverGeneratedBlanksAreFlagged() throws {
        let record = try ShardTransformer.parse(json: Self.message(type: "RichText", content: "", properties: #"{"isserversidegenerated":true}"#)).get().record
        #expect(record.isServerGenerated)
        #expect(record.bodyText == "")
    }

    @Test func conversationIDPrefixesGiveKinds() {
        #expect(ConversationKind(conversationID: "8:live:bob") == .oneToOne)
        #expect(ConversationKind(conversationID: "19:abc@thread.v2") == .group)
        #expect(ConversationKind(conversationID: "19:abc@p2p.thread.skype") == .group)
        #expect(ConversationKind(conversationID: "28:concierge") == .bot)
        #expect(ConversationKind(conversationID: "48:calllogs") == .ownList)
        #expect(ConversationKind(conversationID: "live:bob") == .other)
    }

    @Test func numbersWhereStringsBelongAndTheReverse() throws {
        let record = try ShardTransformer.parse(json: #"{"id":1741455209205,"originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"RichText","content":12345,"version":"1741455209205","from":"live:bob"}"#).get().record
        #expect(record.messageID == "1741455209205")
        #expect(record.content == "12345")
        #expect(record.version == 1741455209205)
        #expect(record.senderID == "live:bob")
    }
}
