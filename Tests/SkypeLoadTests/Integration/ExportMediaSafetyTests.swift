import Foundation
@testable import SkypePostgres
import SkypeRuntime
import SkypeSupport
import SyntheticExport
import Testing

/// Security review findings 2 and 3: `export-media` wrote through a symlink planted at its
/// predictable `.partial` name (replacing any file the user could write), followed folders
/// that were symlinks, wrote files 0644, and lost a file whose name was another's plus
/// `.partial` while saying it wrote both.
@Suite struct ExportMediaSafetyTests {
    struct Loaded {
        let db: DatabaseFixture
        let directory: ScratchDirectory
        let export: MediaTestExport
    }

    func loaded() throws -> Loaded {
        let db = try DatabaseFixture()
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, messages: 300, conversations: 2, sizes: [1000, 5000, 20_000, 700, 3000])
        let outcome = db.load(export.path, workers: 2)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        return Loaded(db: db, directory: directory, export: export)
    }

    func exporter(_ loaded: Loaded, out: String) -> MediaExporter {
        MediaExporter(conninfo: loaded.db.url, schema: loaded.db.schema, outputDirectory: out)
    }

    @Test func plantedSymlinksAreNeverWrittenThroughAndFilesArePrivate() throws {
        let loaded = try loaded()
        defer { loaded.db.drop() }
        let out = loaded.directory.path("out")
        // A first export shows where each file goes.
        _ = try exporter(loaded, out: out).run()
        let victim = loaded.directory.path("victim")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        chmod(victim, 0o600)
        var planted: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: out)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            planted.append(relative)
        }
        #expect(!planted.isEmpty)
        for relative in planted {
            let path = out + "/" + relative
            // At the old temporary name and at the final one, a link to the victim.
            #expect(symlink(victim, path + ".partial") == 0)
            try FileManager.default.removeItem(atPath: path)
            #expect(symlink(victim, path) == 0)
        }
        let summary = try exporter(loaded, out: out).run()
        #expect(summary.files == loaded.export.media.files.count)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        for relative in planted {
            var status = stat()
            #expect(lstat(out + "/" + relative, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG, "\(relative)")
            #expect(status.st_mode & 0o777 == 0o600, "\(relative)")
        }
        var folder = stat()
        #expect(lstat(out + "/" + (planted[0].split(separator: "/").first.map(String.init) ?? ""), &folder) == 0)
        #expect(folder.st_mode & 0o777 == 0o700)
        // Byte for byte, once the planted links (left alone) are gone.
        for relative in planted { unlink(out + "/" + relative + ".partial") }
        #expect(try MediaTestExport.digests(under: out) == loaded.export.digests.values.sorted())
    }

    @Test func theCommandWritesTheModeItIsGiven() throws {
        let loaded = try loaded()
        defer { loaded.db.drop() }
        let out = loaded.directory.path("shared")
        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["export-media", "--database", loaded.db.url, "--schema", loaded.db.schema,
                                                                   "--out", out, "--mode", "0644"])
        #expect(cli.status == 0, "\(cli.stderr)")
        var status = stat()
        #expect(lstat(out + "/unlinked", &status) == 0 && status.st_mode & 0o777 == 0o755)
        let names = try FileManager.default.contentsOfDirectory(atPath: out + "/unlinked")
        #expect(!names.isEmpty)
        for name in names {
            #expect(lstat(out + "/unlinked/" + name, &status) == 0 && status.st_mode & 0o777 == 0o644, "\(name)")
        }
    }

    @Test func aFolderThatIsASymlinkIsRefused() throws {
        let loaded = try loaded()
        defer { loaded.db.drop() }
        let elsewhere = loaded.directory.path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let out = loaded.directory.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(symlink(elsewhere, out + "/unlinked") == 0)
        let error = try #require(throws: LoadError.self) { try exporter(loaded, out: out).run() }
        #expect(error.message.contains("not a folder"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        let linkedRoot = loaded.directory.path("linked-out")
        #expect(symlink(elsewhere, linkedRoot) == 0)
        #expect(throws: LoadError.self) { try exporter(loaded, out: linkedRoot).run() }
    }

    @Test func aNameThatIsAnothersPlusPartialIsNotLost() throws {
        let loaded = try loaded()
        defer { loaded.db.drop() }
        let connection = try loaded.db.connect()
        let schema = loaded.db.schema
        // Two documents on one message (the second linked to nothing else), named X and
        // X.partial: the same folder, time and name but for the suffix.
        let rows = try connection.execute("""
            SELECT a.conversation_id, a.account, a.message_id, a.fingerprint, a.doc_id, (SELECT e.doc_id FROM \(schema).media_entries e
              WHERE e.variant = 'original' AND e.doc_id <> a.doc_id
                AND NOT EXISTS (SELECT 1 FROM \(schema).attachments o WHERE o.doc_id = e.doc_id) ORDER BY e.archive_entry LIMIT 1)
            FROM \(schema).attachments a JOIN \(schema).media_entries m ON m.doc_id = a.doc_id AND m.variant = 'original'
            ORDER BY a.conversation_id, a.message_id LIMIT 1
            """).rows
        let row = try #require(rows.first)
        let (conversation, account, message, fingerprint, first, second) = (row[0] ?? "", row[1] ?? "", row[2] ?? "", row[3] ?? "",
                                                                            row[4] ?? "", try #require(row[5]))
        try connection.execute("""
            INSERT INTO \(schema).attachments (conversation_id, account, message_id, fingerprint, position, doc_id)
            VALUES ($1, $2, $3, $4::bigint, 99, $5)
            """, [conversation, account, message, fingerprint, second])
        // The entry exported first (in archive_entry order) is the one named X.partial: the old
        // code then wrote X through that very name and renamed it away.
        let firstWritten = try connection.execute("""
            SELECT doc_id FROM \(schema).media_entries WHERE variant = 'original' AND doc_id IN ($1, $2) ORDER BY archive_entry LIMIT 1
            """, [first, second]).rows.first?.first ?? nil
        let (partialDoc, plainDoc) = firstWritten == first ? (first, second) : (second, first)
        try connection.execute("UPDATE \(schema).media_files SET file_name = 'same.jpg' WHERE doc_id = $1", [plainDoc])
        try connection.execute("UPDATE \(schema).media_files SET file_name = 'same.jpg.partial' WHERE doc_id = $1", [partialDoc])
        let out = loaded.directory.path("out")
        let summary = try exporter(loaded, out: out).run()
        let folder = out + "/" + MediaExporter.safeName(conversation)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.contains { $0.hasSuffix(" same.jpg") })
        #expect(names.contains { $0.hasSuffix(" same.jpg.partial") })
        #expect(try MediaTestExport.digests(under: out).count == summary.files)
    }
}
