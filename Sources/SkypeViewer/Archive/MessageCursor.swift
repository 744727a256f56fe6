/// A message's place in its conversation's order: `sent_at`, then `message_id`, then
/// `fingerprint` (the key's columns, so that no two messages share a place). Pages are read by
/// keyset from a cursor, never by OFFSET: page 5,000 of a conversation costs what page 1 does.
///
/// In a URL it is one parameter, `<time>_<fingerprint>_<message id>`: the time as the database
/// wrote it (UTC, to the microsecond: `2012-03-04T17:33:29.920000Z`), which holds no `_`, and
/// the id last, since it may hold anything.
package struct MessageCursor: Sendable, Equatable, Hashable {
    /// `sent_at` in UTC, ISO 8601 with microseconds.
    package var sentAt: String
    package var messageID: String
    package var fingerprint: Int64

    package init(sentAt: String, messageID: String, fingerprint: Int64) {
        self.sentAt = sentAt
        self.messageID = messageID
        self.fingerprint = fingerprint
    }

    /// The URL form.
    package var token: String { "\(sentAt)_\(fingerprint)_\(messageID)" }

    /// Reads the URL form; nil for anything else (a bad request).
    package init?(token: String) {
        guard token.utf8.count <= 1024 else { return nil }
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, Self.isTimestamp(parts[0]), let fingerprint = Int64(parts[1]) else { return nil }
        self.init(sentAt: String(parts[0]), messageID: String(parts[2]), fingerprint: fingerprint)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, the only form the viewer writes.
    static func isTimestamp(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 27, bytes.last == UInt8(ascii: "Z") else { return false }
        let shape = Array("0000-00-00T00:00:00".utf8)
        for (index, expected) in shape.enumerated() {
            let byte = bytes[index]
            if expected == UInt8(ascii: "0") {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            } else if byte != expected {
                return false
            }
        }
        let fraction = bytes[19..<(bytes.count - 1)]
        if fraction.isEmpty { return true }
        guard fraction.first == UInt8(ascii: "."), fraction.count >= 2 else { return false }
        return fraction.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
