import Foundation
import SkypeExport
import SyntheticExport

/// A generated export on disk in the container formats a test asks for.
struct TestExport {
    let messagesJSON: String
    let manifest: SyntheticExportManifest

    static func generate(in directory: ScratchDirectory, messages: Int, conversations: Int, seed: UInt64 = 7,
                         hazards: Bool = true, later: LaterExport? = nil, name: String = "messages.json") throws -> TestExport {
        var options = SyntheticExportOptions()
        options.messages = messages
        options.conversations = conversations
        options.seed = seed
        options.hazards = hazards
        options.averageTextLength = 120
        options.later = later
        let path = directory.path(name)
        let manifest = try SyntheticExportWriter(options: options).write(toFile: path)
        return TestExport(messagesJSON: path, manifest: manifest)
    }

    /// `messages.json` wrapped as `formats` says: [.tar], [.zstd], [.tar, .zstd] (tar inside zstd).
    func wrapped(_ formats: [ContainerFormat], in directory: ScratchDirectory) throws -> String {
        var current = messagesJSON
        for format in formats {
            switch format {
            case .tar:
                let output = directory.path("export-\(UUID().uuidString).tar")
                let folder = URL(fileURLWithPath: current).deletingLastPathComponent().path
                // A media entry before messages.json, as real exports may have, must be stepped over.
                try Shell.run("tar", ["-cf", output, "-C", folder, URL(fileURLWithPath: current).lastPathComponent])
                let withMedia = directory.path("export-\(UUID().uuidString).tar")
                let mediaDir = directory.path("media-\(UUID().uuidString)")
                try FileManager.default.createDirectory(atPath: mediaDir + "/media", withIntermediateDirectories: true)
                try Data(#"{"filename":"IMG_1.jpg"}"#.utf8).write(to: URL(fileURLWithPath: mediaDir + "/media/0-weu-d8-abc.json"))
                if URL(fileURLWithPath: current).lastPathComponent == "messages.json" {
                    try FileManager.default.copyItem(atPath: current, toPath: mediaDir + "/messages.json")
                    try Shell.run("tar", ["-cf", withMedia, "-C", mediaDir, "media", "messages.json"])
                    current = withMedia
                } else {
                    current = output
                }
            case .zstd:
                let output = current + ".zst"
                try Shell.run("zstd", ["-q", "-f", "--long=27", current, "-o", output])
                current = output
            case .json:
                break
            }
        }
        return current
    }
}
