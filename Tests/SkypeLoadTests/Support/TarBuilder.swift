/// Builds tar archives byte by byte, in the layouts real writers use and in ways no honest
/// writer would (lying sizes, bad checksums), for the tar reader's tests and fuzzing.
struct TarBuilder {
    enum Layout {
        /// POSIX ustar: magic `ustar\0`, version `00`.
        case ustar
        /// GNU: magic `ustar  \0`.
        case gnu
        /// Pre-POSIX: no magic at all.
        case v7
    }

    private(set) var bytes: [UInt8] = []
    var layout: Layout = .ustar

    /// A header block. `sizeField` replaces the octal size (12 bytes) when given; `checksum`
    /// false stores a wrong checksum.
    static func header(name: String, size: Int, type: UInt8 = UInt8(ascii: "0"), layout: Layout = .ustar,
                       sizeField: [UInt8]? = nil, checksum: Bool = true) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: [UInt8], at offset: Int) {
            for (index, byte) in text.enumerated() { block[offset + index] = byte }
        }
        put(Array(name.utf8.prefix(100)), at: 0)
        put(Array("0000644\0".utf8), at: 100)
        put(Array("0001750\0".utf8), at: 108)
        put(Array("0001750\0".utf8), at: 116)
        put(sizeField ?? Self.octal(size, width: 12), at: 124)
        put(Array("14713351224\0".utf8), at: 136)
        block[156] = type
        switch layout {
        case .ustar: put(Array("ustar\u{0}00".utf8), at: 257)
        case .gnu: put(Array("ustar  \u{0}".utf8), at: 257)
        case .v7: break
        }
        put(Array("        ".utf8), at: 148)
        let sum = block.reduce(0) { $0 + Int($1) } + (checksum ? 0 : 1)
        put(Self.octal(sum, width: 7) + [0x20], at: 148)
        return block
    }

    /// `value` in octal, zero-padded, NUL-terminated, `width` bytes in all.
    static func octal(_ value: Int, width: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
    }

    /// A GNU base-256 size field.
    static func base256(_ value: Int) -> [UInt8] {
        var field = [UInt8](repeating: 0, count: 12)
        field[0] = 0x80
        var rest = value
        for index in stride(from: 11, through: 4, by: -1) {
            field[index] = UInt8(rest & 0xFF)
            rest >>= 8
        }
        return field
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// A pax record with its correct length prefix.
    static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Array("\(length)\(body)".utf8)
    }

    mutating func file(_ name: String, _ data: [UInt8]) {
        bytes += Self.header(name: name, size: data.count, layout: layout) + Self.padded(data)
    }

    mutating func file(_ name: String, _ text: String) { file(name, Array(text.utf8)) }

    /// A GNU long name (`././@LongLink`, type L) for the next entry.
    mutating func longName(_ name: String) {
        let data = Array(name.utf8) + [0]
        bytes += Self.header(name: "././@LongLink", size: data.count, type: UInt8(ascii: "L"), layout: .gnu) + Self.padded(data)
    }

    /// A pax extended header (type x) for the next entry.
    mutating func pax(_ records: [UInt8]) {
        bytes += Self.header(name: "PaxHeaders/x", size: records.count, type: UInt8(ascii: "x")) + Self.padded(records)
    }

    mutating func raw(_ data: [UInt8]) { bytes += data }

    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }
}
