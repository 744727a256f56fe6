import Foundation

/// Substring search on bytes: `memchr` for the needle's first byte, `memcmp` for the rest.
/// (`memmem` is a GNU extension the Glibc module does not show; Foundation's `String` search is
/// locale-aware and far slower.)
enum ByteSearch {
    /// The offset of the first `needle` in `haystack` at or after `start`.
    static func firstOffset(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let needleBase = needle.baseAddress, !needle.isEmpty else { return start <= haystack.count ? start : nil }
        guard let base = haystack.baseAddress else { return nil }
        let first = Int32(needle[0])
        var position = start
        while position + needle.count <= haystack.count {
            guard let found = memchr(base + position, first, haystack.count - needle.count + 1 - position) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + offset, needleBase, needle.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }

    static func firstOffset(of needle: StaticString, in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        firstOffset(of: UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: haystack, from: start)
    }

    /// The offset of the last `needle` in `haystack`.
    static func lastOffset(of needle: StaticString, in haystack: UnsafeRawBufferPointer) -> Int? {
        let length = needle.utf8CodeUnitCount
        guard let base = haystack.baseAddress, length > 0, haystack.count >= length else { return nil }
        var start = haystack.count - length
        while start >= 0 {
            if memcmp(base + start, needle.utf8Start, length) == 0 { return start }
            start -= 1
        }
        return nil
    }

    /// The offset of the first `byte` at or after `start`.
    static func firstOffset(of byte: UInt8, in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard start < haystack.count, let base = haystack.baseAddress,
              let found = memchr(base + start, Int32(byte), haystack.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether `needle` occurs in `haystack`, in time linear in both. The search above compares
    /// up to the whole needle at each candidate, needle × haystack on repetitive text (a long
    /// link whose text almost repeats it), so long needles go through Knuth-Morris-Pratt.
    static func contains(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Bool {
        needle.withUnsafeBytes { needle in
            haystack.withUnsafeBytes { haystack in
                needle.count <= 64 ? firstOffset(of: needle, in: haystack) != nil : knuthMorrisPratt(needle, in: haystack)
            }
        }
    }

    private static func knuthMorrisPratt(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        guard needle.count <= haystack.count else { return false }
        // failure[i]: the length of the longest proper border of needle[0...i].
        var failure = [Int](repeating: 0, count: needle.count)
        var border = 0
        for index in 1..<needle.count {
            while border > 0 && needle[index] != needle[border] { border = failure[border - 1] }
            if needle[index] == needle[border] { border += 1 }
            failure[index] = border
        }
        var matched = 0
        for byte in haystack {
            while matched > 0 && byte != needle[matched] { matched = failure[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }
}
