import Foundation
import SkypeViewer
import Testing

/// `export-html` over the hand-made archive in a real PostgreSQL: a folder that opens from
/// `file://`, split into pages, with its media, private modes, rerun skipping what is done,
/// and never writing through a symlink planted in it.
@Suite struct ExportHTMLTests {
    func settings(_ fixture: ViewerFixture, out: String) -> HTMLArchiveExporter.Settings {
        var settings = HTMLArchiveExporter.Settings(conninfo: fixture.db.url, outputDirectory: out)
        settings.schema = fixture.db.schema
        return settings
    }

    static func files(under root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test func theWholeArchiveBecomesPagesWithTheirMedia() throws {
        let fixture = try ViewerFixture.get()
        let scratch = try ScratchDirectory()
        let out = scratch.path("archive")
        var settings = settings(fixture, out: out)
        settings.messagesPerPage = 4
        var seen: [HTMLArchiveExporter.Progress] = []
        let summary = try HTMLArchiveExporter(settings: settings).run { seen.append($0) }
        #expect(summary.conversations == 2 && summary.messages == 16 && summary.pages == 5)
        #expect(summary.mediaFiles == 3)
        #expect(seen.last?.conversationsDone == 2 && seen.last?.messages == 16, "progress reaches the end")

        let files = Self.files(under: out)
        let index = Self.text(out + "/index.html")
        #expect(index.contains("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;Team"))
        // Links from the index are relative, to each conversation's list of pages.
        let conversationFolders = files.filter { $0.hasPrefix("conversations/") && $0.hasSuffix("/index.html") }
        #expect(conversationFolders.count == 2)
        for folder in conversationFolders { #expect(index.contains(#"href="\#(folder)""#), "\(folder)") }
        let pages = files.filter { $0.hasSuffix(".html") && $0.contains("/page-") }
        #expect(pages.count == 5)
        let all = pages.map { Self.text(out + "/" + $0) }.joined()
        #expect(all.components(separatedBy: "<article class=\"message").count - 1 == 16)
        for page in pages.map({ Self.text(out + "/" + $0) }) + [index] {
            #expect(!page.contains("<script"), "no script from the archive")
            #expect(!page.contains(#"src="http"#) && !page.contains(#"stylesheet" href="http"#), "no remote asset")
            #expect(page.contains(#"href="../../style.css""#) || page.contains(#"href="style.css""#), "the stylesheet beside it")
        }
        // The picture inline from media/, the SVG and the HTML file only as links (downloads).
        #expect(all.contains(#"<img src="../../media/"#))
        let media = files.filter { $0.hasPrefix("media/") && $0 != "media" }
        #expect(media.count == 3)
        let png = try #require(media.first { $0.hasSuffix(".png") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/" + png)) == Data(ViewerArchive.png))
        #expect(!media.contains { $0.hasSuffix(".svg") || $0.hasSuffix(".html") }, "active types are stored inert: \(media)")
        // Page 2 of the hostile conversation links back and on.
        let second = try #require(pages.first { $0.hasSuffix("page-0002.html") })
        let middle = Self.text(out + "/" + second)
        #expect(middle.contains(#"href="page-0001.html""#) && middle.contains(#"href="page-0003.html""#))
        // Private by default: files 0600, folders 0700.
        for file in files {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: out + "/" + file, isDirectory: &isFolder)
            #expect(Self.mode(out + "/" + file) == (isFolder.boolValue ? 0o700 : 0o600), "\(file)")
        }
        #expect(Self.mode(out) == 0o700)
        #expect(!files.contains { $0.contains(".tmp-") }, "no temporary file left")
    }

    @Test func aRerunSkipsWhatIsDoneAndRedoesWhatIsNot() throws {
        let fixture = try ViewerFixture.get()
        let scratch = try ScratchDirectory()
        let out = scratch.path("archive")
        let first = try HTMLArchiveExporter(settings: settings(fixture, out: out)).run()
        #expect(first.conversations == 2)
        let again = try HTMLArchiveExporter(settings: settings(fixture, out: out)).run()
        #expect(again.conversations == 0 && again.conversationsAlreadyExported == 2)
        // A conversation whose mark is gone (stopped before it finished) is written again.
        let marks = Self.files(under: out).filter { $0.hasSuffix("/.complete") }
        #expect(marks.count == 2)
        try FileManager.default.removeItem(atPath: out + "/" + marks[0])
        let resumed = try HTMLArchiveExporter(settings: settings(fixture, out: out)).run()
        #expect(resumed.conversations == 1 && resumed.conversationsAlreadyExported == 1)
    }

    @Test func aPlantedSymlinkIsNeverWrittenThrough() throws {
        let fixture = try ViewerFixture.get()
        let scratch = try ScratchDirectory()
        let out = scratch.path("archive")
        let victim = scratch.path("victim.txt")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        _ = try HTMLArchiveExporter(settings: settings(fixture, out: out)).run()
        // Plant links where the next run writes: the index, and a conversation's first page.
        let page = try #require(Self.files(under: out).first { $0.hasSuffix("page-0001.html") })
        for target in ["index.html", page] {
            try FileManager.default.removeItem(atPath: out + "/" + target)
            try FileManager.default.createSymbolicLink(atPath: out + "/" + target, withDestinationPath: victim)
        }
        for mark in Self.files(under: out).filter({ $0.hasSuffix("/.complete") }) {
            try FileManager.default.removeItem(atPath: out + "/" + mark)
        }
        _ = try HTMLArchiveExporter(settings: settings(fixture, out: out)).run()
        #expect(Self.text(victim) == "precious")
        #expect(Self.text(out + "/index.html").contains("<!DOCTYPE html>"), "the link replaced by the page")
        // A folder that is a symlink is refused.
        let linked = scratch.path("linked")
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: scratch.url.path)
        #expect(throws: ViewerError.self) { try HTMLArchiveExporter(settings: settings(fixture, out: linked)).run() }
        let media = scratch.path("with-linked-media")
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: media + "/media", withDestinationPath: scratch.url.path)
        #expect(throws: ViewerError.self) { try HTMLArchiveExporter(settings: settings(fixture, out: media)).run() }
    }

    @Test func theCommandTakesAModeOneConversationAndSaysWhatIsWrong() throws {
        let fixture = try ViewerFixture.get()
        let scratch = try ScratchDirectory()
        let out = scratch.path("shared")
        let base = ["export-html", "--database", fixture.db.url, "--schema", fixture.db.schema]
        let shared = try Shell.run(TestEnvironment.loaderExecutable,
                                   base + ["--out", out, "--mode", "0644", "--conversation", ViewerArchive.conversation])
        #expect(shared.status == 0, "\(shared.stderr)")
        #expect(shared.stdout.contains("wrote 1 conversations") && shared.stderr.contains("1/1 conversations"))
        #expect(Self.mode(out + "/index.html") == 0o644 && Self.mode(out) == 0o755 && Self.mode(out + "/media") == 0o755)
        #expect(Self.files(under: out).filter { $0.hasSuffix("/.complete") }.count == 1)
        let unknown = try Shell.run(TestEnvironment.loaderExecutable, base + ["--out", scratch.path("x"), "--conversation", "19:nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("19:nope"))
        let badMode = try Shell.run(TestEnvironment.loaderExecutable, base + ["--out", scratch.path("y"), "--mode", "0400"])
        #expect(badMode.status == 64 && badMode.stderr.contains("--mode"))
        let noDatabase = try Shell.run(TestEnvironment.loaderExecutable,
                                       ["export-html", "--database", "postgres://postgres@127.0.0.1:1/none", "--out", scratch.path("z")])
        #expect(noDatabase.status != 0 && noDatabase.stderr.contains("not reachable"))
    }
}
