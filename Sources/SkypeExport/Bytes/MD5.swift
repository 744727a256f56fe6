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
        let length = bytes.count
        // The message, 0x80, zeros to 56 mod 64, then the length in bits (little-endian).
        let padded = (length + 9 + 63) / 64 * 64
        // On the stack: this runs once per message.
        return withUnsafeTemporaryAllocation(byteCount: padded, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if let base = bytes.baseAddress, length > 0 {
                block.baseAddress?.copyMemory(from: base, byteCount: length)
            }
            block[length] = 0x80
            block.storeBytes(of: (UInt64(length) &* 8).littleEndian, toByteOffset: padded - 8, as: UInt64.self)
            var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
            shifts.withUnsafeBufferPointer { shifts in
                constants.withUnsafeBufferPointer { constants in
                    for offset in stride(from: 0, to: padded, by: 64) {
                        compress(&state, UnsafeRawBufferPointer(rebasing: block[offset..<(offset + 64)]), shifts, constants)
                    }
                }
            }
            // The digest's bytes are the state words little-endian; its first 8, read big-endian.
            let first = UInt64(state.0.byteSwapped) << 32 | UInt64(state.1.byteSwapped)
            return Int64(bitPattern: first)
        }
    }

    @inline(__always)
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer,
                                 _ shifts: UnsafeBufferPointer<UInt32>, _ constants: UnsafeBufferPointer<UInt32>) {
        @inline(__always) func word(_ index: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        var (a, b, c, d) = state
        for index in 0..<64 {
            var f: UInt32
            let g: Int
            if index < 16 {
                f = (b & c) | (~b & d); g = index
            } else if index < 32 {
                f = (d & b) | (~d & c); g = (5 &* index &+ 1) & 15
            } else if index < 48 {
                f = b ^ c ^ d; g = (3 &* index &+ 5) & 15
            } else {
                f = c ^ (b | ~d); g = (7 &* index) & 15
            }
            f = f &+ a &+ constants[index] &+ word(g)
            a = d
            d = c
            c = b
            b = b &+ (f << shifts[index] | f >> (32 &- shifts[index]))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
