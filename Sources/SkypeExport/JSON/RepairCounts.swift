/// Values PostgreSQL cannot store, repaired so that their message still loads, counted by kind.
public struct RepairCounts: Sendable, Codable, Equatable {
    /// `\u0000` escapes (text cannot hold NUL): replaced by U+FFFD.
    public var nulCharacters = 0
    /// Bytes that are not valid UTF-8: each bad sequence replaced by U+FFFD.
    public var invalidUTF8 = 0
    /// `\uD83D`-style halves of a surrogate pair without their other half: replaced by U+FFFD.
    public var loneSurrogates = 0

    public init() {}

    public var total: Int { nulCharacters + invalidUTF8 + loneSurrogates }

    public mutating func add(_ other: RepairCounts) {
        nulCharacters += other.nulCharacters
        invalidUTF8 += other.invalidUTF8
        loneSurrogates += other.loneSurrogates
    }
}
