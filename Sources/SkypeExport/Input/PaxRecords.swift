import SkypeSupport

/// The records of a pax extended header (`LENGTH key=value\n`, LENGTH counting the whole
/// record in decimal): only `path` and `size` matter to the loader.
///
/// Every record is checked against its own length, so a record that claims fewer bytes than
/// its own length prefix, more than the header holds, or a `size` beyond what a tar can hold is
/// an error at its offset rather than a wrong slice.
struct PaxRecords {
    var path: String?
    var size: Int64?

    /// - Parameters:
    ///   - data: the extended header's bytes.
    ///   - offset: where `data` starts in the tar stream, for error locations.
    init(_ data: [UInt8], offset: Int64, location: LoadError.Location) throws {
        var index = 0
        while index < data.count {
            // Some writers pad the header with NULs after the last record.
            if data[index] == 0, data[index...].allSatisfy({ $0 == 0 }) { break }
            let recordOffset = offset + Int64(index)
            var length = 0
            var digits = index
            while digits < data.count, digits - index < 18, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[digits]) {
                length = length * 10 + Int(data[digits] - UInt8(ascii: "0"))
                digits += 1
            }
            guard digits > index, digits < data.count, data[digits] == UInt8(ascii: " ") else {
                throw Self.corrupt("a pax record does not start with its length and a space", at: recordOffset, location)
            }
            let valueEnd = index + length - 1
            guard length > digits - index + 1, index + length <= data.count, data[valueEnd] == 0x0A else {
                throw Self.corrupt("a pax record's length (\(length)) does not match its contents", at: recordOffset, location)
            }
            let record = data[(digits + 1)..<valueEnd]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw Self.corrupt("a pax record has no '='", at: recordOffset, location)
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = record[(equals + 1)...]
            switch key {
            case "path":
                path = String(decoding: value, as: UTF8.self)
            case "size":
                guard let number = Self.decimal(value), number <= TarHeader.maximumSize else {
                    throw Self.corrupt("a pax size is not a number of bytes a tar can hold", at: recordOffset, location)
                }
                size = number
            default:
                break
            }
            index += length
        }
    }

    /// Decimal digits only; nil for anything else, an empty value or one beyond `Int64`.
    private static func decimal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    private static func corrupt(_ message: String, at offset: Int64, _ location: LoadError.Location) -> LoadError {
        TarHeader.corrupt(message, at: offset, location: location)
    }
}
