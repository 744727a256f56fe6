import Foundation
import Logging
@testable import SkypeExport
@testable import SkypePostgres
@testable import SkypeReport
@testable import SkypeRuntime
@testable import SkypeSupport
import SyntheticExport
import Testing

/// The files people shared: stored, linked, given back byte for byte, exactly once.
/// (The large acceptance export, 300 files up to 50 MB and one of 300 MB, is scripts/media-acceptance.)
@Suite struct MediaTests {
    /// 26 files from 1 KB to 200 KB (the 25th repeating the 24th's bytes, three with a
    /// thumbnail) and one of 3.5 MB, stored in four chunks.
    static let sizes = SyntheticMedia.sizes(count: 25, from: 1 << 10, to: 200 << 10, seed: 3) + [3_500_000]

    private func run(_ configuration: LoadConfiguration) -> LoadOutcome {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Coordinator(configuration: configuration, logger: logger).run()
    }

    @Test func mediaIsStoredLinkedAndGivenBackByteForByte() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, sizes: Self.sizes)
        let entries = export.media.files.count
        let bytes = Int64(export.media.files.reduce(0) { $0 + $1.size })
        // Small shards: several media shards, each file spread over workers.
        let first = db.load(export.path, workers: 2, shardBytes: 64 << 10)
        #expect(first.error == nil, "\(String(describing: first.error))")
        let media = first.report.media
        #expect(media.filesFound == entries)
        #expect(media.bytesFound == bytes)
        #expect(media.filesStored + media.filesAlreadyPresent == entries)
        #expect(media.filesAlreadyPresent == 1)  // the repeated bytes
        #expect(media.shards > 1 && media.shardsLoaded == media.shards)
        #expect(try db.count("media_entries") == entries)
        #expect(try db.count("media_blobs") == entries - 1)
        #expect(try db.scalar("SELECT count(*) FROM $schema.media_entries WHERE variant = 'thumbnail'")
                == String(export.media.files.filter(\.isThumbnail).count))
        #expect(try db.scalar("SELECT max(length(chunk_hashes)) / 32 FROM $schema.media_blobs") == "4")
        for (entry, digest) in export.digests {
            #expect(try db.scalar("SELECT encode(sha256, 'hex') FROM $schema.media_entries WHERE archive_entry = '\(entry)'") == digest)
        }
        // Linked: attachments reach their media rows; the unreferenced tenth is kept and counted.
        let linked = try db.scalar("""
            SELECT count(DISTINCT e.archive_entry) FROM $schema.attachments a JOIN $schema.media_entries e USING (doc_id)
            """)
        #expect(Int(linked ?? "") ?? 0 > entries / 2)
        let unreferenced = Int(try db.scalar("""
            SELECT count(*) FROM $schema.media_entries e WHERE NOT EXISTS (SELECT 1 FROM $schema.attachments a WHERE a.doc_id = e.doc_id)
            """) ?? "") ?? -1
        #expect(media.filesUnreferenced == unreferenced && unreferenced >= 2)

        // Given back: every entry once, byte for byte.
        let out = directory.path("out")
        let summary = try MediaExporter(conninfo: db.url, schema: db.schema, outputDirectory: out).run()
        #expect(summary.files == entries)
        #expect(summary.bytes == bytes)
        #expect(try MediaTestExport.digests(under: out) == export.digests.values.sorted())
        #expect(FileManager.default.fileExists(atPath: out + "/unlinked"))
        let verification = try Verifier(exportPath: export.path, conninfo: db.url, schema: db.schema).run()
        #expect(verification.matches)
        #expect(verification.media?.matched == entries)

        // One conversation's files, through the command line.
        let conversation = try db.scalar("SELECT conversation_id FROM $schema.attachments a JOIN $schema.media_entries USING (doc_id) LIMIT 1") ?? ""
        let one = directory.path("one")
        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["export-media", "--database", db.url, "--schema", db.schema,
                                                                   "--out", one, "--conversation", conversation])
        #expect(cli.status == 0, "\(cli.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: one)
        #expect(folders == [MediaExporter.safeName(conversation)])

        // A rerun adds nothing.
        let second = db.load(export.path, workers: 2, shardBytes: 64 << 10)
        #expect(second.error == nil)
        #expect(second.report.media.filesStored == 0)
        #expect(second.report.media.filesAlreadyPresent == entries)
        #expect(second.report.media.chunksStored == 0)
        #expect(second.report.media.shardsAlreadyLoaded == second.report.media.shards)
        #expect(try db.count("media_entries") == entries)
        #expect(try db.count("media_blobs") == entries - 1)
    }

    @Test func aWorkerKilledInsideAMediaTransactionLeavesTheMediaExact() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, sizes: Self.sizes)
        var configuration = db.configuration(export: export.path, workers: 2, shardBytes: 64 << 10)
        configuration.mediaCrashMarker = directory.path("killed")
        let outcome = run(configuration)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(FileManager.default.fileExists(atPath: directory.path("killed")))
        #expect(outcome.report.workerRestarts >= 1)
        #expect(outcome.report.media.shardsLoaded == outcome.report.media.shards)
        let verification = try Verifier(exportPath: export.path, conninfo: db.url, schema: db.schema).run()
        #expect(verification.matches)
        #expect(verification.media?.matched == export.media.files.count)
        // Every chunk once: as many rows as distinct chunks of the distinct contents.
        #expect(try db.scalar("SELECT count(*) FROM $schema.media_chunks")
                == db.scalar("SELECT count(DISTINCT substring(chunk_hashes FROM i * 32 + 1 FOR 32)) FROM $schema.media_blobs, generate_series(0, 200) i WHERE i < length(chunk_hashes) / 32"))
        #expect(try db.count("media_blobs") == export.media.files.count - 1)
    }

    @Test func aCutArchiveStillKeepsTheMediaFilesReadWhole() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, sizes: Self.sizes, zstd: false)
        let size = try FileManager.default.attributesOfItem(atPath: export.path)[.size] as? Int ?? 0
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: export.path))
        try handle.truncate(atOffset: UInt64(size - 600_000))
        try handle.close()
        let outcome = db.load(export.path, workers: 2, shardBytes: 64 << 10)
        #expect(outcome.error?.code == .inputTruncated, "\(String(describing: outcome.error))")
        #expect(outcome.report.totals.rowsInserted > 0)
        let recorded = try db.connect().execute("SELECT archive_entry, encode(sha256, 'hex') FROM \(db.schema).media_entries").rows
        #expect(recorded.count > 0 && recorded.count < export.media.files.count)
        for row in recorded {
            #expect(row[0].flatMap { export.digests[$0] } == row[1])
        }
    }

    @Test func mediaBeforeMessagesIsReadFromAFileOrStandardInputIntoAFolderOrTheDatabaseOrSkipped() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try MediaTestExport.make(in: directory, sizes: Array(Self.sizes.prefix(12)), mediaFirst: true, zstd: false)
        let entries = export.media.files.count
        let folder = directory.path("media-store")
        var configuration = db.configuration(export: export.path, workers: 2)
        configuration.media = .folder(folder)
        let outcome = run(configuration)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.report.media.filesStored == entries)
        #expect(try MediaTestExport.digests(under: folder) == Set(export.digests.values).sorted())
        #expect(try db.scalar("SELECT count(*) FROM $schema.media_blobs WHERE stored_path IS NOT NULL AND chunk_hashes IS NULL") == String(entries))
        var verifier = Verifier(exportPath: export.path, conninfo: db.url, schema: db.schema)
        verifier.mediaDirectory = folder
        #expect(try verifier.run().media?.matched == entries)
        var exporter = MediaExporter(conninfo: db.url, schema: db.schema, outputDirectory: directory.path("out"))
        exporter.mediaDirectory = folder
        _ = try exporter.run()
        #expect(try MediaTestExport.digests(under: directory.path("out")) == export.digests.values.sorted())

        // From standard input, which cannot be read twice: the files before messages.json wait on disk.
        let piped = try DatabaseFixture()
        defer { piped.drop() }
        let cli = try Shell.run(TestEnvironment.loaderExecutable, ["--database", piped.url, "--schema", piped.schema, "--quiet", "-"],
                                stdin: export.path)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try piped.count("media_entries") == entries)
        #expect(try Verifier(exportPath: export.path, conninfo: piped.url, schema: piped.schema).run().media?.matched == entries)

        // --no-media: the metadata only, and the report says so.
        let skipping = try DatabaseFixture()
        defer { skipping.drop() }
        var skipped = skipping.configuration(export: export.path, workers: 1)
        skipped.media = .skip
        let without = run(skipped)
        #expect(without.error == nil)
        #expect(without.report.media.filesSkipped == entries)
        #expect(without.report.media.destination == .skipped)
        #expect(ReportPrinter.text(without.report).contains("not kept (--no-media)"))
        #expect(try skipping.count("media_entries") == 0)
        #expect(try skipping.count("media_files") == export.media.documents.count)
    }
}

