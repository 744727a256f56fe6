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
