import SkypeSupport

/// One 512-byte tar header block, checked and decoded: ustar, GNU and pre-POSIX (v7) layouts.
///
/// Every number in a header is untrusted: a size is accepted only when it is a non-negative
/// octal or base-256 value no larger than ``maximumSize``, so that the reader's arithmetic on it
/// (padding to 512, offsets) can never overflow, whatever the archive says.
package struct TarHeader {
    /// The name as this block spells it (ustar prefix joined); pax and GNU long names replace it.
    var name: String
    var size: Int64
    var type: UInt8
    /// Offset of the block within the tar stream.
    var offset: Int64

    /// The largest entry size accepted: far beyond any real file (8 EiB / 2), small enough that
    /// `size + 511` and offsets past the entry stay within `Int64`.
    static let maximumSize: Int64 = Int64.max / 2

    /// Regular files: `0`, NUL (v7), `7` (contiguous).
    var isFile: Bool { type == 0 || type == UInt8(ascii: "0") || type == UInt8(ascii: "7") }

    /// Decodes `block`, or returns nil for an all-zero block (the end-of-archive marker).
    /// - Throws: ``LoadError`` `.inputCorrupt` for a bad checksum or an unreadable number field.
    init?(_ block: [UInt8], offset: Int64, location: LoadError.Location) throws {
        guard block.count == 512 else {
            throw Self.corrupt("a tar header block is \(block.count) bytes, not 512", at: offset, location: location)
        }
        if !block.contains(where: { $0 != 0 }) { return nil }
        guard Self.checksumMatches(block) else {
            throw Self.corrupt("a tar header's checksum does not match", at: offset, location: location)
        }
        self.offset = offset
        type = block[156]
        size = try Self.number(block[124..<136], field: "size", offset: offset + 124, location: location)
        name = Self.string(block[0..<100])
        // Only POSIX ustar ("ustar\0") has a name prefix; GNU's "ustar  " keeps times there.
        if block[257..<263].elementsEqual("ustar\0".utf8) {
            let prefix = Self.string(block[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
    }

    /// The padded length of `size` bytes of data: whole 512-byte blocks.
    static func padded(_ size: Int64) -> Int64 { (size + 511) / 512 * 512 }

    /// Text up to the first NUL.
    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// The stored checksum equals the sum of the block's bytes with the checksum field read as
    /// spaces, summed as unsigned bytes (POSIX) or, as some old tars did, as signed ones.
    static func checksumMatches(_ block: [UInt8]) -> Bool {
        guard block.count >= 512, let stored = octal(block[148..<156]) else { return false }
        return block.withUnsafeBufferPointer { bytes in
            var unsigned = 0
            var signed = 0
            for index in 0..<512 {
                let value = index >= 148 && index < 156 ? 0x20 : bytes[index]
                unsigned += Int(value)
                signed += Int(Int8(bitPattern: value))
            }
            return stored == Int64(unsigned) || stored == Int64(signed)
        }
    }

    /// A size or other number field: octal digits (padded with spaces or NULs), or base-256
    /// when the first byte's high bit is set (GNU, for sizes of 8 GiB and more).
    static func number(_ field: ArraySlice<UInt8>, field name: String, offset: Int64,
                       location: LoadError.Location) throws -> Int64 {
        guard let first = field.first else { return 0 }
        let value: Int64?
        if first & 0x80 != 0 {
            // 0xFF starts a negative base-256 value: no size is negative.
            guard first == 0x80 else {
                throw corrupt("a tar header's \(name) field is negative", at: offset, location: location)
            }
            value = base256(field.dropFirst())
        } else {
            if field.contains(UInt8(ascii: "-")) {
                throw corrupt("a tar header's \(name) field is negative", at: offset, location: location)
            }
            guard let octal = octal(field) else {
                throw corrupt("a tar header's \(name) field is not an octal number", at: offset, location: location)
            }
            value = octal
        }
        guard let value, value <= maximumSize else {
            throw corrupt("a tar header's \(name) field is larger than any real entry (more than \(maximumSize) bytes)",
                          at: offset, location: location)
        }
        return value
    }

    /// Octal digits, leading spaces and trailing spaces or NULs allowed; nil for anything else
    /// (a sign, a non-octal digit, a value beyond `Int64`). An empty field is 0.
    static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var sawDigit = false
        var ended = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended else { return nil }
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
                guard !overflow else { return nil }
                value = shifted + Int64(byte - UInt8(ascii: "0"))
                sawDigit = true
            case 0x20:
                if sawDigit { ended = true }
            case 0:
                ended = true
            default:
                return nil
            }
        }
        return value
    }

    /// Big-endian bytes; nil when the value does not fit in `Int64`.
    private static func base256(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in bytes {
            guard value <= (Int64.max >> 8) else { return nil }
            value = value << 8 | Int64(byte)
        }
        return value
    }

    static func corrupt(_ message: String, at offset: Int64, location: LoadError.Location) -> LoadError {
        var where_ = location
        where_.offset = offset
        return LoadError(.inputCorrupt, message, location: where_,
                         hint: "The archive is damaged: copy or download it again")
    }
}
