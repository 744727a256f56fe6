import Foundation
import Logging
@testable import SkypeExport
import SkypePostgres
import SkypeRuntime
import SyntheticExport
import Testing

/// Found by scripts/chaos: a coordinator killed while it wrote a media file into `--media-dir`
/// left the partial file in `.incoming` for good (the rerun stored the file again beside it).
/// A load now removes such files: those no live writer holds locked.
@Suite struct MediaFolderAbandonedTests {
    @Test func aLoadRemovesWhatAKilledLoadLeftInIncoming() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, messages: 200, conversations: 2, sizes: [1000, 5000, 20_000])
        let folder = directory.path("media-store")
        let incoming = folder + "/.incoming"
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        // What a SIGKILLed writer leaves: its name, part of the bytes, no lock.
        let abandoned = incoming + "/4242-\(UUID().uuidString)"
        try Data(repeating: 7, count: 3000).write(to: URL(fileURLWithPath: abandoned))
        // A writer that is alive (another load into the same folder) holds its file locked.
        let live = incoming + "/4243-\(UUID().uuidString)"
        try Data(repeating: 8, count: 100).write(to: URL(fileURLWithPath: live))
        let liveDescriptor = open(live, O_RDWR | O_CLOEXEC)
        #expect(liveDescriptor >= 0 && flock(liveDescriptor, LOCK_EX) == 0)
        defer { close(liveDescriptor) }
        // A name this tool does not make is not its to remove.
        let other = incoming + "/notes.txt"
        try Data("mine".utf8).write(to: URL(fileURLWithPath: other))

        var configuration = db.configuration(export: export.path, workers: 2)
        configuration.media = .folder(folder)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outcome = Coordinator(configuration: configuration, logger: logger).run()
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: other))
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).sorted()
            == [(live as NSString).lastPathComponent, "notes.txt"].sorted())
        var verifier = Verifier(exportPath: export.path, conninfo: db.url, schema: db.schema)
        verifier.mediaDirectory = folder
        #expect(try verifier.run().matches)
    }

    @Test func onlyTheNamesOfIncomingFilesAreSwept() {
        #expect(MediaFolder.isIncomingName("123-\(UUID().uuidString)"))
        #expect(!MediaFolder.isIncomingName("notes.txt"))
        #expect(!MediaFolder.isIncomingName("-\(UUID().uuidString)"))
        #expect(!MediaFolder.isIncomingName("12a-\(UUID().uuidString)"))
        #expect(!MediaFolder.isIncomingName("123-not-a-uuid"))
    }
}
