import Foundation
@testable import SkypeExport
import SyntheticExport

/// A generated export with media files: `messages.json` and `media/` in a tar (media after the
/// messages, or before them), optionally zstd-compressed, and the SHA-256 of every media entry.
struct MediaTestExport {
    let path: String
    let media: SyntheticMedia
    /// Entry name → SHA-256, hex.
    let digests: [String: String]

    static func make(in directory: ScratchDirectory, messages: Int = 2000, conversations: Int = 6,
                     sizes: [Int], mediaFirst: Bool = false, zstd: Bool = true) throws -> MediaTestExport {
        var options = SyntheticExportOptions()
        options.messages = messages
        options.conversations = conversations
        options.averageTextLength = 120
        options.mediaSizes = sizes
        let stage = directory.path("stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        let writer = SyntheticExportWriter(options: options)
        _ = try writer.write(toFile: stage + "/messages.json")
        guard let media = writer.media else { throw TestFailure("no media generated") }
        try media.write(toDirectory: stage)
        let tar = directory.path("export-\(UUID().uuidString).tar")
        try Shell.run("tar", ["-cf", tar, "-C", stage] + (mediaFirst ? ["media", "messages.json"] : ["messages.json", "media"]))
        try FileManager.default.removeItem(atPath: stage)
        var path = tar
        if zstd {
            try Shell.run("zstd", ["-q", "-f", "--rm", tar, "-o", tar + ".zst"])
            path = tar + ".zst"
        }
        var digests: [String: String] = [:]
        for file in media.files {
            let hasher = SkypeExport.SHA256()
            SyntheticMedia.forEachPiece(of: file) { hasher.update($0) }
            digests[file.entry] = SkypeExport.SHA256.hex(hasher.finish())
        }
        return MediaTestExport(path: path, media: media, digests: digests)
    }

    /// The SHA-256 of every regular file under `directory`, sorted (a multiset).
    static func digests(under directory: String) throws -> [String] {
        var result: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            result.append(data.withUnsafeBytes { SkypeExport.SHA256.hex(SkypeExport.SHA256.digest($0)) })
        }
        return result.sorted()
    }
}
