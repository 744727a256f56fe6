/// Reads one entry of a tar stream (ustar, pax or GNU) without extracting anything to disk:
/// other entries are read past, the wanted one is returned byte for byte.
public final class TarEntrySource: ByteSource {
    private let upstream: ByteSource
    private let location: LoadError.Location
    private var remaining: Int64 = 0
    /// The entry's name as the archive spells it.
    public private(set) var entryName: String = ""
    /// The entry's size in bytes.
    public private(set) var entrySize: Int64 = 0
    /// Offset of the entry's first byte within the (decompressed) tar stream.
    public private(set) var entryOffset: Int64 = 0
    private var tarOffset: Int64 = 0
    private var sawAnyHeader = false

    /// An entry of the archive other than the one being read.
    public struct Entry: Sendable {
        public var name: String
        public var size: Int64
        /// The entry's bytes, when the caller asked to keep entries of its name.
        public var data: [UInt8]?
    }

    /// Entries whose bytes the caller reads itself, as a stream, whatever their size (media
    /// files): `read` gets the entry and a source of its bytes; what it leaves unread is skipped.
    public struct Streaming {
        public var wants: (String) -> Bool
        public var read: (Entry, ByteSource) throws -> Void

        public init(wants: @escaping (String) -> Bool, read: @escaping (Entry, ByteSource) throws -> Void) {
            self.wants = wants
            self.read = read
        }
    }

    /// Entries met before the wanted one; their bytes are kept when `keep` said so.
    public private(set) var entriesBefore: [Entry] = []
    private let keep: (String) -> Bool
    private let streaming: Streaming?
    /// The largest entry whose bytes are kept in memory.
    static let keptEntryLimit: Int64 = 1 << 20

    /// Reads headers until an entry whose name, without a leading `./`, is `wanted`.
    /// - Parameter keep: which other entries' bytes to keep (small ones only), such as `media/*.json`.
    /// - Throws: ``LoadError`` `.notAnExport` when the archive has no such entry.
    /// - Parameter streaming: entries before `wanted` to hand to a reader as they pass.
    public init(_ upstream: ByteSource, wanted: String, location: LoadError.Location,
                keep: @escaping (String) -> Bool = { _ in false }, streaming: Streaming? = nil) throws {
        self.upstream = upstream
        self.location = location
        self.keep = keep
        self.streaming = streaming
        while let header = try nextHeader() {
            if header.isFile && header.name == wanted {
                entryName = header.name
                entrySize = header.size
                entryOffset = tarOffset
                remaining = header.size
                return
            }
            entriesBefore.append(try consume(header, streaming: streaming))
        }
        throw LoadError(.notAnExport, "the archive has no \(wanted)", location: location,
                        hint: "A Skype export is a tar with messages.json at its root")
    }

