/// Fixed-width decimal text and integer parsing on bytes. Timestamps are written for every
/// message; string interpolation and `split` cost an allocation per piece, which added up to a
/// tenth of a worker's transform time.
enum ASCIIDigits {
    /// Writes `value` as exactly `width` digits (zero-padded, the lowest digits kept) at `offset`.
    @inline(__always)
    static func write(_ value: Int, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var remaining = value
        var index = offset + width - 1
        while index >= offset {
            buffer[index] = UInt8(truncatingIfNeeded: 0x30 + remaining % 10)
            remaining /= 10
            index -= 1
        }
    }

    /// Writes `YYYY-MM-DD HH:MM:SS` (19 bytes) at the start of `buffer`.
    static func writeDateTime(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                              into buffer: UnsafeMutableBufferPointer<UInt8>) {
        write(year, width: 4, into: buffer, at: 0)
        buffer[4] = UInt8(ascii: "-")
        write(month, width: 2, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        write(day, width: 2, into: buffer, at: 8)
        buffer[10] = 0x20
        write(hour, width: 2, into: buffer, at: 11)
        buffer[13] = UInt8(ascii: ":")
        write(minute, width: 2, into: buffer, at: 14)
        buffer[16] = UInt8(ascii: ":")
        write(second, width: 2, into: buffer, at: 17)
    }

    /// `value` as 16 lowercase hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Builds a short ASCII string of `count` bytes in place.
    @inline(__always)
    static func string(count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            fill(buffer)
            return count
        }
    }

    /// The integer part of decimal text, exactly: `version` and epoch-ms values are ints or
    /// floats (`1594056032575`, `1594056032575.0`). nil when it has no digits before the point,
    /// anything but digits, or overflows.
    static func integerPart(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let digitsStart = index
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
                if overflow1 || overflow2 { return nil }
                value = sum
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < bytes.count {
                // Only a fraction may follow the integer part.
                guard bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
                while index < bytes.count {
                    guard bytes[index] >= 0x30 && bytes[index] <= 0x39 else { return nil }
                    index += 1
                }
            }
            return negative ? -value : value
        }
    }
}
