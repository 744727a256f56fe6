import Foundation
@testable import SkypeExport
@testable import SkypeSupport
import Testing

/// The tar reader over archives of every layout real writers make (ustar, pax, GNU long
/// names, v7, base-256 sizes) and over lying ones: every lie is a typed error at its offset.
@Suite struct TarReaderTests {
    static let messages = #"{"userId":"8:a","conversations":[]}"#
    static let location = LoadError.Location(file: "test.tar")

    struct Read {
        var json: String
        var before: [String]
        var after: [String]
    }

    /// Reads `bytes` as a load does: messages.json, then the entries after it.
    func read(_ bytes: [UInt8], chunk: Int = 97) throws -> Read {
        let tar = try TarEntrySource(MemoryByteSource(bytes, chunk: chunk), wanted: "messages.json",
                                     location: Self.location, keep: MediaCatalog.wantsBytes)
        var json: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 333)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try tar.read(into: $0) }
            if count == 0 { break }
            json += buffer[0..<count]
        }
        var after: [String] = []
        try tar.remainingEntries { after.append($0.name) }
        return Read(json: String(decoding: json, as: UTF8.self), before: tar.entriesBefore.map(\.name), after: after)
    }

    /// The error reading `bytes` throws, which must be a ``LoadError`` with an offset.
    func failure(_ bytes: [UInt8]) -> LoadError? {
        do {
            _ = try read(bytes)
            Issue.record("a hostile archive was read without an error")
            return nil
        } catch let error as LoadError {
            #expect(error.location.offset != nil, "\(error)")
            return error
        } catch {
            Issue.record("an untyped error: \(error)")
            return nil
        }
    }

    // MARK: - Archives real writers make

    @Test(arguments: ["ustar", "pax", "gnu", "v7", "oldgnu"])
    func archivesOfEveryLayoutGNUTarWritesAreRead(_ format: String) throws {
        let directory = try ScratchDirectory()
        let root = directory.path("root")
        // 120 characters: a GNU long name, a pax path, or a ustar prefix; v7 cannot hold it.
        let deep = format == "v7" ? "media/0-weu-d8-short.json"
            : "media/" + String(repeating: "d", count: 60) + "/" + String(repeating: "n", count: 50) + ".json"
        try FileManager.default.createDirectory(atPath: (root as NSString).appendingPathComponent((deep as NSString).deletingLastPathComponent),
                                                withIntermediateDirectories: true)
        try Data(#"{"filename":"a.jpg"}"#.utf8).write(to: URL(fileURLWithPath: root + "/" + deep))
        try Data(Self.messages.utf8).write(to: URL(fileURLWithPath: root + "/messages.json"))
        try Data("after".utf8).write(to: URL(fileURLWithPath: root + "/contacts.csv"))
        let archive = directory.path("x.tar")
        let made = try Shell.run("tar", ["--format=\(format)", "-cf", archive, "-C", root, deep, "./messages.json", "contacts.csv"])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: archive)))
        let read = try read(bytes)
        #expect(read.json == Self.messages)
        #expect(read.before.contains(deep))
        #expect(read.after == ["contacts.csv"])
        #expect(try ExportInput(path: archive).formats == [.tar, .json])
    }

    @Test func base256SizesAreRead() throws {
        var tar = TarBuilder()
        tar.raw(TarBuilder.header(name: "messages.json", size: 0, layout: .gnu, sizeField: TarBuilder.base256(Self.messages.utf8.count)))
        tar.raw(TarBuilder.padded(Array(Self.messages.utf8)))
        tar.file("media/x.1.jpg", "jpeg")
        tar.end()
        let read = try read(tar.bytes)
        #expect(read.json == Self.messages)
        #expect(read.after == ["media/x.1.jpg"])
    }

    @Test func paxPathAndSizeOverrideTheHeader() throws {
        var tar = TarBuilder()
        tar.pax(TarBuilder.paxRecord("mtime", "1.5") + TarBuilder.paxRecord("path", "messages.json")
                + TarBuilder.paxRecord("size", String(Self.messages.utf8.count)))
        tar.raw(TarBuilder.header(name: "Trunc", size: 0) + TarBuilder.padded(Array(Self.messages.utf8)))
        tar.longName("media/" + String(repeating: "x", count: 300) + ".json")
        tar.file("ignored-short-name", "{}")
        tar.end()
        let read = try read(tar.bytes)
        #expect(read.json == Self.messages)
        #expect(read.after == ["media/" + String(repeating: "x", count: 300) + ".json"])
    }

    @Test func anArchiveWithoutAnEndMarkerEndsAtTheEndOfTheFile() throws {
        var tar = TarBuilder()
        tar.file("messages.json", Self.messages)
        #expect(try read(tar.bytes).json == Self.messages)
    }

    // MARK: - Lying archives

    @Test func aSizeBeyondTheEndIsATruncation() throws {
        var tar = TarBuilder()
        tar.raw(TarBuilder.header(name: "media/big.1.jpg", size: 1 << 40))
        tar.raw([UInt8](repeating: 1, count: 1000))
        let error = failure(tar.bytes)
        #expect(error?.code == .inputTruncated)
        #expect(error?.location.offset == Int64(0))
    }

    @Test func aBadChecksumIsCorruption() throws {
        var tar = TarBuilder()
        tar.file("media/a.json", "{}")
        tar.raw(TarBuilder.header(name: "messages.json", size: 2, checksum: false))
        let error = failure(tar.bytes)
        #expect(error?.code == .inputCorrupt)
        #expect(error?.location.offset == Int64(1024))
        #expect(error?.message.contains("checksum") == true)
    }

    @Test(arguments: [
        ("negative octal", Array("-0000000001\0".utf8)),
        ("not octal", Array("0000000009x\0".utf8)),
        ("negative base-256", [UInt8](repeating: 0xFF, count: 12)),
        ("base-256 beyond Int64", [0x80] + [UInt8](repeating: 0xFF, count: 11)),
        ("base-256 near 2^63", [0x80, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    ])
    func impossibleSizeFieldsAreCorruption(_ name: String, _ field: [UInt8]) throws {
        var tar = TarBuilder()
        tar.file("media/a.json", "{}")
        tar.raw(TarBuilder.header(name: "media/b.json", size: 0, layout: .gnu, sizeField: field))
        tar.file("messages.json", Self.messages)
        let error = failure(tar.bytes)
        #expect(error?.code == .inputCorrupt, "\(name)")
        #expect(error?.location.offset == Int64(1024 + 124), "\(name)")
    }

    @Test(arguments: [
        ("shorter than its own prefix", Array("1 path=x\n".utf8)),
        ("length zero", Array("0 path=x\n".utf8)),
        ("longer than the header", Array("99 path=x\n".utf8)),
        ("no length", Array(" path=x\n".utf8)),
        ("no newline at its end", Array("9 path=xy".utf8)),
        ("no equals sign", Array("9 pathxy\n".utf8)),
        ("a size near 2^63", TarBuilder.paxRecord("size", "9223372036854775807")),
        ("a negative size", TarBuilder.paxRecord("size", "-1")),
        ("a size that is not a number", TarBuilder.paxRecord("size", "12a")),
        ("a length of 20 digits", Array("99999999999999999999 path=x\n".utf8)),
    ])
    func lyingPaxRecordsAreCorruption(_ name: String, _ records: [UInt8]) throws {
        var tar = TarBuilder()
        tar.file("media/a.json", "{}")
        tar.pax(TarBuilder.paxRecord("mtime", "1") + records)
        tar.file("media/b.json", "{}")
        tar.file("messages.json", Self.messages)
        let error = failure(tar.bytes)
        #expect(error?.code == .inputCorrupt, "\(name)")
        #expect(error?.location.offset == 1024 + 512 + Int64(TarBuilder.paxRecord("mtime", "1").count), "\(name)")
    }

    @Test func aLyingPaxSizeAfterMessagesIsAnErrorAfterTheMessages() throws {
        var tar = TarBuilder()
        tar.file("messages.json", Self.messages)
        tar.pax(TarBuilder.paxRecord("size", "9223372036854775807"))
        tar.file("media/x.1.jpg", "jpeg")
        tar.end()
        let error = failure(tar.bytes)
        #expect(error?.code == .inputCorrupt)
        #expect(error?.location.offset == Int64(1024 + 512))
    }

    @Test func aLongNameLargerThanAnyPathIsRefused() throws {
        var tar = TarBuilder()
        tar.raw(TarBuilder.header(name: "././@LongLink", size: 3 << 20, type: UInt8(ascii: "L"), layout: .gnu))
        tar.raw([UInt8](repeating: 0x61, count: 3 << 20))
        tar.file("messages.json", Self.messages)
        #expect(failure(tar.bytes)?.code == .inputCorrupt)
    }

    @Test func oldTarsSignedChecksumsAreAccepted() throws {
        var block = TarBuilder.header(name: "messages.json", size: Self.messages.utf8.count)
        // A name byte with the high bit set makes the signed and unsigned sums differ.
        block[20] = 0
        block[14] = 0xE9
        for index in 148..<156 { block[index] = 0x20 }
        let signed = block.reduce(0) { $0 + Int(Int8(bitPattern: $1)) }
        let field = TarBuilder.octal(signed, width: 7) + [0x20]
        for (index, byte) in field.enumerated() { block[148 + index] = byte }
        #expect(TarHeader.checksumMatches(block))
    }
}
