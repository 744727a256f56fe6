import Foundation
@testable import SkypeExport
@testable import SkypeSupport
import Testing
import SyntheticExport

@Suite struct InputFormatTests {
    func readAll(_ input: ExportInput) throws -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try input.source.read(into: $0) }
            if count == 0 { break }
            all += buffer[0..<count]
        }
        return all
    }

    @Test(arguments: [[ContainerFormat](), [.tar], [.zstd], [.tar, .zstd]])
    func everyContainerCombinationYieldsTheSameJSON(_ formats: [ContainerFormat]) throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 500, conversations: 5)
        let path = try export.wrapped(formats, in: directory)
        let input = try ExportInput(path: path)
        #expect(input.formats == formats.reversed() + [.json])
        #expect(try readAll(input) == Array(try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON))))
    }

    @Test func multiFrameZstdIsReadToTheEnd() throws {
        let directory = try ScratchDirectory()
        let first = directory.path("a.json")
        try Data(#"{"conversations":["#.utf8).write(to: URL(fileURLWithPath: first))
        let second = directory.path("b.json")
        try Data(#"{"id":"8:a","MessageList":[]}]}"#.utf8).write(to: URL(fileURLWithPath: second))
        try Shell.run("zstd", ["-q", "-f", first, "-o", first + ".zst"])
        try Shell.run("zstd", ["-q", "-f", second, "-o", second + ".zst"])
        let joined = directory.path("joined.json.zst")
        var data = try Data(contentsOf: URL(fileURLWithPath: first + ".zst"))
        data.append(try Data(contentsOf: URL(fileURLWithPath: second + ".zst")))
        try data.write(to: URL(fileURLWithPath: joined))
        let text = String(decoding: try readAll(try ExportInput(path: joined)), as: UTF8.self)
        #expect(text == #"{"conversations":[{"id":"8:a","MessageList":[]}]}"#)
    }

    @Test func longWindowZstdOpens() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 300, conversations: 3)
        try Shell.run("zstd", ["-q", "-f", "--long=31", export.messagesJSON, "-o", directory.path("long.json.zst")])
        let input = try ExportInput(path: directory.path("long.json.zst"))
        #expect(try readAll(input).count == export.manifest.bytes)
    }

    /// Security review finding 7: a frame header of a few bytes could ask for a 2 GiB window,
    /// which the decoder then allocated. The window is bounded unless the user raises it.
    @Test func aFrameAskingForAHugeWindowIsRefusedUnlessAllowed() throws {
        let directory = try ScratchDirectory()
        // A zstd frame: magic, a header without size or checksum, a window of 2^(10+18) = 256 MiB,
        // then one raw last block holding "{}".
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 18 << 3, 0x11, 0x00, 0x00, UInt8(ascii: "{"), UInt8(ascii: "}")]
        let path = directory.path("window.json.zst")
        try Data(frame).write(to: URL(fileURLWithPath: path))
        do {
            _ = try readAll(try ExportInput(path: path))
            Issue.record("a 256 MiB window was accepted by default")
        } catch let error as LoadError {
            #expect(error.code == .inputUnreadable)
            #expect(error.message.contains("window larger than 2^27"))
            #expect(error.hint?.contains("--zstd-window-log 31") == true)
            #expect(error.location.file == path)
        }
        // Asked for, it opens.
        #expect(try readAll(try ExportInput(path: path, zstdWindowLogMax: 28)) == Array("{}".utf8))
    }

    @Test func truncatedZstdNamesTheFileAndOffset() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 5)
        let path = try export.wrapped([.tar, .zstd], in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = directory.path("cut.tar.zst")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        let input = try ExportInput(path: cut)
        do {
            _ = try readAll(input)
            Issue.record("a truncated zstd file was read to the end")
        } catch let error as LoadError {
            #expect(error.code == .inputTruncated)
            #expect(error.location.file == cut)
            #expect(error.location.offset == Int64(data.count / 2))
        }
    }

    @Test func corruptZstdIsAnError() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 2000, conversations: 5)
        let path = try export.wrapped([.zstd], in: directory)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in stride(from: 100, to: min(data.count, 400), by: 3) { data[index] ^= 0x5A }
        let bad = directory.path("bad.json.zst")
        try data.write(to: URL(fileURLWithPath: bad))
        #expect { _ = try readAll(try ExportInput(path: bad)) } throws: {
            [.inputCorrupt, .inputTruncated].contains(($0 as? LoadError)?.code)
        }
    }

    @Test func otherFilesAreNotExports() throws {
        let directory = try ScratchDirectory()
        let png = directory.path("photo.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 100)).write(to: URL(fileURLWithPath: png))
        #expect { try ExportInput(path: png) } throws: { ($0 as? LoadError)?.code == .notAnExport }
        let empty = directory.path("empty")
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect { try ExportInput(path: empty) } throws: { ($0 as? LoadError)?.code == .notAnExport }
        #expect { try ExportInput(path: directory.path("missing")) } throws: { ($0 as? LoadError)?.code == .inputUnreadable }
    }

    @Test func tarWithoutMessagesIsNotAnExport() throws {
        let directory = try ScratchDirectory()
        try Data("hello".utf8).write(to: URL(fileURLWithPath: directory.path("contacts.csv")))
        try Shell.run("tar", ["-cf", directory.path("x.tar"), "-C", directory.url.path, "contacts.csv"])
        #expect { try ExportInput(path: directory.path("x.tar")) } throws: {
            ($0 as? LoadError)?.code == .notAnExport && "\($0)".contains("messages.json")
        }
    }
}
