import ArgumentParser
import Foundation
import SyntheticExport

/// Writes a synthetic messages.json; `scripts/generate-export` wraps it into .tar.zst.
struct GenerateExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skype-export-generator",
        abstract: "Write a realistic synthetic Skype messages.json of any size.",
        discussion: "Example: skype-export-generator --messages 200000 --output messages.json"
    )

    @Option(help: "Messages in the export.") var messages = 10_000
    @Option(help: "Conversations (default: messages / 2000, at least 20).") var conversations: Int?
    @Option(help: "Random seed: the same seed gives the same bytes.") var seed: UInt64 = 42
    @Option(help: "Average characters of text per message.") var textLength = 300
    @Flag(help: "Leave out the hazards (NUL, bad UTF-8, duplicates, ...).") var clean = false
    @Option(help: "Make the same account's later export: this many messages edited since (with --later-deletes, --later-reactions).")
    var laterEdits: Int?
    @Option(help: "In a later export: messages deleted since.") var laterDeletes = 0
    @Option(help: "In a later export: messages that gained a reaction since.") var laterReactions = 0
    @Option(help: "Where to write messages.json.") var output: String
    @Option(help: "Where to write the manifest (counts to check a load against) as JSON.") var manifest: String?
    @Option(help: "Media files to add, COUNTxSIZE or COUNTxMIN-MAX (log-spread sizes; K, M, G suffixes), repeatable: --media 300x1K-50M --media 1x300M.")
    var media: [MediaSpec] = []
    @Option(help: "The folder to write media/ into (default: beside --output).") var mediaOutput: String?

    func run() throws {
        var options = SyntheticExportOptions()
        options.messages = messages
        options.conversations = conversations ?? max(20, messages / 2000)
        options.seed = seed
        options.averageTextLength = textLength
        options.hazards = !clean
        if laterEdits != nil || laterDeletes > 0 || laterReactions > 0 {
            options.later = LaterExport(edits: laterEdits ?? 0, deletes: laterDeletes, reactions: laterReactions)
        }
        for (index, spec) in media.enumerated() {
            options.mediaSizes += SyntheticMedia.sizes(count: spec.count, from: spec.smallest, to: spec.largest,
                                                       seed: seed &+ UInt64(index))
        }
        let writer = SyntheticExportWriter(options: options)
        let result = try writer.write(toFile: output)
        try writer.media?.write(toDirectory: mediaOutput ?? URL(fileURLWithPath: output).deletingLastPathComponent().path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(result)
        if let manifest { try json.write(to: URL(fileURLWithPath: manifest)) }
        print(String(decoding: json, as: UTF8.self))
    }
}

/// `COUNTxSIZE` or `COUNTxMIN-MAX`, sizes with optional K, M, G suffixes (powers of 1024).
struct MediaSpec: ExpressibleByArgument {
    var count: Int
    var smallest: Int
    var largest: Int

    init?(argument: String) {
        let parts = argument.split(separator: "x", maxSplits: 1)
        guard parts.count == 2, let count = Int(parts[0]), count >= 0 else { return nil }
        let range = parts[1].split(separator: "-")
        guard (1...2).contains(range.count), let low = Self.bytes(range[0]), let high = Self.bytes(range.last ?? range[0]),
              low <= high else { return nil }
        self.count = count
        smallest = low
        largest = high
    }

    static func bytes(_ text: Substring) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last?.uppercased().first, let unit = units[last] {
            return Int(text.dropLast()).map { $0 * unit }
        }
        return Int(text)
    }
}

GenerateExport.main()
