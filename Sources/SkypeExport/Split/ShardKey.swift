/// The identity of a shard in the ledger: a hash of its conversations, slices and bytes, with
/// its size and first conversation for people reading the ledger. The same export cut the same
/// way gives the same keys; any change to a shard's content gives a new key.
///
/// Each piece is hashed with the hash so far as its seed; XXH64 folds in every piece's length,
/// so pieces cannot run into each other. (Keys made by versions that used FNV-1a differ: a
/// rerun of their exports sends every shard again, and the merge adds nothing twice.)
package enum ShardKey {
    package static func of(_ shard: Shard) -> String {
        var hash: UInt64 = 0
        func add(_ bytes: UnsafeRawBufferPointer) { hash = XXH64.hash(bytes, seed: hash) }
        func add(_ text: String) {
            var text = text
            text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
        }
        // The same conversation exported by two accounts is two shards (keys made before
        // accounts were recorded, with no account, stay as they were).
        if !shard.account.isEmpty { add("account " + shard.account) }
        for part in shard.parts {
            add(part.conversationID)
            add(String(part.slice))
            part.messages.withUnsafeBytes { add($0) }
            if let header = part.header { header.withUnsafeBytes { add($0) } }
            add(part.header == nil ? "slice" : "end")
        }
        let first = shard.parts.first.map { "\($0.conversationID)[\($0.slice)]" } ?? "empty"
        return "\(ASCIIDigits.hex(hash))-\(shard.byteCount)-\(first)"
    }
}
