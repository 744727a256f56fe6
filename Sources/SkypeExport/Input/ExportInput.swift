import SkypeSupport

/// The container formats an export arrives in, recognised by their first bytes.
package enum ContainerFormat: String, Sendable, Codable {
    case zstd
    case tar
    case json
}

/// An opened export: a stream of `messages.json` bytes, whatever wrapped them.
public final class ExportInput {
    /// The path as the user named it (`-` for standard input).
    package let path: String
    /// The containers peeled off, outermost first, such as `[.zstd, .tar, .json]`.
    package let formats: [ContainerFormat]
    /// The stream of JSON bytes.
    public let source: any ByteSource
    /// The entry name inside a tar, or nil for a bare JSON file.
    package let entry: String?
    /// The tar reader, when the export is a tar: it reads the entries around `messages.json`.
    package private(set) var tar: TarEntrySource?
    /// The file's size on disk, when known, for progress.
    package let storedSize: Int64?
    private let file: FileByteSource

    /// The name of the one entry of the tar that holds the messages.
    package static let messagesEntry = "messages.json"

    /// Opens `path` (or standard input for `-`) and peels off zstd and tar layers found by magic bytes.
    /// - Parameter zstdWindowLogMax: passed to ``ZstdByteSource``; 27 (128 MiB) unless the
    ///   user raised it.
    /// - Parameter streaming: tar entries before `messages.json` whose bytes a reader takes as they pass.
    public init(path: String, zstdWindowLogMax: Int32 = 27, streaming: TarEntrySource.Streaming? = nil) throws {
        self.path = path
        let file = try FileByteSource(path: path)
        self.file = file
        self.storedSize = file.size
        let location = LoadError.Location(file: path)
        var formats: [ContainerFormat] = []
        var current: any ByteSource = file
        var entry: String?
        while true {
            let peekable = PeekableByteSource(current)
            let head = try peekable.peek(512)
            current = peekable
            if head.isEmpty {
                throw LoadError(.notAnExport, formats.last.map { "the \($0.rawValue) layer is empty" } ?? "the file is empty",
                                location: .init(file: path, offset: 0),
                                hint: "A Skype export is a .tar (optionally zstd-compressed) or its messages.json")
            }
            if Self.isZstd(head) && !formats.contains(.zstd) {
                formats.append(.zstd)
                current = try ZstdByteSource(peekable, windowLogMax: zstdWindowLogMax, location: location)
                continue
            }
            if Self.isTar(head) && !formats.contains(.tar) {
                formats.append(.tar)
                let tar = try TarEntrySource(peekable, wanted: Self.messagesEntry, location: location,
                                             keep: MediaCatalog.wantsBytes, streaming: streaming)
                entry = tar.entryName
                current = tar
                self.tar = tar
                continue
            }
            if Self.looksLikeJSONObject(head) {
                formats.append(.json)
                break
            }
            let shown = head.prefix(16).map { byte -> String in
                (0x20..<0x7f).contains(byte) ? String(UnicodeScalar(byte)) : "."
            }.joined()
            let layer = formats.isEmpty ? "" : " after \(formats.map(\.rawValue).joined(separator: "+"))"
            throw LoadError(.notAnExport,
                            "not a Skype export: the content\(layer) starts with «\(shown)», not zstd, tar or a JSON object",
                            location: .init(file: path, entry: entry, offset: 0),
                            hint: "Pass the export's .tar, .tar.zst, messages.json or messages.json.zst")
        }
        self.formats = formats
        self.source = current
        self.entry = entry
    }

    /// Bytes of the stored file consumed so far.
    package var storedBytesRead: Int64 { file.storedBytesRead }

    static func isZstd(_ head: [UInt8]) -> Bool {
        head.count >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD
    }

    static func isTar(_ head: [UInt8]) -> Bool {
        guard head.count >= 512 else { return false }
        if Array(head[257..<262]) == Array("ustar".utf8) { return true }
        // A pre-POSIX tar has no magic, only a valid header checksum.
        return head[0] != 0 && TarHeader.checksumMatches(Array(head.prefix(512)))
    }

    /// A UTF-8 byte-order mark and whitespace may precede the object.
    static func looksLikeJSONObject(_ head: [UInt8]) -> Bool {
        var index = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[index]) { index += 1 }
        return index < head.count && head[index] == UInt8(ascii: "{")
    }
}
