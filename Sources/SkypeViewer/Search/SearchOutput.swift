import Foundation

/// The `search` command's output: one block per hit for people (the match in bold on a
/// terminal), or JSON Lines for programs.
package enum SearchOutput {
    /// One line of JSON per hit.
    package static func jsonLine(_ hit: SearchHit) -> String {
        struct Line: Encodable {
            var account: String
            var conversation_id: String
            var conversation_title: String
            var message_id: String
            var fingerprint: Int64
            var sent_at: String
            var local_time: String
            var sender_id: String?
            var sender_name: String
            var snippet: String
            var matches: [String]
        }
        let line = Line(account: hit.account, conversation_id: hit.conversationID, conversation_title: hit.conversationTitle,
                        message_id: hit.messageID, fingerprint: hit.fingerprint, sent_at: hit.sentAt, local_time: hit.localTime,
                        sender_id: hit.senderID, sender_name: hit.senderLabel, snippet: Snippet.plain(hit.snippet),
                        matches: hit.snippet.filter(\.isMatch).map(\.text))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Time, conversation and sender on one line, the snippet on the next; the match in bold
    /// when `bold`. Control characters from the archive are dropped: a message must not be
    /// able to move the cursor or recolour the terminal.
    package static func text(_ hit: SearchHit, bold: Bool) -> String {
        let snippet = hit.snippet.map { part in
            bold && part.isMatch ? "\u{1B}[1m" + printable(part.text) + "\u{1B}[0m" : printable(part.text)
        }.joined()
        return "\(hit.localTime)  \(printable(hit.conversationTitle))  \(printable(hit.senderLabel))\n    \(snippet)\n"
    }

    /// Text without terminal control characters (newlines become spaces).
    package static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0x7F ? " " : scalar
        }))
    }
}
