import Foundation

/// The `media/` folder of a synthetic export: for each file, `media/<docid>.json` (its metadata)
/// and `media/<docid>.1.<ext>` (its bytes, incompressible as photos and videos are). Every
/// tenth document also has a smaller thumbnail, `media/<docid>.2.jpg`; every 25th file repeats
/// the bytes of the one before (the same photo sent twice); the last tenth of the documents
/// are pointed at by no message. Photo messages name their document both in `<URIObject doc_id>`
/// and in `amsreferences`, as real exports do.
public struct SyntheticMedia: Sendable {
    public struct File: Sendable, Codable, Equatable {
        /// The entry's name in the tar, such as `media/0-weu-d8-….1.jpg`.
        public var entry: String
        public var docID: String
        public var size: Int
        /// The seed of its bytes: equal seeds and sizes give equal bytes.
        public var contentSeed: UInt64
        public var isThumbnail: Bool
    }

    public let files: [File]
    public let documents: [String]
    /// Documents that photo messages may point at.
    public let referencedCount: Int

    public init(sizes: [Int], seed: UInt64) {
        var rng = SplitMix64(seed: seed ^ 0x6D65_6469_61)
        var files: [File] = []
        var documents: [String] = []
        for (index, size) in sizes.enumerated() {
            let doc = "0-weu-d8-" + String(format: "%016llx%016llx", rng.next(), rng.next())
            documents.append(doc)
            let ext = size > 5_000_000 ? "mp4" : "jpg"
            let contentSeed = index % 25 == 24 ? files.last(where: { !$0.isThumbnail })?.contentSeed ?? rng.next() : rng.next()
            let repeatedSize = index % 25 == 24 ? files.last(where: { !$0.isThumbnail })?.size ?? size : size
            files.append(File(entry: "media/\(doc).1.\(ext)", docID: doc, size: repeatedSize, contentSeed: contentSeed, isThumbnail: false))
            if index % 10 == 3 {
                files.append(File(entry: "media/\(doc).2.jpg", docID: doc, size: max(1, min(repeatedSize / 10, 30_000)),
                                  contentSeed: rng.next(), isThumbnail: true))
            }
        }
        self.files = files
        self.documents = documents
        referencedCount = max(1, documents.count - documents.count / 10)
    }

    /// The document a photo message with this id points at.
    func referencedDocument(for messageID: UInt64) -> String {
        documents[Int((messageID / 1000) % UInt64(referencedCount))]
    }

    /// Writes `media/` under `directory`: the metadata files and the files' bytes.
    public func write(toDirectory directory: String) throws {
        let folder = directory + "/media"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, doc) in documents.enumerated() {
            let ext = files.first { $0.docID == doc && !$0.isThumbnail }?.entry.split(separator: ".").last ?? "jpg"
            let type = ext == "mp4" ? "video/mp4" : "image/jpeg"
            let json = #"{"filename":"\#(ext == "mp4" ? "VID" : "IMG")_\#(index).\#(ext)","content_type":"\#(type)"}"#
            try Data(json.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(doc).json"))
        }
        for file in files {
            try Self.writeBytes(of: file, to: directory + "/" + file.entry)
        }
    }

    /// The bytes of a file, streamed in 1 MiB pieces.
    public static func forEachPiece(of file: File, _ body: ([UInt8]) throws -> Void) rethrows {
        var rng = SplitMix64(seed: file.contentSeed)
        var left = file.size
        var piece = [UInt8](repeating: 0, count: 1 << 20)
        while left > 0 {
            let count = min(left, piece.count)
            piece.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < count {
                    let take = min(8, count - offset)
                    withUnsafeBytes(of: rng.next().littleEndian) { bytes in
                        UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + take)])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
                    }
                    offset += 8
                }
            }
            try body(count == piece.count ? piece : Array(piece[0..<count]))
            left -= count
        }
    }

    private static func writeBytes(of file: File, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        try forEachPiece(of: file) { try handle.write(contentsOf: $0) }
    }

    /// Sizes for `count` files spread evenly on a log scale from `smallest` to `largest` bytes.
    public static func sizes(count: Int, from smallest: Int, to largest: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed ^ 0x73_697A_6573)
        let low = log(Double(max(1, smallest)))
        let high = log(Double(max(smallest, largest)))
        return (0..<count).map { index in
            if count > 1 && index == 0 { return smallest }
            if count > 1 && index == count - 1 { return largest }
            let fraction = Double(rng.next() % 1_000_000) / 1_000_000
            return Int(exp(low + (high - low) * fraction))
        }
    }
}
