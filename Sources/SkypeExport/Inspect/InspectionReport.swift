import Foundation

/// What an export holds, read without a database: `skype-parallel-load inspect`.
package struct InspectionReport: Sendable, Codable, Equatable {
    package struct Largest: Sendable, Codable, Equatable {
        package var conversation: String
        package var title: String
        package var messages: Int
    }

    package var export: String
    package var formats: [ContainerFormat] = []
    package var owner: String?
    package var exportDate: String?
    package var jsonBytes: Int64 = 0
    package var conversations = 0
    package var conversationsByKind: [String: Int] = [:]
    /// Every MessageList element.
    package var messages = 0
    package var messagesByType: [String: Int] = [:]
    /// Messages whose identity (conversation, id, arrival, sender, type) came before: exact
    /// repeats and other states of one message, which a load stores as one row.
    package var repeatedMessages = 0
    package var firstMessageAt: String?
    package var lastMessageAt: String?
    package var largestConversations: [Largest] = []
    /// Values a load would repair, by kind.
    package var repairs = RepairCounts()
    /// Messages a load would reject, by reason.
    package var rejects: [String: Int] = [:]
    /// Structure a load would extract, by table.
    package var structure: [String: Int] = [:]

    package init(export: String) { self.export = export }

    package var text: String {
        var lines: [String] = []
        lines.append("export        \(export) (\(formats.map(\.rawValue).joined(separator: "+"))), \(String(format: "%.1f", Double(jsonBytes) / 1e6)) MB of JSON")
        lines.append("owner         \(owner ?? "(not given)"), exported \(exportDate ?? "(no date)")")
        lines.append("conversations \(conversations): " + Self.counts(conversationsByKind))
        lines.append("messages      \(messages) (\(repeatedMessages) repeats of a message, in the same state or another), from \(firstMessageAt ?? "-") to \(lastMessageAt ?? "-")")
        lines.append("")
        lines.append("messages by type")
        for (type, count) in messagesByType.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  " + type.padding(toLength: 36, withPad: " ", startingAt: 0) + String(count))
        }
        if !structure.isEmpty {
            lines.append("")
            lines.append("structure     " + Self.counts(structure))
        }
        lines.append("")
        lines.append("largest conversations")
        for largest in largestConversations {
            lines.append("  " + String(largest.messages).padding(toLength: 9, withPad: " ", startingAt: 0)
                + largest.title + (largest.title == largest.conversation ? "" : "  (\(largest.conversation))"))
        }
        lines.append("")
        lines.append("would repair  \(repairs.nulCharacters) NUL, \(repairs.invalidUTF8) invalid UTF-8, \(repairs.loneSurrogates) lone surrogates")
        lines.append("would reject  " + (rejects.isEmpty ? "nothing" : Self.counts(rejects)))
        return lines.joined(separator: "\n") + "\n"
    }

    static func counts(_ values: [String: Int]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
