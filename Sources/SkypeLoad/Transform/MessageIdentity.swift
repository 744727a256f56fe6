/// What makes a message distinct: its conversation, its id and a fingerprint of its arrival
/// time, sender, type and content. The loader keys rows on it; `verify` compares on it.
public enum MessageIdentity {
    /// The fingerprint column's value.
    public static func fingerprint(sentAt: String, sender: String?, type: String?, content: String?) -> Int64 {
        var hash = Fingerprint()
        hash.add(sentAt)
        hash.add(sender)
        hash.add(type)
        hash.add(content)
        return hash.signed
    }

    /// The same, with the arrival time's text made on the stack and the content as UTF-8.
    static func fingerprint(sentAt time: SkypeTimestamp, sender: String?, type: String?, content: [UInt8]?) -> Int64 {
        var hash = Fingerprint()
        time.withPostgresText { hash.add(field: $0) }
        hash.add(sender)
        hash.add(type)
        (content ?? []).withUnsafeBytes { hash.add(field: $0) }
        return hash.signed
    }

    /// A 64-bit hash of (message id, fingerprint) within a conversation, summed (wrapping) over
    /// a conversation's messages for an order-independent checksum.
    public static func hash(messageID: String, fingerprint: Int64) -> UInt64 {
        var hash = Fingerprint()
        hash.add(messageID)
        hash.add(String(fingerprint))
        return hash.value
    }
}
