/// Builds rows in PostgreSQL's COPY text format in memory; ``PostgresConnection/copyIn(_:data:)``
/// sends them in large chunks.
public struct CopyWriter {
    /// The rows written so far.
    public private(set) var buffer: [UInt8] = []
    private var fieldsInRow = 0

    /// An empty buffer.
    public init() {}

    /// Appends a text field, escaped; nil is SQL NULL.
    public mutating func field(_ value: String?) {
        separate()
        guard let value else { buffer.append(contentsOf: [0x5C, UInt8(ascii: "N")]); return }
        var text = value
        text.withUTF8 { CopyEncoding.appendEscaped($0, to: &buffer) }
    }

    /// Appends an integer field.
    public mutating func field(_ value: Int64?) {
        separate()
        guard let value else { buffer.append(contentsOf: [0x5C, UInt8(ascii: "N")]); return }
        // Digits straight into the buffer: `String(value)` went through the generic formatter.
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(truncatingIfNeeded: 0x30 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// Appends a boolean field.
    public mutating func field(_ value: Bool) {
        separate()
        buffer.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// Ends the row.
    public mutating func endRow() {
        buffer.append(0x0A)
        fieldsInRow = 0
    }

    private mutating func separate() {
        if fieldsInRow > 0 { buffer.append(0x09) }
        fieldsInRow += 1
    }
}

/// The escaping rules of COPY's text format.
package enum CopyEncoding {
    /// A PostgreSQL `text[]` literal with every element quoted, such as `{"a","b \"c\""}`.
    package static func textArrayLiteral(_ values: [String]) -> String {
        textArrayLiteral(values.map(Optional.some))
    }

    /// The same with nil elements as `NULL`.
    package static func textArrayLiteral(_ values: [String?]) -> String {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        for (position, value) in values.enumerated() {
            if position > 0 { literal.append(UInt8(ascii: ",")) }
            guard let value else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }

    /// Escapes backslash, tab, newline and carriage return. NUL cannot be sent at all; the
    /// JSON parser has already replaced it, and any left (from other sources) becomes U+FFFD.
    package static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var cleanStart = 0
        var index = 0
        while index < bytes.count {
            // Eight bytes at a time while none is a control byte or a backslash: nearly all
            // text, and this runs over every message's content twice (content and body_text).
            while index + 8 <= bytes.count, !mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
            }
            let stop = min(index + 8, bytes.count)
            while index < stop {
                let byte = bytes[index]
                index += 1
                if byte >= 0x20 && byte != 0x5C { continue }
                let escape: UInt8
                switch byte {
                case 0x5C: escape = 0x5C
                case 0x09: escape = UInt8(ascii: "t")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x00: escape = 0
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cleanStart..<(index - 1)]))
                if escape == 0 {
                    output.append(contentsOf: UTF8Repair.replacement)
                } else {
                    output.append(0x5C)
                    output.append(escape)
                }
                cleanStart = index
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cleanStart..<bytes.count]))
    }

    /// True when some byte of `word` is below 0x20 or is a backslash (0x5C).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        ByteWord.hasByte(below: 0x20, in: word) || ByteWord.has(0x5C, in: word)
    }
}
