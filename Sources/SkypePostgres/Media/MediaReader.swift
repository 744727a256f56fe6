import Foundation
import SkypeExport
import SkypeSupport

/// Reads stored media contents back, chunk by chunk (one chunk in memory at a time), from the
/// database or from the folder a `--media-dir` load wrote them to, checking each chunk's digest
/// and returning the SHA-256 of what it read.
struct MediaReader {
    let connection: PostgresConnection
    let statements: MediaStatements
    /// The folder of a `--media-dir` load, for contents stored there.
    let mediaDirectory: String?

    /// Calls `body` with the bytes of the content `sha256`, in order.
    /// - Returns: the SHA-256 of the bytes read.
    func read(_ sha256: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> [UInt8] {
        let hex = SHA256.hex(sha256)
        let blob = try connection.executeBinary(statements.blob, [sha256]).rows
        guard let row = blob.first, row.count == 3 else {
            throw LoadError(.database, "the content \(hex) is not recorded in media_blobs",
                            hint: "Load the export again: a load records a content once all of its chunks are stored")
        }
        let hasher = SHA256()
        if let chunkHashes = row[1] {
            var offset = 0
            while offset + SHA256.byteCount <= chunkHashes.count {
                let digest = Array(chunkHashes[offset..<(offset + SHA256.byteCount)])
                offset += SHA256.byteCount
                guard let data = try connection.executeBinary(statements.chunk, [digest]).rows.first?.first ?? nil else {
                    throw LoadError(.database, "a chunk (\(SHA256.hex(digest))) of the content \(hex) is missing from media_chunks",
                                    hint: "Load the export again to store it")
                }
                try data.withUnsafeBytes { bytes in
                    hasher.update(bytes)
                    try body(bytes)
                }
            }
        } else if let pathBytes = row[2] {
            let relative = String(decoding: pathBytes, as: UTF8.self)
            guard let mediaDirectory else {
                throw LoadError(.configuration, "the content \(hex) was stored in a folder (\(relative))",
                                hint: "Pass --media-dir with the folder the load wrote to")
            }
            let path = mediaDirectory + "/" + relative
            let source: FileByteSource
            do {
                source = try FileByteSource(path: path)
            } catch {
                throw LoadError(.system, "the media file \(hex) is missing from the folder: cannot open \(path)",
                                hint: "Pass the --media-dir the load wrote to, or load the export again to write it")
            }
            var buffer = [UInt8](repeating: 0, count: MediaCollector.chunkBytes)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                try buffer.withUnsafeBytes { all in
                    let bytes = UnsafeRawBufferPointer(rebasing: all[0..<count])
                    hasher.update(bytes)
                    try body(bytes)
                }
            }
        } else {
            throw LoadError(.database, "the content \(hex) has neither chunks nor a folder path")
        }
        return hasher.finish()
    }
}