@Suite struct MediaUnitTests {
    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let streamed = SHA256()
        streamed.update(Array("a".utf8))
        streamed.update(Array("bc".utf8))
        #expect(streamed.finish() == SHA256.digest(Array("abc".utf8)))
        #expect(SHA256.bytes(hex: "\\x00ff") == [0, 255])
        #expect(SHA256.bytes(hex: "0g") == nil)
    }

    @Test func aMediaShardSurvivesItsFrame() throws {
        let shard = MediaShard(ordinal: 7, chunks: [
            .init(sha256: SHA256.digest([1, 2, 3]), data: [1, 2, 3]),
            .init(sha256: SHA256.digest([]), data: []),
        ])
        let decoded = try MediaShard.decode(shard.encoded())
        #expect(decoded.ordinal == 7)
        #expect(decoded.chunks.map(\.data) == [[1, 2, 3], []])
        #expect(decoded.key == shard.key)
        #expect(throws: LoadError.self) { try MediaShard.decode(Array(shard.encoded().dropLast())) }
    }

    @Test func entriesBelongToTheirDocumentAndTheLargestIsTheOriginal() {
        #expect(MediaCatalog.docID(ofEntry: "media/0-weu-d8-abc.1.jpg") == "0-weu-d8-abc")
        #expect(MediaCatalog.docID(ofEntry: "media/0-weu-d8-abc.json") == "0-weu-d8-abc")
        #expect(MediaCollector.holdsBytes("media/0-weu-d8-abc.1.jpg"))
        #expect(!MediaCollector.holdsBytes("media/0-weu-d8-abc.json"))
        #expect(!MediaCollector.holdsBytes("media/sub/x.jpg"))
        func entry(_ name: String, _ size: Int64) -> MediaCollector.StoredEntry {
            .init(name: name, docID: MediaCatalog.docID(ofEntry: name), size: size, sha256: [], chunkHashes: [])
        }
        let variants = Coordinator.variants(of: [entry("media/a.2.jpg", 10), entry("media/a.1.jpg", 500), entry("media/b.1.png", 3)])
        #expect(variants == ["thumbnail", "original", "original"])
        #expect(MediaExporter.safeName("19:a/b") == "19_a_b")
        #expect(MediaExporter.safeName("..") == "_..")
        #expect(MediaExporter.safeName(String(repeating: "😀", count: 100)).utf8.count == 200)
        #expect(MediaExporter.inserting(" (2)", beforeExtensionOf: "x.jpg") == "x (2).jpg")
    }
}
