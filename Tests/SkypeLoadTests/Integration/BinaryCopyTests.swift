import Foundation
@testable import SkypeExport
@testable import SkypePostgres
import Testing
import SkypeSupport

/// The `messages` rows travel in binary COPY format: every column must hold exactly what
/// PostgreSQL makes of the same record in text format.
@Suite struct BinaryCopyTests {
    /// The record in COPY text format, as the loader sent it before the binary format.
    private func writeText(_ record: MessageRecord, to writer: inout CopyWriter) {
        writer.field(record.conversationID)
        writer.field(record.account)
        writer.field(record.messageID)
        writer.field(record.fingerprint)
        writer.field(record.sentAt)
        writer.field(record.senderID)
        writer.field(record.senderName)
        writer.field(record.messageType)
        writer.field(record.content)
        writer.field(record.bodyText)
        writer.field(record.isEdited)
        writer.field(record.isDeleted)
        writer.field(record.editedAt)
        writer.field(record.deletedAt)
        writer.field(record.version)
        writer.field(record.properties)
        writer.field(record.amsReferences)
        writer.field(record.sourceOffset)
        writer.field(Int64(record.sourceIndex))
        writer.field(record.isServerGenerated)
        writer.endRow()
    }

    private static let handMade = """
        {"userId":"8:live:me","exportDate":"2025-03-08T17:40","conversations":[{"id":"19:t@thread.skype","MessageList":[
          {"id":"1","originalarrivaltime":"2024-02-29T23:59:59.1234567+02:00","messagetype":"RichText","content":"tab\\there\\u0000nul","from":"8:live:a","version":1594056032575.0,"properties":{"edittime":"1741455209205","deletetime":"0"}},
          {"id":"2","originalarrivaltime":"1970-01-01T00:00:00Z","messagetype":"RichText","content":"","from":null,"properties":{"isserversidegenerated":true}},
          {"id":"3","originalarrivaltime":"9999-12-31T23:59:59.999999Z","content":"late","amsreferences":["x"]}
        ]}]}
        """

    @Test func binaryRowsEqualTextRows() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 3000, conversations: 6)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON)))
        bytes.removeLast(bytes.count - (bytes.lastIndex(of: UInt8(ascii: "]")) ?? bytes.count))
        // Both files' conversations in one export: the generated ones and the hand-made edge cases.
        let handMade = Array(Self.handMade.utf8)
        let start = handMade.firstIndex(of: UInt8(ascii: "["))! + 1
        bytes += [UInt8(ascii: ",")] + handMade[start...]

        var shards: [Shard] = []
        let splitter = ExportSplitter(source: BufferByteSource(bytes), configuration: SplitterConfiguration(),
                                      location: .init(file: "test")) { shards.append($0) }
        _ = try splitter.run()
        var binary = BinaryCopyWriter()
        var text = CopyWriter()
        var identities = Set<String>()
        var members: [JSONMember?] = []
        for shard in shards {
            for part in shard.parts {
                part.forEachMessage { offset, index, raw in
                    var repairs = RepairCounts()
                    guard case let .success(parsed) = ShardTransformer.parse(raw, conversationID: part.conversationID, offset: offset,
                                                                             index: index, members: &members, repairs: &repairs),
                          case let record = parsed.record,
                          identities.insert("\(record.conversationID)|\(record.messageID)|\(record.fingerprint)").inserted
                    else { return }
                    record.write(to: &binary)
                    writeText(record, to: &text)
                }
            }
        }
        #expect(binary.rowCount > 3000 / 2)

        let connection = try db.connect()
        _ = try Migrator(schema: db.schema).migrate(connection)
        let columns = MessageRecord.columns.joined(separator: ", ")
        try connection.execute("CREATE TABLE \(db.schema).from_binary (LIKE \(db.schema).messages)")
        try connection.execute("CREATE TABLE \(db.schema).from_text (LIKE \(db.schema).messages)")
        try connection.copyIn("COPY \(db.schema).from_binary (\(columns)) FROM STDIN WITH (FORMAT binary)", data: binary.buffer)
        try connection.copyIn("COPY \(db.schema).from_text (\(columns)) FROM STDIN", data: text.buffer)
        #expect(try db.count("from_binary") == binary.rowCount)
        #expect(try db.scalar("SELECT count(*) FROM (SELECT * FROM $schema.from_binary EXCEPT ALL SELECT * FROM $schema.from_text) d") == "0")
        #expect(try db.scalar("SELECT count(*) FROM (SELECT * FROM $schema.from_text EXCEPT ALL SELECT * FROM $schema.from_binary) d") == "0")
        // The edge cases are among them, and came out as PostgreSQL reads their text.
        #expect(try db.scalar("SELECT sent_at AT TIME ZONE 'UTC' FROM $schema.from_binary WHERE conversation_id = '19:t@thread.skype' AND message_id = '1'")
                == "2024-02-29 21:59:59.123456")
        #expect(try db.scalar("SELECT edited_at AT TIME ZONE 'UTC' FROM $schema.from_binary WHERE conversation_id = '19:t@thread.skype' AND message_id = '1'")
                == "2025-03-08 17:33:29.205")
        #expect(try db.scalar("SELECT count(*) FROM $schema.from_binary WHERE conversation_id = '19:t@thread.skype' AND is_edited AND is_deleted AND deleted_at = 'epoch'") == "1")
    }

    @Test func anEmptyWriterSendsNothing() {
        #expect(BinaryCopyWriter().buffer.isEmpty)
    }

    @Test func textInEveryFormIsTheSameFieldAndNULNeverReachesTheServer() {
        // A String, UTF-8 bytes, and bytes appended straight into the buffer.
        func row(_ write: (inout BinaryCopyWriter) -> Void) -> [UInt8] {
            var writer = BinaryCopyWriter()
            writer.beginRow(fields: 1)
            write(&writer)
            return writer.finish()
        }
        let expected = row { $0.text("a\u{FFFD}b") }
        #expect(row { $0.text("a\u{0}b") } == expected)
        #expect(row { $0.text(utf8: [0x61, 0, 0x62]) } == expected)
        #expect(row { $0.text { $0.append(contentsOf: [0x61, 0, 0x62]) } } == expected)
        #expect(row { $0.text { $0.append(contentsOf: Array("a\u{FFFD}b".utf8)) } } == expected)
    }
}