    public var storedBytesRead: Int64 { upstream.storedBytesRead }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        let wanted = Int(min(Int64(buffer.count), remaining))
        let count = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
        if count == 0 {
            var where_ = location
            where_.entry = entryName
            where_.offset = entrySize - remaining
            where_.storedOffset = upstream.storedBytesRead
            throw LoadError(.inputTruncated,
                            "the archive ends \(remaining) bytes before the end of \(entryName)",
                            location: where_, hint: "The file is truncated: copy or download it again")
        }
        remaining -= Int64(count)
        tarOffset += Int64(count)
        return count
    }

    /// After the wanted entry: the entries that follow it, in order, to the end of the archive.
    /// - Parameter streaming: entries whose bytes are handed to a reader (before `body` sees them).
    public func remainingEntries(streaming: Streaming? = nil, _ body: (Entry) throws -> Void) throws {
        try skip(remaining, at: tarOffset)
        remaining = 0
        try skip(Self.padded(entrySize) - entrySize, at: tarOffset)
        entrySize = 0
        while let header = try nextHeader() {
            try body(try consume(header, streaming: streaming))
        }
    }

    /// The bytes of one entry, straight from the archive, for a ``Streaming`` reader.
    private final class EntryBody: ByteSource {
        let tar: TarEntrySource
        let entry: Entry
        var left: Int64

        init(tar: TarEntrySource, entry: Entry) {
            self.tar = tar
            self.entry = entry
            left = entry.size
        }

        var storedBytesRead: Int64 { tar.upstream.storedBytesRead }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard left > 0, !buffer.isEmpty else { return 0 }
            let wanted = Int(min(Int64(buffer.count), left))
            let count = try tar.upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
            guard count > 0 else {
                var where_ = tar.location
                where_.entry = entry.name
                where_.offset = entry.size - left
                where_.storedOffset = tar.upstream.storedBytesRead
                throw LoadError(.inputTruncated, "the archive ends \(left) bytes before the end of \(entry.name)",
                                location: where_, hint: "The file is truncated: copy or download it again")
            }
            left -= Int64(count)
            tar.tarOffset += Int64(count)
            return count
        }
    }

    private struct Header {
        var name: String
        var size: Int64
        var isFile: Bool
        var offset: Int64
    }

    private func consume(_ header: Header, streaming: Streaming?) throws -> Entry {
        if header.isFile && header.size <= Self.keptEntryLimit && keep(header.name) {
            return Entry(name: header.name, size: header.size, data: try readData(header.size, at: header.offset))
        }
        if header.isFile, let streaming, streaming.wants(header.name) {
            let entry = Entry(name: header.name, size: header.size, data: nil)
            let body = EntryBody(tar: self, entry: entry)
            try streaming.read(entry, body)
            try skip(body.left + Self.padded(header.size) - header.size, at: header.offset)
            return entry
        }
        try skip(Self.padded(header.size), at: header.offset)
        return Entry(name: header.name, size: header.size, data: nil)
    }

    /// The next entry's header (pax and GNU long-name records folded in), or nil at the end.
    private func nextHeader() throws -> Header? {
        var header = [UInt8](repeating: 0, count: 512)
        var longName: String?
        var paxName: String?
        var paxSize: Int64?
        while true {
            let headerOffset = tarOffset
            let got = try header.withUnsafeMutableBytes { try upstream.readFully(into: $0) }
            tarOffset += Int64(got)
            if got == 0 && sawAnyHeader { return nil }
            guard got == 512 else {
                throw error(.inputTruncated, "the archive ends inside an entry header", at: headerOffset)
            }
            if header.allSatisfy({ $0 == 0 }) { return nil }
            guard Self.checksumMatches(header) else {
                throw error(.inputCorrupt, "a tar header's checksum does not match", at: headerOffset)
            }
            sawAnyHeader = true
            let type = header[156]
            var size = try Self.number(header[124..<136], field: "size", offset: headerOffset, location: location)
            if let override = paxSize { size = override }
            var name: String
            if let long = paxName ?? longName {
                name = long
            } else {
                name = Self.string(header[0..<100])
                let prefix = Self.string(header[345..<500])
                if Self.string(header[257..<262]) == "ustar" && !prefix.isEmpty { name = prefix + "/" + name }
            }
            switch type {
            case UInt8(ascii: "L"):
                longName = Self.string(try readData(size, at: headerOffset)[...])
                continue
            case UInt8(ascii: "x"):
                (paxName, paxSize) = Self.parsePax(try readData(size, at: headerOffset))
                continue
            case UInt8(ascii: "g"):
                _ = try readData(size, at: headerOffset)
                continue
            default:
                let normalized = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
                let isFile = type == 0 || type == UInt8(ascii: "0") || type == UInt8(ascii: "7")
                return Header(name: normalized, size: size, isFile: isFile, offset: headerOffset)
            }
        }
    }

    private func readData(_ size: Int64, at offset: Int64) throws -> [UInt8] {
        guard size <= Self.keptEntryLimit else {
            throw error(.inputCorrupt, "a tar entry claims \(size) bytes where at most \(Self.keptEntryLimit) were expected", at: offset)
        }
        var data = [UInt8](repeating: 0, count: Int(Self.padded(size)))
        let got = try data.withUnsafeMutableBytes { try upstream.readFully(into: $0) }
        tarOffset += Int64(got)
        guard got == data.count else { throw error(.inputTruncated, "the archive ends inside an entry", at: offset) }
        return Array(data[0..<Int(size)])
    }

    private func skip(_ count: Int64, at offset: Int64) throws {
        var left = count
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while left > 0 {
            let chunk = Int(min(left, Int64(scratch.count)))
            let got = try scratch.withUnsafeMutableBytes {
                try upstream.readFully(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<chunk]))
            }
            tarOffset += Int64(got)
            guard got == chunk else { throw error(.inputTruncated, "the archive ends inside an entry", at: offset) }
            left -= Int64(chunk)
        }
    }

    private func error(_ code: LoadError.Code, _ message: String, at offset: Int64) -> LoadError {
        var where_ = location
        where_.offset = offset
        where_.storedOffset = upstream.storedBytesRead
        let hint = code == .inputTruncated ? "The file is truncated: copy or download it again"
                                           : "The archive is damaged: copy or download it again"
        return LoadError(code, message, location: where_, hint: hint)
    }

    static func padded(_ size: Int64) -> Int64 { (size + 511) / 512 * 512 }

    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    static func checksumMatches(_ header: [UInt8]) -> Bool {
        var sum = 0
        for (index, byte) in header.enumerated() {
            sum += (148..<156).contains(index) ? 32 : Int(byte)
        }
        let stored = string(header[148..<156]).trimmingCharacters(in: " ")
        return Int(stored, radix: 8) == sum
    }

    /// Octal, or base-256 when the high bit of the first byte is set (GNU, for sizes over 8 GiB).
    static func number(_ field: ArraySlice<UInt8>, field name: String, offset: Int64,
                       location: LoadError.Location) throws -> Int64 {
        if let first = field.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in field.dropFirst() {
                guard value < Int64.max >> 8 else { break }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        let text = string(field).trimmingCharacters(in: " ")
        if text.isEmpty { return 0 }
        guard let value = Int64(text, radix: 8) else {
            var where_ = location
            where_.offset = offset
            throw LoadError(.inputCorrupt, "a tar header's \(name) field is not a number", location: where_)
        }
        return value
    }

    /// pax records are `LENGTH key=value\n`; only `path` and `size` matter here.
    static func parsePax(_ data: [UInt8]) -> (String?, Int64?) {
        var path: String?
        var size: Int64?
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  length > 0, index + length <= data.count else { break }
            let record = data[(space + 1)..<(index + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                var value = record[(equals + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                let text = String(decoding: value, as: UTF8.self)
                if key == "path" { path = text }
                if key == "size" { size = Int64(text) }
            }
            index += length
        }
        return (path, size)
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set || slice.last == "\0" { slice = slice.dropLast() }
        return String(slice)
    }
}
