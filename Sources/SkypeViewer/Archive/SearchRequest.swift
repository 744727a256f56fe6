import Foundation

/// A full-text search over `messages.body_text` and its filters, as `serve`'s search page and
/// the `search` command take it. Built by ``validated()``: every bound checked once.
package struct SearchRequest: Sendable, Equatable {
    /// How hits are ordered.
    package enum Order: String, Sendable, CaseIterable {
        /// Newest first: the default, as fast on a common word as on a rare one.
        case newest
        /// By `ts_rank` among the newest ``SearchRequest/rankedWindow`` matches, then newest first.
        case rank
    }

    /// `websearch_to_tsquery` syntax: words, `"a phrase"`, `-word`, `or`.
    package var query: String
    package var conversation: String?
    /// A sender's id (`8:live:ann` or `live:ann`) or display name.
    package var sender: String?
    package var account: String?
    /// Local dates, `YYYY-MM-DD`, both inclusive.
    package var since: String?
    package var until: String?
    package var order: Order = .newest
    package var limit: Int = 50
    /// For newest-first pages after the first: the last hit's place.
    package var before: MessageCursor?

    /// The longest query accepted, in bytes.
    package static let maximumQueryBytes = 512
    /// How many of the newest matches `rank` orders: ranking all of a common word's matches
    /// would cost in proportion to the archive.
    package static let rankedWindow = 1000
    /// The most hits one request returns.
    package static let maximumLimit = 500

    package init(query: String) {
        self.query = query
    }

    /// The request with its bounds checked, or the error to show.
    package func validated() throws(ViewerError) -> SearchRequest {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ViewerError(.badRequest, "the search is empty", hint: "Type a word or a phrase") }
        guard trimmed.utf8.count <= Self.maximumQueryBytes else {
            throw ViewerError(.badRequest, "the search is longer than \(Self.maximumQueryBytes) bytes")
        }
        guard (1...Self.maximumLimit).contains(limit) else {
            throw ViewerError(.badRequest, "the limit must be 1 to \(Self.maximumLimit)")
        }
        for (name, date) in [("since", since), ("until", until)] {
            if let date, !LocalDate.isValid(date) {
                throw ViewerError(.badRequest, "\(name) must be a date such as 2012-03-04, not \(date.prefix(40))")
            }
        }
        var copy = self
        copy.query = trimmed
        return copy
    }
}

/// One search hit: where it is and the matching words in context.
package struct SearchHit: Sendable, Equatable {
    package var account: String
    package var conversationID: String
    package var conversationTitle: String
    package var messageID: String
    package var fingerprint: Int64
    package var cursor: MessageCursor
    /// `sent_at` in UTC (ISO 8601) and as a local time.
    package var sentAt: String
    package var localTime: String
    package var senderID: String?
    package var senderName: String?
    /// The snippet, cut into plain and matched parts.
    package var snippet: [Snippet.Part]

    /// The sender's name, else the id as a person reads it.
    package var senderLabel: String {
        if let senderName, !senderName.isEmpty { return senderName }
        return ArchiveMessage.readableID(senderID ?? "")
    }
}

/// `ts_headline`'s output read back: the database marks matches with two control characters
/// (never markup), and the snippet is cut at them, so each part is escaped on its own.
package enum Snippet {
    package struct Part: Sendable, Equatable {
        package var text: String
        package var isMatch: Bool
    }

    static let start = "\u{1}"
    static let stop = "\u{2}"

    static func parts(_ headline: String) -> [Part] {
        var parts: [Part] = []
        var isMatch = false
        var current = ""
        for scalar in headline.unicodeScalars {
            if scalar == "\u{1}" || scalar == "\u{2}" {
                if !current.isEmpty { parts.append(Part(text: current, isMatch: isMatch)) }
                current = ""
                isMatch = scalar == "\u{1}"
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { parts.append(Part(text: current, isMatch: isMatch)) }
        return parts
    }

    /// The snippet as plain text.
    package static func plain(_ parts: [Part]) -> String {
        parts.map(\.text).joined()
    }
}

/// A local calendar date as the viewer takes it: `YYYY-MM-DD`.
package enum LocalDate {
    package static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        let digits = bytes.enumerated().filter { $0.offset != 4 && $0.offset != 7 }.map(\.element)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)) ?? 0
        let day = Int(String(decoding: bytes[8..<10], as: UTF8.self)) ?? 0
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
