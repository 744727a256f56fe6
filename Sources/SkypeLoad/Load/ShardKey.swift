/// The identity of a shard in the ledger: a hash of its conversations, slices and bytes, with
/// its size and first conversation for people reading the ledger. The same export cut the same
/// way gives the same keys; any change to a shard's content gives a new key.
enum ShardKey {
    static func of(_ shard: Shard) -> String {
        var fingerprint = Fingerprint()
        for part in shard.parts {
            fingerprint.add(part.conversationID)
            fingerprint.add(String(part.slice))
            part.messages.withUnsafeBytes { fingerprint.add($0) }
            if let header = part.header { header.withUnsafeBytes { fingerprint.add($0) } }
            fingerprint.add(part.header == nil ? "slice" : "end")
        }
        let first = shard.parts.first.map { "\($0.conversationID)[\($0.slice)]" } ?? "empty"
        return "\(fingerprint.hex)-\(shard.byteCount)-\(first)"
    }
}
