/// Copies bytes that should be UTF-8, replacing each invalid sequence (and raw NUL) with
/// U+FFFD, so that PostgreSQL accepts the text; counts what it replaced.
package enum UTF8Repair {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func append(_ raw: UnsafeRawBufferPointer, to output: inout [UInt8], repairs: inout RepairCounts) {
        let count = raw.count
        var index = 0
        var cleanStart = 0
        while index < count {
            let lead = raw[index]
            if lead < 0x80 && lead != 0 { index += 1; continue }
            let length = lead == 0 ? 0 : sequenceLength(raw, at: index)
            if length > 0 { index += length; continue }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[cleanStart..<index]))
            output.append(contentsOf: replacement)
            if lead == 0 { repairs.nulCharacters += 1 } else { repairs.invalidUTF8 += 1 }
            index += 1
            cleanStart = index
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[cleanStart..<count]))
    }

    /// True when `raw` is valid UTF-8 without NUL, that is, when ``append(_:to:repairs:)``
    /// would change nothing. ASCII is skipped eight bytes at a time: content is mostly ASCII
    /// with a few accented letters, which the standard library's check walks byte by byte.
    static func isValid(_ raw: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < raw.count {
            if index + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if !ByteWord.hasNonASCII(word) && !ByteWord.hasZero(word) {
                    index += 8
                    continue
                }
            }
            let lead = raw[index]
            if lead < 0x80 {
                guard lead != 0 else { return false }
                index += 1
                continue
            }
            let length = sequenceLength(raw, at: index)
            guard length > 0 else { return false }
            index += length
        }
        return true
    }

    /// The length of the valid multi-byte sequence at `index`, or 0 if it is not valid.
    static func sequenceLength(_ raw: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = raw[index]
        let available = raw.count - index
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            offset < available && range.contains(raw[index + offset])
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }

    static func appendScalar(_ value: UInt32, to output: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            output.append(UInt8(value))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (value >> 6)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (value >> 12)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (value >> 18)))
            output.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
