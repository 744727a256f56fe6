/// What an export holds, read without a database: `skype-parallel-load inspect`.
public struct InspectionReport: Sendable, Codable, Equatable {
    public struct Largest: Sendable, Codable, Equatable {
        public var conversation: String
        public var title: String
        public var messages: Int
    }

    public var export: String
    public var formats: [ContainerFormat] = []
    public var owner: String?
    public var exportDate: String?
    public var jsonBytes: Int64 = 0
    public var conversations = 0
    public var conversationsByKind: [String: Int] = [:]
    /// Every MessageList element.
    public var messages = 0
    public var messagesByType: [String: Int] = [:]
    /// Messages whose identity (conversation, id, arrival, sender, type) came before: exact
    /// repeats and other states of one message, which a load stores as one row.
    public var repeatedMessages = 0
    public var firstMessageAt: String?
    public var lastMessageAt: String?
    public var largestConversations: [Largest] = []
    /// Values a load would repair, by kind.
    public var repairs = RepairCounts()
    /// Messages a load would reject, by reason.
    public var rejects: [String: Int] = [:]
    /// Structure a load would extract, by table.
    public var structure: [String: Int] = [:]

    public init(export: String) { self.export = export }

    public var text: String {
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
