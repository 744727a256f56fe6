@testable import SkypeExport
import Testing
import Foundation

/// The `body_text` of each kind of message, with the content shapes real exports have, and the
/// structure rows that carry what the markup said.
@Suite struct ReadableTextTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var type: String
        var content: String
        var body: String
        /// Rows of the tables the case is about (reactions and the like left out).
        var rows: [StructureRow]? = nil
        var testDescription: String { name }
    }

    /// Names the shard shows elsewhere (other messages' `displayName`, call participants).
    static let shardNames: [(String, String)] = [("8:live:owner", "Owner One"), ("8:live:lee", "Lee Park")]

    /// A message's `body_text` and structure rows, as the transform makes them.
    static func transform(type: String, content: String) throws -> (body: String?, rows: [StructureRow]) {
        let escaped = content.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        let json = #"{"id":"1741455209205","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"\#(type)","content":"\#(escaped)","from":"8:live:owner"}"#
        let parsed = try ShardTransformer.parse(json: json, conversationID: "19:t@thread.skype").get()
        let structure = parsed.structure
        var names = NameDirectory()
        for (id, name) in shardNames { names.note(id, name) }
        names.add(structure.names)
        var record = parsed.record
        record.readableText = ReadableText.render(structure, content: record.contentUTF8, names: names)
        return (record.bodyText, structure.rows)
    }

    static let cases: [Case] = [
        // Replies: the quote is a row, the body the reply's own words.
        Case(name: "reply with legacyquote, author without 8:, everyone-mentions in and out of the quote", type: "RichText",
             content: #"<quote author="live:lee" authorname="Lee Park" timestamp="1741455000" conversation="19:t@thread.skype" messageid="1741455000123" cuid="4417263329011"><legacyquote>[1741455000] Lee Park: </legacyquote>Lunch at noon? <at id="_*_">all</at><legacyquote>\n\n&lt;&lt;&lt; </legacyquote></quote>Yes, <at id="*">all</at> of us"#,
             body: "Yes, @all of us",
             rows: [StructureRow(table: .quotes, values: [.integer(0), .text("1741455000123"), .text("19:t@thread.skype"), .text("live:lee"),
                                                          .text("Lee Park"), .text("2025-03-08 17:30:00.000+00"), .text("Lunch at noon? @all")]),
                    // The everyone-mention inside the quote is the quoted message's.
                    StructureRow(table: .mentions, values: [.integer(0), .text("*"), .text("all")])]),
        Case(name: "two quotes, one with a nested quote", type: "RichText",
             content: #"<quote author="8:live:a" messageid="1"><quote author="8:live:b">old</quote>first</quote><quote author="8:live:c" authorname="Cy" timestamp="1741455000000" messageid="2">second</quote> both"#,
             body: "both",
             rows: [StructureRow(table: .quotes, values: [.integer(0), .text("1"), .text(nil), .text("8:live:a"), .text(nil), .text(nil), .text("first")]),
                    StructureRow(table: .quotes, values: [.integer(1), .text("2"), .text(nil), .text("8:live:c"), .text("Cy"),
                                                          .text("2025-03-08 17:30:00.000+00"), .text("second")])]),
        Case(name: "mentions", type: "RichText", content: #"Hi <at id="8:live:lee">Lee Park</at> and <at id="*"></at>"#,
             body: "Hi @Lee Park and @everyone",
             rows: [StructureRow(table: .mentions, values: [.integer(0), .text("8:live:lee"), .text("Lee Park")]),
                    StructureRow(table: .mentions, values: [.integer(1), .text("*"), .text(nil)])]),
        // Edit markers, self-closing or not, attributes in any order.
        Case(name: "e_m self-closing", type: "RichText",
             content: #"Fixed the typo<e_m ts_ms="1741455209205" a="live:lee" t="61" ts="1741455209"/>"#, body: "Fixed the typo", rows: []),
        Case(name: "e_m with an end tag", type: "RichText",
             content: #"Fixed<e_m a="live:lee" ts_ms="1741455209205" ts="1741455209" t="61"></e_m> it"#, body: "Fixed it", rows: []),
        Case(name: "e_m never closed", type: "RichText", content: #"Fixed <e_m t="61" ts="1741455209">it"#, body: "Fixed it", rows: []),
        // Files and photos by name.
        Case(name: "photo with meta", type: "RichText/UriObject",
             content: #"<URIObject type="Picture.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d8-abc" url_thumbnail="https://api.asm.skype.com/v1/objects/0-weu-d8-abc/views/imgt1" width="1024" height="768" doc_id="0-weu-d8-abc">To view this shared photo, go to: <a href="https://login.skype.com/login/sso?go=xmmfallback?pic=0-weu-d8-abc">https://login.skype.com/login/sso?go=xmmfallback?pic=0-weu-d8-abc</a><OriginalName v="IMG_0001.jpg"></OriginalName><FileSize v="259699"></FileSize><meta type="photo" originalName="IMG_0001.jpg"></meta></URIObject>"#,
             body: "IMG_0001.jpg",
             rows: [StructureRow(table: .attachments, values: [.integer(0), .text("Picture.1"), .text("IMG_0001.jpg"), .integer(259699),
                    .text("0-weu-d8-abc"), .text("https://api.asm.skype.com/v1/objects/0-weu-d8-abc"),
                    .text("https://api.asm.skype.com/v1/objects/0-weu-d8-abc/views/imgt1")])]),
        Case(name: "file with Skype's fallback text", type: "RichText/Media_GenericFile",
             content: #"<URIObject type="File.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d8-f1" doc_id="0-weu-d8-f1">To view this file, go to: <a href="https://login.skype.com/login/sso?go=webclient.xmm&amp;docid=0-weu-d8-f1">https://login.skype.com/login/sso?go=webclient.xmm&amp;docid=0-weu-d8-f1</a><OriginalName v="report &amp; notes.pdf"/><FileSize v="12"/></URIObject>"#,
             body: "report & notes.pdf"),
        Case(name: "video without a name", type: "RichText/Media_Video",
             content: #"<URIObject type="Video.1/Message.1" uri="u" doc_id="0-weu-d8-v"><FileSize v="1"/></URIObject>"#, body: "Video"),
        Case(name: "album of two photos", type: "RichText/Media_Album",
             content: #"<URIObject type="Picture.1" doc_id="0-weu-d8-p1"><OriginalName v="a.jpg"/></URIObject><URIObject type="Picture.1" doc_id="0-weu-d8-p2"><OriginalName v="b.jpg"/></URIObject>"#,
             body: "a.jpg, b.jpg"),
        // Polls by question and options.
        Case(name: "poll with title", type: "Poll",
             content: #"<URIObject type="Poll" title="Where for lunch?" expirationTimeMs="1741541609205" optionsEncoded="Pizza|Sushi" allowMultipleVotes="true">To view this poll, go to: <a href="https://go.skype.com/poll">https://go.skype.com/poll</a></URIObject>"#,
             body: "Poll: Where for lunch? (Pizza, Sushi)",
             rows: [StructureRow(table: .polls, values: [.text("Where for lunch?"), .textArray(["Pizza", "Sushi"])])]),
        // Thread events as sentences, with the names the shard shows.
        Case(name: "member added", type: "ThreadActivity/AddMember",
             content: "<addmember><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><target>8:live:lee</target></addmember>",
             body: "Owner One added Lee Park",
             rows: [StructureRow(table: .threadEvents, values: [.text("AddMember"), .text("2020-07-11 11:33:25.492+00"), .text("8:live:owner"),
                                                                .textArray(["8:live:lee"]), .text(nil)])]),
        Case(name: "two members added, one unnamed, with detailed target info", type: "ThreadActivity/AddMember",
             content: "<addmember><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><detailedtargetinfo><id>8:live:dee</id><friendlyName>Dee Doe</friendlyName></detailedtargetinfo><target>8:live:dee</target><target>8:live:sam</target></addmember>",
             body: "Owner One added Dee Doe and 8:live:sam"),
        Case(name: "member left", type: "ThreadActivity/DeleteMember",
             content: "<deletemember><eventtime>1594467205492</eventtime><initiator>8:live:lee</initiator><target>8:live:lee</target></deletemember>",
             body: "Lee Park left"),
        Case(name: "member removed", type: "ThreadActivity/DeleteMember",
             content: "<deletemember><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><target>8:live:lee</target></deletemember>",
             body: "Owner One removed Lee Park"),
        Case(name: "topic changed", type: "ThreadActivity/TopicUpdate",
             content: "<topicupdate><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><value>Budget review</value></topicupdate>",
             body: "Owner One changed the topic to Budget review",
             rows: [StructureRow(table: .threadEvents, values: [.text("TopicUpdate"), .text("2020-07-11 11:33:25.492+00"), .text("8:live:owner"),
                                                                .textArray([]), .text("Budget review")])]),
        Case(name: "picture changed", type: "ThreadActivity/PictureUpdate",
             content: "<pictureupdate><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><value>URL@https://api.asm.skype.com/v1/objects/0-weu-d3-4f2e/views/avatar_fullsize</value></pictureupdate>",
             body: "Owner One changed the group picture"),
        Case(name: "role changed", type: "ThreadActivity/RoleUpdate",
             content: "<roleupdate><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><target><id>8:live:lee</id><role>admin</role></target></roleupdate>",
             body: "Owner One changed the role of Lee Park to admin",
             rows: [StructureRow(table: .threadEvents, values: [.text("RoleUpdate"), .text("2020-07-11 11:33:25.492+00"), .text("8:live:owner"),
                                                                .textArray(["8:live:lee"]), .text("admin")])]),
        Case(name: "history setting changed", type: "ThreadActivity/HistoryDisclosedUpdate",
             content: "<historydisclosedupdate><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><value>true</value></historydisclosedupdate>",
             body: "Owner One changed history disclosed to true"),
        Case(name: "member joined (JSON body)", type: "ThreadActivity/MemberJoined",
             content: #"{"initiator":"8:live:owner","members":[{"id":"8:live:joiner","friendlyname":"Jo Iner"}]}"#, body: "Jo Iner joined"),
        Case(name: "other tools' Control/ThreadActivity", type: "Control/ThreadActivity",
             content: "<addmember><eventtime>1594467205492</eventtime><initiator>8:live:owner</initiator><target>8:live:lee</target></addmember>",
             body: "Owner One added Lee Park"),
        // Calls.
        Case(name: "call ended, decimal durations", type: "Event/Call",
             content: #"<partlist type="ended" alt="" callId="1594467205492"><part identity="8:live:owner"><name>Owner One</name><duration>311.62</duration></part><part identity="8:live:lee"><name>Lee Park</name><duration>311.5</duration></part></partlist>"#,
             body: "Call, 5 min 12 s",
             rows: [StructureRow(table: .calls, values: [.text("ended"), .text("1594467205492")]),
                    StructureRow(table: .callParticipants, values: [.integer(0), .text("8:live:owner"), .text("Owner One"), .real(311.62)]),
                    StructureRow(table: .callParticipants, values: [.integer(1), .text("8:live:lee"), .text("Lee Park"), .real(311.5)])]),
        Case(name: "call ended, integer duration", type: "Event/Call",
             content: #"<partlist type="ended" alt=""><part identity="8:live:lee"><name>Lee Park</name><duration>3725</duration></part></partlist>"#,
             body: "Call, 1 h 2 min 5 s"),
        Case(name: "missed call, empty partlist", type: "Event/Call", content: #"<partlist type="missed" alt="" callId="c-1"></partlist>"#,
             body: "Missed call", rows: [StructureRow(table: .calls, values: [.text("missed"), .text("c-1")])]),
        Case(name: "call started", type: "Event/Call",
             content: #"<partlist type="started" alt=""><part identity="8:live:lee"><name>Lee Park</name></part></partlist>"#, body: "Call started"),
        // The call log (`48:calllogs`): JSON, whose call id looks like an epoch time.
        Case(name: "call log, accepted", type: "Text",
             content: #"{"callId":"1782900400000","callDirection":"incoming","callState":"accepted","connectTime":"2026-06-30T09:26:40.000Z","endTime":"2026-06-30T09:31:52.300Z","originatorParticipant":{"id":"8:live:bea","displayName":"Bea Stone"},"targetParticipant":{"id":"8:live:owner"}}"#,
             body: "Call, 5 min 12 s",
             rows: [StructureRow(table: .calls, values: [.text("accepted"), .text("1782900400000")]),
                    StructureRow(table: .callParticipants, values: [.integer(0), .text("8:live:bea"), .text("Bea Stone"), .real(312.3)]),
                    StructureRow(table: .callParticipants, values: [.integer(1), .text("8:live:owner"), .text(nil), .real(312.3)])]),
        Case(name: "call log, missed", type: "Text",
             content: #"{"callId":"1782900400000","callDirection":"incoming","callState":"missed","originatorParticipant":{"id":"8:live:bea"},"targetParticipant":{"id":"8:live:owner"}}"#,
             body: "Missed call"),
        Case(name: "call log, declined", type: "Text", content: #"{"callState":"declined","callId":"1782900400000"}"#, body: "Call declined"),
        // Contacts and locations by name and address.
        Case(name: "contacts", type: "RichText/Contacts",
             content: #"<contacts><c t="s" s="8:live:dee" f="Dee Doe"/><c t="s" s="8:live:eve" f="Eve &amp; Co"/></contacts>"#,
             body: "Dee Doe and Eve & Co"),
        Case(name: "location", type: "RichText/Location",
             content: #"<location isUserLocation="0" latitude="47639300" longitude="-122128700" address="1 Microsoft Way, Redmond" pointOfInterest="Campus"><a href="https://www.bing.com/maps">Location</a></location>"#,
             body: "Campus, 1 Microsoft Way, Redmond"),
    ]

    @Test(arguments: cases)
    func bodyTextIsWhatAPersonReads(_ testCase: Case) throws {
        let (body, rows) = try Self.transform(type: testCase.type, content: testCase.content)
        #expect(body == testCase.body)
        if let expected = testCase.rows {
            let tables = Set(expected.map(\.table))
            #expect(rows.filter { tables.contains($0.table) || (expected.isEmpty && $0.table == .quotes) } == expected)
        }
    }

    @Test func durationsReadAsClockParts() {
        #expect(ReadableText.duration(0.4) == "0 s")
        #expect(ReadableText.duration(45) == "45 s")
        #expect(ReadableText.duration(300) == "5 min")
        #expect(ReadableText.duration(3600) == "1 h")
        #expect(ReadableText.duration(.greatestFiniteMagnitude).hasSuffix(" s"))
    }
}
