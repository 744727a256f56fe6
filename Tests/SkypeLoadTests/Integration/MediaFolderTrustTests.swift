import Foundation
import Logging
import SkypeExport
import SkypePostgres
import SkypeRuntime
import SyntheticExport
import Testing

/// Security review finding 7 (second half): `--media-dir` took whatever was already at a
/// content's path (a planted file, symlink or FIFO) as the stored bytes.
@Suite struct MediaFolderTrustTests {
    @Test func whatIsPlantedAtAContentsPathIsCheckedAndReplaced() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, messages: 300, conversations: 2, sizes: [1000, 5000, 20_000, 700, 3000])
        let folder = directory.path("media-store")
        let digests = Array(Set(export.digests.values)).sorted()
        #expect(digests.count >= 3)
        let victim = directory.path("victim")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        func path(_ hex: String) -> String {
            let characters = Array(hex)
            return "\(folder)/\(String(characters[0..<2]))/\(String(characters[2..<4]))/\(hex)"
        }
        for hex in digests.prefix(3) {
            try FileManager.default.createDirectory(atPath: (path(hex) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        }
        try Data("planted, not the content".utf8).write(to: URL(fileURLWithPath: path(digests[0])))
        #expect(symlink(victim, path(digests[1])) == 0)
        #expect(mkfifo(path(digests[2]), 0o600) == 0)

        var configuration = db.configuration(export: export.path, workers: 2)
        configuration.media = .folder(folder)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outcome = Coordinator(configuration: configuration, logger: logger).run()
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        for hex in digests {
            var status = stat()
            #expect(lstat(path(hex), &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG, "\(hex)")
            #expect(status.st_mode & 0o777 == 0o600)
        }
        #expect(try MediaTestExport.digests(under: folder) == digests)
        var verifier = Verifier(exportPath: export.path, conninfo: db.url, schema: db.schema)
        verifier.mediaDirectory = folder
        #expect(try verifier.run().matches)
    }
}
