import Foundation

/// Builds rows in PostgreSQL's binary COPY format, for the `messages` table: the server then
/// reads integers, booleans and timestamps as they are instead of parsing their text, which
/// saved about a third of a bare COPY's server time (5% with every index kept) in a side-by-side
/// measurement (Docs/performance.md).
///
/// Every field must match its column's type exactly (`int8` vs `int4` matters), so each
/// method names the PostgreSQL type it writes.
public struct BinaryCopyWriter {
    private var bytes: [UInt8]
    /// Rows written so far.
    package private(set) var rowCount = 0

    /// `PGCOPY\n\377\r\n\0`, then 32-bit flags (0) and header extension length (0).
    private static let header: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00,
                                          0, 0, 0, 0, 0, 0, 0, 0]
    /// PostgreSQL's epoch, 2000-01-01 00:00:00 UTC, in Unix seconds.
    static let postgresEpochUnixSeconds: Int64 = 946_684_800

    /// - Parameter capacity: bytes to reserve, so that the buffer is not copied as it grows.
    public init(reservingCapacity capacity: Int = 0) {
        bytes = Self.header
        bytes.reserveCapacity(capacity)
    }

    /// The COPY data, trailer included; empty when no row was written (nothing to send).
    package var buffer: [UInt8] {
        var copy = self
        return copy.finish()
    }

    /// Ends the data and hands it over without copying it; the writer is then empty.
    public mutating func finish() -> [UInt8] {
        guard rowCount > 0 else { return [] }
        bytes.append(contentsOf: [0xFF, 0xFF])  // the trailer: a field count of -1
        defer { bytes = Self.header; rowCount = 0 }
        return bytes
    }

    /// Starts a row of `fields` fields.
    public mutating func beginRow(fields: Int) {
        append(UInt16(truncatingIfNeeded: fields))
        rowCount += 1
    }

    /// `text`; nil is SQL NULL. NUL cannot be sent at all: the JSON parser has replaced it
    /// already, and any left (from other sources) becomes U+FFFD, as in the text format.
    public mutating func text(_ value: String?) {
        guard var value else { return null() }
        value.withUTF8 { text(raw: UnsafeRawBufferPointer($0)) }
    }

    /// `text` given as UTF-8.
    package mutating func text(utf8 value: [UInt8]?) {
        guard let value else { return null() }
        value.withUnsafeBytes { text(raw: $0) }
    }

    private mutating func text(raw utf8: UnsafeRawBufferPointer) {
        // Text with a NUL (never from the parser) takes the path that repairs it.
        guard ByteSearch.firstOffset(of: 0, in: utf8) == nil else { return text { $0.append(contentsOf: utf8) } }
        append(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// `text` that `body` appends as UTF-8 straight into the buffer, so that text made for the
    /// row alone (a message's plain text) never becomes a `String` first. Any NUL appended
    /// becomes U+FFFD here, whichever way the text came.
    mutating func text(appendingWith body: (inout [UInt8]) -> Void) {
        let lengthOffset = bytes.count
        append(UInt32(0))
        body(&bytes)
        let start = lengthOffset + 4
        let hasNUL = bytes.withUnsafeBytes { ByteSearch.firstOffset(of: 0, in: $0, from: start) != nil }
        if hasNUL {
            let tail = bytes[start...].flatMap { $0 == 0 ? UTF8Repair.replacement : [$0] }
            bytes.replaceSubrange(start..., with: tail)
        }
        let length = UInt32(bytes.count - start).bigEndian
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: lengthOffset, as: UInt32.self) }
    }

    /// `jsonb`: a version byte (1) and the JSON text.
    package mutating func jsonb(_ value: String?) {
        guard var value else { return null() }
        value.withUTF8 { utf8 in
            append(UInt32(utf8.count + 1))
            bytes.append(1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// `bigint`.
    public mutating func int8(_ value: Int64?) {
        guard let value else { return null() }
        append(UInt32(8))
        append(UInt64(bitPattern: value))
    }

    /// `integer`.
    package mutating func int4(_ value: Int32?) {
        guard let value else { return null() }
        append(UInt32(4))
        append(UInt32(bitPattern: value))
    }

    /// `boolean`.
    public mutating func bool(_ value: Bool) {
        append(UInt32(1))
        bytes.append(value ? 1 : 0)
    }

    /// `timestamptz`, given in microseconds since 1970-01-01 UTC.
    package mutating func timestamp(unixMicroseconds value: Int64?) {
        guard let value else { return null() }
        append(UInt32(8))
        append(UInt64(bitPattern: value - Self.postgresEpochUnixSeconds * 1_000_000))
    }

    private mutating func null() {
        append(UInt32.max)  // length -1
    }

    /// Byte by byte: `append(contentsOf:)` of a raw buffer is a generic call that cost more than
    /// the four or eight bytes it copies (a length or integer for every field of every row).
    @inline(__always)
    private mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        var shift = Integer.bitWidth - 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
}
