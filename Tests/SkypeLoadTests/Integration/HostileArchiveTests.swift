import Foundation
import Testing

/// The three hand-made archives that crashed `inspect` and `load` with a trap: each is now an
/// exit 1 and one error line naming the file and the byte, for both commands, on every rerun.
@Suite struct HostileArchiveTests {
    static let messages = #"{"userId":"8:a","exportDate":"2025-01-01T00:00","conversations":[{"id":"8:b","MessageList":[{"id":"1","content":"hi","originalarrivaltime":"2025-01-01T00:00:00Z","messagetype":"Text","from":"8:b"}]}]}"#

    static var archives: [(name: String, bytes: [UInt8], offset: Int)] {
        var paxShort = TarBuilder()
        paxShort.pax(Array("1 path=x\n".utf8))
        paxShort.file("messages.json", messages)
        paxShort.end()
        var negative = TarBuilder()
        negative.raw(TarBuilder.header(name: "media/a.json", size: 0, sizeField: Array("-0000000001\0".utf8)))
        negative.file("messages.json", messages)
        negative.end()
        // After messages.json: the shards commit first, then the media entries are read.
        var huge = TarBuilder()
        huge.file("messages.json", messages)
        huge.pax(TarBuilder.paxRecord("size", "9223372036854775807"))
        huge.file("media/0-weu-d8-x.1.jpg", "x")
        huge.end()
        let afterMessages = 512 + TarBuilder.padded(Array(messages.utf8)).count
        return [("pax record shorter than its prefix", paxShort.bytes, 512),
                ("negative size", negative.bytes, 124),
                ("pax size near 2^63 before a media entry", huge.bytes, afterMessages + 512)]
    }

    @Test func eachEndsInOneErrorLineForInspectAndForEveryLoad() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        for (index, archive) in Self.archives.enumerated() {
            let path = directory.path("hostile-\(index).tar")
            try Data(archive.bytes).write(to: URL(fileURLWithPath: path))
            let runs = [["inspect", path],
                        ["--database", db.url, "--schema", db.schema, "--quiet", path],
                        ["--database", db.url, "--schema", db.schema, "--quiet", path]]
            for arguments in runs {
                let output = try Shell.run(TestEnvironment.loaderExecutable, arguments)
                #expect(output.status == 1, "\(archive.name) \(arguments.first ?? ""): \(output.status) \(output.stderr)")
                let errors = output.stderr.split(separator: "\n").filter { $0.contains("error:") }
                #expect(errors.count == 1, "\(archive.name): \(output.stderr)")
                #expect(errors.first?.contains("\(path), at byte \(archive.offset):") == true, "\(archive.name): \(output.stderr)")
                #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Backtrac"))
            }
        }
    }
}
