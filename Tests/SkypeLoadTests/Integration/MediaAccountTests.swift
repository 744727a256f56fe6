import Foundation
@testable import SkypePostgres
import SkypeReport
import SkypeRuntime
import SkypeSupport
@testable import SkypeViewer
import Testing

/// Security review finding 4: media were keyed by entry name alone and the last load won. Two
/// accounts' exports with the same `media/` entry left only the second's bytes, and
/// `export-media` gave them back for the first account; an account's older export loaded after
/// its newer one replaced the newer bytes. Media now belong to an account, and of two states of
/// one entry the newer export's is kept, in whatever order the exports are loaded.
@Suite struct MediaAccountTests {
    static let doc = "0-weu-d3-5f0e1d2c3b4a59687766554433221100"
    static let entry = "media/\(doc).1.jpg"

    /// An export of `owner`, dated `date`, whose one message shares a picture whose bytes are
    /// `bytes` (under the same entry name in every export of this suite).
    static func export(owner: String, date: String, bytes: String, in directory: ScratchDirectory) throws -> String {
        let stage = directory.path("stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: stage + "/media", withIntermediateDirectories: true)
        let picture = #"<URIObject type=\"Picture.1\" uri=\"https://api.asm.skype.com/v1/objects/\#(doc)\" doc_id=\"\#(doc)\">photo<OriginalName v=\"beach.jpg\"/></URIObject>"#
        let message = #"{"id":"1","originalarrivaltime":"2024-07-01T10:00:00.000Z","messagetype":"RichText/UriObject","from":"8:\#(owner)","content":"\#(picture)"}"#
        try Data(#"{"userId":"8:\#(owner)","exportDate":"\#(date)","conversations":[{"id":"19:trip@thread.skype","MessageList":[\#(message)]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: stage + "/messages.json"))
        try Data(bytes.utf8).write(to: URL(fileURLWithPath: stage + "/" + entry))
        try Data(#"{"name":"beach.jpg","content_type":"image/jpeg","owner":"\#(owner)"}"#.utf8)
            .write(to: URL(fileURLWithPath: stage + "/media/\(doc).json"))
        let tar = directory.path("export-\(owner)-\(date.prefix(10))-\(UUID().uuidString.prefix(6)).tar")
        try Shell.run("tar", ["-cf", tar, "-C", stage, "messages.json", "media"])
        return tar
    }

    /// The bytes `export-media` gives back for `account`.
    func exported(_ db: DatabaseFixture, account: String, in directory: ScratchDirectory) throws -> [String] {
        let out = directory.path("out-\(UUID().uuidString)")
        var exporter = MediaExporter(conninfo: db.url, schema: db.schema, outputDirectory: out)
        exporter.account = account
        _ = try exporter.run()
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: out)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            found.append(try String(contentsOfFile: out + "/" + relative, encoding: .utf8))
        }
        return found
    }

    func verify(_ db: DatabaseFixture, _ export: String) throws -> VerificationReport {
        try Verifier(exportPath: export, conninfo: db.url, schema: db.schema).run()
    }

    @Test func twoAccountsKeepTheirOwnBytesForOneEntryName() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let alice = try Self.export(owner: "alice", date: "2025-03-08T17:40", bytes: "alice's beach", in: directory)
        let bob = try Self.export(owner: "bob", date: "2025-01-02T09:00", bytes: "bob's beach", in: directory)
        for export in [alice, bob] {
            let outcome = db.load(export, workers: 1)
            #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        }
        #expect(try exported(db, account: "8:alice", in: directory) == ["alice's beach"])
        #expect(try exported(db, account: "8:bob", in: directory) == ["bob's beach"])
        for export in [alice, bob] {
            let report = try verify(db, export)
            #expect(report.media?.matches == true, "\(String(describing: report.media))")
        }
        // Each account's document keeps its own metadata too.
        #expect(try db.scalar("SELECT string_agg(account || '=' || (metadata->>'owner'), ',' ORDER BY account) FROM $schema.media_files")
                == "8:alice=alice,8:bob=bob")
        // Without --account, the two accounts' files go into folders of their own.
        let out = directory.path("all")
        let summary = try MediaExporter(conninfo: db.url, schema: db.schema, outputDirectory: out).run()
        #expect(summary.files == 2)
        let folders = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(folders == ["8_alice", "8_bob"])
        // The viewer serves each account its own file.
        let reader = ArchiveReader(connection: try db.connect(), schema: db.schema, timeZone: "UTC")
        #expect(try reader.media(account: "8:alice", docID: Self.doc, variant: "original")?.sizeBytes == Int64("alice's beach".utf8.count))
        #expect(try reader.media(account: "8:bob", docID: Self.doc, variant: "original")?.sizeBytes == Int64("bob's beach".utf8.count))
    }

