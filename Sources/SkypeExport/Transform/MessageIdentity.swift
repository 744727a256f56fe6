/// What makes a message the same message in every export that holds it: its account, its
/// conversation, its id and a fingerprint of its arrival time, sender and type. Content and
/// properties are not part of it: they change when a message is edited, deleted or reacted to,
/// and a newer export's state then replaces the older one (``MessageRevision``). The loader
/// keys rows on it; `verify` compares on it.
package enum MessageIdentity {
    /// The fingerprint column's value: the first 64 bits of the MD5 of the arrival time (Unix
    /// microseconds, decimal), the sender and the type, each followed by a 0xFF byte (which UTF-8
    /// never contains), nil as empty. Migration 006 computes the same in SQL from the stored
    /// columns, so rows loaded by earlier versions get the same identity as a new load gives them.
    package static func fingerprint(sentAtUnixMicroseconds micros: Int64, sender: String?, type: String?) -> Int64 {
        var sender = sender ?? "", type = type ?? ""
        return sender.withUTF8 { senderBytes in
            type.withUTF8 { typeBytes in
                // On the stack: this runs once per message.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24 + senderBytes.count + typeBytes.count) { buffer in
                    var count = 0
                    func append(_ byte: UInt8) { buffer[count] = byte; count += 1 }
                    var digits = micros.magnitude
                    if micros < 0 { append(UInt8(ascii: "-")) }
                    let start = count
                    repeat { append(UInt8(ascii: "0") + UInt8(digits % 10)); digits /= 10 } while digits > 0
                    buffer[start..<count].reverse()
                    append(0xFF)
                    for byte in senderBytes { append(byte) }
                    append(0xFF)
                    for byte in typeBytes { append(byte) }
                    append(0xFF)
                    return MD5.leading64(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<count])))
                }
            }
        }
    }

    /// The same for a parsed arrival time.
    static func fingerprint(sentAt time: SkypeTimestamp, sender: String?, type: String?) -> Int64 {
        fingerprint(sentAtUnixMicroseconds: time.unixMicroseconds, sender: sender, type: type)
    }

    /// A 64-bit hash of (message id, fingerprint) within a conversation, summed (wrapping) over
    /// a conversation's messages for an order-independent checksum.
    package static func hash(messageID: String, fingerprint: Int64) -> UInt64 {
        var hash = Fingerprint()
        hash.add(messageID)
        hash.add(String(fingerprint))
        return hash.value
    }
}
