/// A conversation's distinct messages, reduced to a count and an order-independent checksum.
package struct ConversationTally: Sendable, Equatable, Codable {
    package var messages = 0
    /// The wrapping sum of ``MessageIdentity/hash(messageID:fingerprint:)`` over the messages.
    package var checksum: UInt64 = 0

    package init() {}

    package mutating func add(_ identity: UInt64) {
        messages += 1
        checksum = checksum &+ identity
    }
}
