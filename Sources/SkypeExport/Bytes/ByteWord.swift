/// Eight bytes at a time: the classic bit tricks that tell whether some byte of a 64-bit word
/// is zero, equal to a value, or below a bound. Scanners use them to skip text that holds none
/// of the bytes they stop at, then look at the bytes one by one.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// True when some byte of `word` is 0.
    @inline(__always)
    static func hasZero(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highs != 0
    }

    /// True when some byte of `word` is `byte`.
    @inline(__always)
    static func has(_ byte: UInt8, in word: UInt64) -> Bool {
        hasZero(word ^ (ones &* UInt64(byte)))
    }

    /// True when some byte of `word` is below `bound` (at most 0x80).
    @inline(__always)
    static func hasByte(below bound: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(bound)) & ~word & highs != 0
    }

    /// The high bit of every byte of `word` that is `byte`, and no other bit: exact, for when
    /// where the bytes are matters (the tricks above may also flag bytes after a match).
    @inline(__always)
    static func mask(of byte: UInt8, in word: UInt64) -> UInt64 {
        let lows = ~highs
        let other = word ^ (ones &* UInt64(byte))
        return ~(((other & lows) &+ lows) | other | lows)
    }

    /// True when some byte of `word` has its high bit set (is not ASCII).
    @inline(__always)
    static func hasNonASCII(_ word: UInt64) -> Bool {
        word & highs != 0
    }
}
