import Foundation

/// One line of the reject file: a message (or a whole quarantined shard) that could not be
/// loaded as it is, with enough to find it in the export and load it by hand.
package struct RejectRecord: Sendable, Codable, Equatable {
    /// The export's path as given.
    package var export: String?
    /// Byte offset in `messages.json` of the message (or the shard's first message).
    package var offset: Int64
    /// Bytes the record covers: the message, or the shard's range.
    package var length: Int
    package var conversation: String
    /// Position in the conversation's `MessageList`; nil for a shard.
    package var messageIndex: Int?
    package var reason: String
    /// What the server said, for a message it refused (`server_refused`, `text_too_long_to_index`).
    package var detail: String?
    /// The raw JSON of the message; nil for a shard (its byte range says where it is).
    package var raw: String?

    package init(export: String? = nil, offset: Int64, length: Int, conversation: String,
                messageIndex: Int?, reason: String, raw: String?, detail: String? = nil) {
        self.export = export
        self.offset = offset
        self.length = length
        self.conversation = conversation
        self.messageIndex = messageIndex
        self.reason = reason
        self.raw = raw
        self.detail = detail
    }

    /// Records as JSON lines, the form the ledger keeps a shard's rejects in (text with every
    /// control character escaped, so any raw message fits in a `text` column).
    package static func lines(_ records: [RejectRecord]) -> String? {
        guard !records.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return records.compactMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: "\n")
    }

    /// The records ``lines(_:)`` wrote.
    package static func records(fromLines text: String?) -> [RejectRecord] {
        guard let text else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
    }
}
