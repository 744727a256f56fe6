import Foundation
@testable import SkypeExport
@testable import SkypeRuntime
import Testing
import SkypeReport
import SkypePostgres

/// Every message accounted for: loaded, merged as a repeat, or written to the reject file.
@Suite struct FidelityTests {
    static let mixedExport = """
        {"userId":"8:live:me","exportDate":"2025-03-08T17:40","conversations":[
         {"MessageList":[
           {"id":"1","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","content":"first","from":"8:live:a"},
           {"id":"2","originalarrivaltime":"yesterday","messagetype":"RichText","content":"no time","from":"8:live:a"},
           {"id":"3","originalarrivaltime":"2025-03-08T17:33:30Z","messagetype":"RichText","content":"x" "oops":1},
           42,
           {"id":"1","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","content":"first","from":"8:live:a"},
           {"id":"1","originalarrivaltime":"2025-03-08T17:34:00Z","messagetype":"RichText","content":"same id, other message","from":"8:live:b"},
           {"id":"5","originalarrivaltime":"2025-03-08T17:35:00Z","messagetype":"Event/Call","content":"<partlist type=\\"ended\\" callId=\\"c1\\"><part identity=\\"8:live:a\\"><name>A</name><duration>61.5</duration></part></partlist>","from":"https://x.gateway.messenger.live.com/v1/users/ME/contacts/8:live:a","properties":{"emotions":"[{\\"key\\":\\"like\\",\\"users\\":[{\\"mri\\":\\"8:live:b\\",\\"time\\":1741455209205}]}]"}}
         ],"id":"19:mixed@thread.skype","displayName":null,"threadProperties":{"topic":"Mixed","members":[{"MemberMri":"8:live:a"},{"MemberMri":"8:live:b"}]}},
         {"id":"8:live:a","displayName":"","threadProperties":null,"MessageList":[
           {"id":"1","originalarrivaltime":"2025-03-08T17:33:29.92Z","messagetype":"RichText","content":"first","from":"8:live:a"}]}
        ]}
        """

    @Test func validMessagesLoadAndEachBrokenOneIsRejectedOnce() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = directory.path("mixed.json")
        try Data(Self.mixedExport.utf8).write(to: URL(fileURLWithPath: export))
        let rejects = directory.path("rejects.jsonl")
        let output = try Shell.run(TestEnvironment.loaderExecutable, [
            "--database", db.url, "--schema", db.schema, "--quiet", "--rejects", rejects, export,
        ])
        #expect(output.status == LoadOutcome.loadedWithRejects, "\(output.stderr)")
        #expect(output.stdout.contains("rejected"))
        // 3 rows in the group (the exact repeat merged, the other message with id 1 kept), 1 in the chat.
        #expect(try db.count("messages") == 4)
        #expect(try db.scalar("SELECT count(*) FROM $schema.messages WHERE conversation_id = '19:mixed@thread.skype' AND message_id = '1'") == "2")
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.reason).sorted() == ["invalid_json", "not_an_object", "unreadable_timestamp"])
        #expect(records.allSatisfy { $0.export == export && $0.conversation == "19:mixed@thread.skype" })
        #expect(records.map(\.messageIndex).compactMap { $0 }.sorted() == [1, 2, 3])
        let bytes = Array(Self.mixedExport.utf8)
        for record in records {
            let raw = String(decoding: bytes[Int(record.offset)..<(Int(record.offset) + record.length)], as: UTF8.self)
            #expect(raw == record.raw)
        }
        // Structure, sender normalisation, title fallback, members in their array form.
        #expect(try db.scalar("SELECT sender_id FROM $schema.messages WHERE message_id = '5'") == "8:live:a")
        #expect(try db.scalar("SELECT duration_seconds FROM $schema.call_participants") == "61.5")
        #expect(try db.scalar("SELECT user_id FROM $schema.reactions") == "8:live:b")
        #expect(try db.scalar("SELECT title FROM $schema.conversations WHERE id = '19:mixed@thread.skype'") == "Mixed")
        #expect(try db.scalar("SELECT title FROM $schema.conversations WHERE id = '8:live:a'") == "8:live:a")
        #expect(try db.scalar("SELECT count(*) FROM $schema.participants WHERE conversation_id = '19:mixed@thread.skype' AND source = 'member'") == "2")
        #expect(try db.scalar("SELECT report->'rejects'->>'invalid_json' FROM $schema.load_runs") == "1")
    }

    @Test func inspectFindsTheFirstAndLastMessageAsInstantsWhateverTheirZones() throws {
        // As text, 06:00Z sorts before 10:00+05:00; as instants it is an hour later.
        let directory = try ScratchDirectory()
        let export = directory.path("zones.json")
        try Data("""
            {"userId":"8:live:me","exportDate":"2025-03-08T17:40","conversations":[{"id":"8:live:a","MessageList":[
              {"id":"1","originalarrivaltime":"2025-03-08T06:00:00Z","messagetype":"RichText","content":"b","from":"8:live:a"},
              {"id":"2","originalarrivaltime":"2025-03-08T10:00:00+05:00","messagetype":"RichText","content":"a","from":"8:live:a"},
              {"id":"3","originalarrivaltime":"2025-03-08T05:30:00-01:00","messagetype":"RichText","content":"c","from":"8:live:a"}
            ]}]}
            """.utf8).write(to: URL(fileURLWithPath: export))
        let report = try Inspector(exportPath: export).run()
        #expect(report.firstMessageAt == "2025-03-08 10:00:00.000000+05:00")
        #expect(report.lastMessageAt == "2025-03-08 05:30:00.000000-01:00")
    }

    @Test func inspectDescribesWithoutADatabase() throws {
        let directory = try ScratchDirectory()
        let export = directory.path("mixed.json")
        try Data(Self.mixedExport.utf8).write(to: URL(fileURLWithPath: export))
        let report = try Inspector(exportPath: export).run()
        #expect(report.owner == "8:live:me")
        #expect(report.exportDate == "2025-03-08T17:40")
        #expect(report.conversations == 2)
        #expect(report.conversationsByKind == ["group": 1, "one_to_one": 1])
        #expect(report.messages == 8)
        #expect(report.repeatedMessages == 1)
        #expect(report.rejects == ["invalid_json": 1, "not_an_object": 1, "unreadable_timestamp": 1])
        #expect(report.messagesByType == ["RichText": 4, "Event/Call": 1])
        #expect(report.structure["calls"] == 1 && report.structure["reactions"] == 1)
        #expect(report.largestConversations.first?.title == "Mixed")
        #expect(report.firstMessageAt == "2025-03-08 17:33:29.920000+00:00")

        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["inspect", export])
        #expect(cli.status == 0)
        #expect(cli.stdout.contains("would reject  invalid_json 1, not_an_object 1, unreadable_timestamp 1"))
        let json = try Shell.run(TestEnvironment.loaderExecutable, ["inspect", "--json", export])
        let decoded = try JSONDecoder().decode(InspectionReport.self, from: Data(json.stdout.utf8))
        #expect(decoded == report)
    }
}

