package import SkypeSupport

/// Reads one entry of a tar stream (ustar, pax or GNU) without extracting anything to disk:
/// other entries are read past, the wanted one is returned byte for byte.
public final class TarEntrySource: ByteSource {
    private let upstream: any ByteSource
    private let location: LoadError.Location
    private var remaining: Int64 = 0
    /// The entry's name as the archive spells it.
    package private(set) var entryName: String = ""
    /// The entry's size in bytes.
    package private(set) var entrySize: Int64 = 0
    private var tarOffset: Int64 = 0
    private var sawAnyHeader = false

    /// An entry of the archive other than the one being read.
    package struct Entry: Sendable {
        package var name: String
        package var size: Int64
        /// The entry's bytes, when the caller asked to keep entries of its name.
        package var data: [UInt8]?
    }

    /// Entries whose bytes the caller reads itself, as a stream, whatever their size (media
    /// files): `read` gets the entry and a source of its bytes; what it leaves unread is skipped.
    public struct Streaming {
        package var wants: (String) -> Bool
        package var read: (Entry, any ByteSource) throws -> Void

        package init(wants: @escaping (String) -> Bool, read: @escaping (Entry, any ByteSource) throws -> Void) {
            self.wants = wants
            self.read = read
        }
    }

    /// Entries met before the wanted one; their bytes are kept when `keep` said so.
    package private(set) var entriesBefore: [Entry] = []
    private let keep: (String) -> Bool
    private let streaming: Streaming?
    /// The largest entry whose bytes are kept in memory.
    static let keptEntryLimit: Int64 = 1 << 20

    /// Reads headers until an entry whose name, without a leading `./`, is `wanted`.
    /// - Parameter keep: which other entries' bytes to keep (small ones only), such as `media/*.json`.
    /// - Throws: ``LoadError`` `.notAnExport` when the archive has no such entry.
    /// - Parameter streaming: entries before `wanted` to hand to a reader as they pass.
    package init(_ upstream: any ByteSource, wanted: String, location: LoadError.Location,
                keep: @escaping (String) -> Bool = { _ in false }, streaming: Streaming? = nil) throws {
        self.upstream = upstream
        self.location = location
        self.keep = keep
        self.streaming = streaming
        while let header = try nextHeader() {
            if header.isFile && header.name == wanted {
                entryName = header.name
                entrySize = header.size
                remaining = header.size
                return
            }
            entriesBefore.append(try consume(header, streaming: streaming))
        }
        // Where the archive ended, so that even this error says how far the reader got.
        var end = location
        end.offset = tarOffset
        end.storedOffset = upstream.storedBytesRead
        throw LoadError(.notAnExport, "the archive has no \(wanted)", location: end,
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
    package func remainingEntries(streaming: Streaming? = nil, _ body: (Entry) throws -> Void) throws {
        try skip(remaining, at: tarOffset)
        remaining = 0
        try skip(TarHeader.padded(entrySize) - entrySize, at: tarOffset)
        entrySize = 0
        while let header = try nextHeader() {
            try body(try consume(header, streaming: streaming))
        }
        // The rest of the stream (the end-of-archive blocks and padding), so that a compressed
        // export is read to its end: zstd checks a frame's checksum there, and damage that
        // decoded into other bytes is found only then.
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while try scratch.withUnsafeMutableBytes({ try upstream.read(into: $0) }) > 0 {}
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

    private func consume(_ header: TarHeader, streaming: Streaming?) throws -> Entry {
        if header.isFile && header.size <= Self.keptEntryLimit && keep(header.name) {
            return Entry(name: header.name, size: header.size, data: try readData(header.size, at: header.offset))
        }
        if header.isFile, let streaming, streaming.wants(header.name) {
            let entry = Entry(name: header.name, size: header.size, data: nil)
            let body = EntryBody(tar: self, entry: entry)
            try streaming.read(entry, body)
            try skip(body.left + TarHeader.padded(header.size) - header.size, at: header.offset)
            return entry
        }
        try skip(TarHeader.padded(header.size), at: header.offset)
        return Entry(name: header.name, size: header.size, data: nil)
    }

    /// The next entry's header (pax and GNU long-name records folded in), or nil at the end.
    private func nextHeader() throws -> TarHeader? {
        var block = [UInt8](repeating: 0, count: 512)
        var longName: String?
        var pax: PaxRecords?
        while true {
            let headerOffset = tarOffset
            let got = try block.withUnsafeMutableBytes { try upstream.readFully(into: $0) }
            tarOffset += Int64(got)
            if got == 0 && sawAnyHeader { return nil }
            guard got == 512 else {
                throw error(.inputTruncated, "the archive ends inside an entry header", at: headerOffset)
            }
            guard var header = try TarHeader(block, offset: headerOffset, location: location) else { return nil }
            sawAnyHeader = true
            switch header.type {
            case UInt8(ascii: "L"):
                longName = TarHeader.string(try readData(header.size, at: headerOffset))
                continue
            case UInt8(ascii: "K"):
                // A GNU long link target: links are not loaded.
                _ = try readData(header.size, at: headerOffset)
                continue
            case UInt8(ascii: "x"):
                pax = try PaxRecords(try readData(header.size, at: headerOffset), offset: headerOffset + 512,
                                     location: location)
                continue
            case UInt8(ascii: "g"):
                _ = try readData(header.size, at: headerOffset)
                continue
            default:
                if let size = pax?.size { header.size = size }
                if let name = pax?.path ?? longName { header.name = name }
                if header.name.hasPrefix("./") { header.name.removeFirst(2) }
                return header
            }
        }
    }

    private func readData(_ size: Int64, at offset: Int64) throws -> [UInt8] {
        guard size <= Self.keptEntryLimit else {
            throw error(.inputCorrupt, "a tar entry claims \(size) bytes where at most \(Self.keptEntryLimit) were expected", at: offset)
        }
        var data = [UInt8](repeating: 0, count: Int(TarHeader.padded(size)))
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
}
