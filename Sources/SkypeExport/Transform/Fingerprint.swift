/// FNV-1a, 64 bits: a deterministic hash (Swift's `Hasher` is seeded per process, so it
/// cannot name anything stored in a database).
package struct Fingerprint: Sendable {
    package private(set) var value: UInt64 = 0xcbf29ce484222325

    private static let prime: UInt64 = 0x100000001b3

    package init() {}

    package mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* Self.prime
        }
        value = hash
    }

    /// Adds one field: its bytes, then a byte that UTF-8 text never contains, which keeps
    /// ("ab","c") apart from ("a","bc").
    package mutating func add(field bytes: UnsafeRawBufferPointer) {
        add(bytes)
        value = (value ^ 0xFF) &* Self.prime
    }

    /// Adds the text (nil as empty) as one field.
    package mutating func add(_ text: String?) {
        var text = text ?? ""
        text.withUTF8 { add(field: UnsafeRawBufferPointer($0)) }
    }

    package var signed: Int64 { Int64(bitPattern: value) }
}
