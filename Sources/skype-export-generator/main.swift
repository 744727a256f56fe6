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
        let result = try SyntheticExportWriter(options: options).write(toFile: output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(result)
        if let manifest { try json.write(to: URL(fileURLWithPath: manifest)) }
        print(String(decoding: json, as: UTF8.self))
    }
}

GenerateExport.main()
