import Foundation

/// MD5 (RFC 1321), for the one place a hash must be computed the same way by this tool and by
/// PostgreSQL's `md5()`: a message's identity, which migration 006 recomputes in SQL for rows
/// loaded by earlier versions. Not used for anything that needs to resist an attacker.
enum MD5 {
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    private static let constants: [UInt32] = (0..<64).map { index in
        UInt32(truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296).rounded(.down)))
    }

    /// The first 8 bytes of the digest, read big-endian: what
    /// `('x' || left(md5(bytes), 16))::bit(64)::bigint` gives in SQL.
    static func leading64(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        let length = bytes.count
        // The message, 0x80, zeros to 56 mod 64, then the length in bits (little-endian).
        let padded = (length + 9 + 63) / 64 * 64
        var offset = 0
        // On the stack: one identity per message, no allocation.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { block in
        while offset < padded {
            for word in 0..<16 {
                var value: UInt32 = 0
                for byte in 0..<4 {
                    let position = offset + word * 4 + byte
                    let item: UInt8
                    if position < length {
                        item = bytes[position]
                    } else if position == length {
                        item = 0x80
                    } else if position >= padded - 8 {
                        item = UInt8(truncatingIfNeeded: (UInt64(length) &* 8) >> (8 * UInt64(position - (padded - 8))))
                    } else {
                        item = 0
                    }
                    value |= UInt32(item) << (8 * UInt32(byte))
                }
                block[word] = value
            }
            compress(&state, UnsafeBufferPointer(block))
            offset += 64
        }
        }
        var result: UInt64 = 0
        for word in [state.0, state.1] {
            for byte in 0..<4 { result = result << 8 | UInt64((word >> (8 * UInt32(byte))) & 0xFF) }
        }
        return Int64(bitPattern: result)
    }

    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeBufferPointer<UInt32>) {
        var (a, b, c, d) = state
        for index in 0..<64 {
            var f: UInt32
            let g: Int
            switch index {
            case 0..<16: f = (b & c) | (~b & d); g = index
            case 16..<32: f = (d & b) | (~d & c); g = (5 * index + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * index + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * index) % 16
            }
            f = f &+ a &+ constants[index] &+ block[g]
            a = d
            d = c
            c = b
            b = b &+ (f << shifts[index] | f >> (32 - shifts[index]))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
