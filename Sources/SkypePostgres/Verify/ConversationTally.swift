/// A conversation's distinct messages, reduced to a count and an order-independent checksum.
public struct ConversationTally: Sendable, Equatable, Codable {
    public var messages = 0
    /// The wrapping sum of ``MessageIdentity/hash(messageID:fingerprint:)`` over the messages.
    public var checksum: UInt64 = 0

    public init() {}

    public mutating func add(_ identity: UInt64) {
        messages += 1
        checksum = checksum &+ identity
    }
}
