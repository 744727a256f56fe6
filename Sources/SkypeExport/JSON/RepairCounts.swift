/// Values PostgreSQL cannot store, repaired so that their message still loads, counted by kind.
package struct RepairCounts: Sendable, Codable, Equatable {
    /// `\u0000` escapes (text cannot hold NUL): replaced by U+FFFD.
    package var nulCharacters = 0
    /// Bytes that are not valid UTF-8: each bad sequence replaced by U+FFFD.
    package var invalidUTF8 = 0
    /// `\uD83D`-style halves of a surrogate pair without their other half: replaced by U+FFFD.
    package var loneSurrogates = 0

    package init() {}

    package var total: Int { nulCharacters + invalidUTF8 + loneSurrogates }

    package mutating func add(_ other: RepairCounts) {
        nulCharacters += other.nulCharacters
        invalidUTF8 += other.invalidUTF8
        loneSurrogates += other.loneSurrogates
    }
}