extension FidelityTests {
    @Test func mediaMetadataBeforeAndAfterMessagesIsStored() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let root = directory.path("export")
        try FileManager.default.createDirectory(atPath: root + "/media", withIntermediateDirectories: true)
        let message = #"{"id":"1","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"RichText/UriObject","content":"<URIObject type=\"Picture.1\" doc_id=\"0-weu-d8-aaa\"><OriginalName v=\"a.jpg\"/></URIObject>","amsreferences":["0-weu-d8-aaa"]}"#
        try Data(#"{"conversations":[{"id":"8:live:a","MessageList":[\#(message)]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: root + "/messages.json"))
        try Data(#"{"filename":"a.jpg","content_type":"image/jpeg"}"#.utf8).write(to: URL(fileURLWithPath: root + "/media/0-weu-d8-aaa.json"))
        try Data(repeating: 0xFF, count: 5000).write(to: URL(fileURLWithPath: root + "/media/0-weu-d8-aaa.1.jpg"))
        try Data(#"{"fileName":"notes.pdf","contentType":"application/pdf"}"#.utf8).write(to: URL(fileURLWithPath: root + "/media/0-weu-d8-bbb.json"))
        // Order matters: one metadata file before messages.json, the bytes and another after.
        let tar = directory.path("export.tar")
        try Shell.run("tar", ["-cf", tar, "-C", root, "media/0-weu-d8-aaa.json", "messages.json", "media/0-weu-d8-aaa.1.jpg", "media/0-weu-d8-bbb.json"])
        let outcome = db.load(tar, workers: 1)
        #expect(outcome.error == nil)
        #expect(outcome.report.mediaFiles == 2)
        let rows = try db.connect().execute("""
            SELECT doc_id, file_name, content_type, archive_entry, size_bytes FROM \(db.schema).media_files ORDER BY doc_id
            """).rows
        #expect(rows == [["0-weu-d8-aaa", "a.jpg", "image/jpeg", "media/0-weu-d8-aaa.1.jpg", "5000"],
                         ["0-weu-d8-bbb", "notes.pdf", "application/pdf", nil, nil]])
        #expect(try db.scalar("SELECT m.content_type FROM $schema.attachments a JOIN $schema.media_files m USING (doc_id)") == "image/jpeg")
    }
}
