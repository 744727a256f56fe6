import Foundation
@testable import SkypeReport
import Testing
import SkypeExport
import SyntheticExport

/// Several exports in one command: one set of workers, a report line per export, and a rerun
/// that skips what each export committed. On a single server and, where a Citus cluster is
/// available, on Citus.
@Suite struct ManyExportsTests {
    /// Two exports (different contents) written as .tar files into one folder.
    static func twoExports(in directory: ScratchDirectory) throws -> (folder: String, messages: Int) {
        let folder = directory.path("exports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var messages = 0
        for (name, seed) in [("alice", UInt64(3)), ("bob", UInt64(5))] {
            let own = try ScratchDirectory()
            let export = try TestExport.generate(in: own, messages: 1200, conversations: 5, seed: seed)
            messages += export.manifest.distinctMessages
            try FileManager.default.copyItem(atPath: try export.wrapped([.tar], in: own), toPath: "\(folder)/\(name).tar")
        }
        return (folder, messages)
    }

    static func loadTwice(into db: DatabaseFixture) throws {
        let directory = try ScratchDirectory()
        let (folder, messages) = try twoExports(in: directory)
        let arguments = ["--database", db.url, "--schema", db.schema, "--workers", "2", "--shard-size", "32K", "--quiet",
                         "--metrics-json", directory.path("report.json")]
        let first = try Shell.run(TestEnvironment.loaderExecutable, arguments + [folder])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("in 2 exports"))
        #expect(first.stdout.contains("\(folder)/alice.tar"))
        #expect(first.stdout.contains("\(folder)/bob.tar"))
        #expect(try db.count("messages") == messages)
        let report = try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: URL(fileURLWithPath: directory.path("report.json"))))
        #expect(report.exports.map(\.path) == ["\(folder)/alice.tar", "\(folder)/bob.tar"])
        #expect(report.exports.map(\.loaded.rowsInserted).reduce(0, +) == report.totals.rowsInserted)
        #expect(report.exports.allSatisfy { $0.loaded.shardsLoaded == $0.shards })

        // Named one by one this time (and one twice, which loads it once); each export's shards
        // are found committed.
        let again = try Shell.run(TestEnvironment.loaderExecutable, arguments + ["\(folder)/bob.tar", "\(folder)/alice.tar", folder])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("nothing to do"))
        #expect(again.stdout.contains("in 2 exports"))
        #expect(try db.count("messages") == messages)
    }

    @Test func twoExportsLoadInOneRunAndResumeEach() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        try Self.loadTwice(into: db)
    }

    @Test(.enabled(if: TestEnvironment.citusAbsence == nil, Comment(rawValue: TestEnvironment.citusAbsence ?? "")))
    func twoExportsLoadInOneRunOnCitus() throws {
        let db = try DatabaseFixture(url: #require(TestEnvironment.citusURL))
        defer { db.drop() }
        try Self.loadTwice(into: db)
    }

    @Test func standardInputIsAnExportOfItsOwn() throws {
        let result = try Shell.run(TestEnvironment.loaderExecutable, ["-", "other.tar"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("give it alone"))
    }
}