    @Test func theNewerExportWinsWhateverTheLoadOrder() throws {
        let directory = try ScratchDirectory()
        let older = try Self.export(owner: "carol", date: "2023-05-01T08:00", bytes: "older beach", in: directory)
        let newer = try Self.export(owner: "carol", date: "2025-03-08T17:40", bytes: "newer beach", in: directory)
        var states: [String] = []
        for order in [[older, newer], [newer, older]] {
            let db = try DatabaseFixture()
            defer { db.drop() }
            var conflicts: [Int] = []
            for export in order {
                let outcome = db.load(export, workers: 1)
                #expect(outcome.error == nil, "\(String(describing: outcome.error))")
                conflicts.append(outcome.report.media.filesConflicting)
            }
            #expect(conflicts == [0, 1])
            #expect(try exported(db, account: "8:carol", in: directory) == ["newer beach"])
            #expect(try verify(db, newer).media?.matches == true)
            #expect(try verify(db, older).media?.differing == [Self.entry])
            states.append(try db.scalar("""
                SELECT string_agg(concat_ws('|', e.archive_entry, encode(e.sha256, 'hex'), e.exported_at, f.metadata::text, f.exported_at), ';')
                FROM $schema.media_entries e JOIN $schema.media_files f USING (account, doc_id)
                """) ?? "")
        }
        #expect(states.count == 2 && states[0] == states[1])
    }

    /// Media stored before version 10 go to each account whose attachments point at their
    /// document, and the rest to the one account of the schema's loads.
    @Test func entriesStoredBeforeAccountsAreGivenToTheirAccounts() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let connection = try db.connect()
        try Migrator(schema: db.schema, migrations: Migration.all.filter { $0.version <= 9 }).migrate(connection)
        let s = db.schema
        try connection.execute("""
            INSERT INTO \(s).load_runs (status, export_user) VALUES ('completed', '8:alice');
            INSERT INTO \(s).attachments (conversation_id, account, message_id, fingerprint, position, doc_id) VALUES
                ('19:trip@thread.skype', '8:alice', '1', 1, 0, 'shared'), ('19:trip@thread.skype', '8:bob', '1', 1, 0, 'shared');
            INSERT INTO \(s).media_entries VALUES ('media/shared.1.jpg', 'shared', 'original', '\\x01', 5),
                ('media/lonely.1.jpg', 'lonely', 'original', '\\x02', 7);
            INSERT INTO \(s).media_files (doc_id, file_name) VALUES ('shared', 'beach.jpg'), ('lonely', 'cat.jpg');
            """)
        #expect(try Migrator(schema: db.schema).migrate(connection) == [10])
        #expect(try db.scalar("SELECT string_agg(account || ' ' || doc_id, ',' ORDER BY account, doc_id) FROM $schema.media_entries")
                == "8:alice lonely,8:alice shared,8:bob shared")
        #expect(try db.scalar("SELECT string_agg(account || ' ' || file_name, ',' ORDER BY account, doc_id) FROM $schema.media_files")
                == "8:alice cat.jpg,8:alice beach.jpg,8:bob beach.jpg")
    }
}
