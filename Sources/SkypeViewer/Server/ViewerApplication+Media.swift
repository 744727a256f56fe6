import Foundation
import Glibc
import SkypeSupport

extension ViewerApplication {
    /// `/media`: a stored file's bytes, streamed one chunk at a time. Images, audio and video
    /// are sent with their type to show in the page; anything else is a download
    /// (`Content-Disposition: attachment`, `application/octet-stream`), and every media
    /// response is sandboxed, so a file from the archive never runs in the viewer's origin.
    func media(_ request: ViewerRequest) async throws -> ViewerResponse {
        guard let doc = request.parameter("doc"), doc.utf8.count <= 512 else {
            throw ViewerError(.badRequest, "the media link needs its document id")
        }
        let variant = request.parameter("variant") ?? "original"
        guard variant == "original" || variant == "thumbnail" else {
            throw ViewerError(.badRequest, "the variant is original or thumbnail")
        }
        let account = request.parameter("account") ?? ""
        guard account.utf8.count <= 512 else { throw ViewerError(.badRequest, "the media link's account is too long") }
        guard let media = try await read({ reader in try reader.media(account: account, docID: doc, variant: variant) }) else {
            throw ViewerError(.notFound, "the archive does not hold this file's bytes",
                              hint: "It was loaded with --no-media, or the export had no media folder")
        }
        let name = media.fileName ?? String(media.archiveEntry.split(separator: "/").last ?? "file")
        let type = MediaKind.responseType(contentType: media.contentType, fileName: media.fileName ?? media.archiveEntry)
        let inline = type != "application/octet-stream"
        let headers: [(String, String)] = [
            ("Content-Type", type),
            ("Content-Disposition", (inline ? "inline" : "attachment") + "; filename*=UTF-8''" + SafeURL.encode(name, keeping: SafeURL.unreserved)),
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
        ]
        let (pieces, piece) = try reader(for: media)
        return ViewerResponse(headers: headers, body: .stream(length: media.sizeBytes, pieces: pieces, piece: piece))
    }

    /// How many pieces the file is read in, and how to read each: a chunk from the database,
    /// or 1 MiB of the file under `--media-dir` (opened without following a symlink).
    private func reader(for media: StoredMedia) throws -> (Int, @Sendable (Int) async throws -> [UInt8]) {
        switch media.location {
        case .chunks(let digests):
            return (digests.count, { [self] index in
                let digest = digests[index]
                guard let bytes = try await read({ reader in try reader.chunk(digest) }) else {
                    throw ViewerError(.failed, "a chunk of \(media.archiveEntry) is missing from media_chunks")
                }
                return bytes
            })
        case .folder(let relativePath):
            guard let folder = configuration.mediaDirectory else {
                throw ViewerError(.notFound, "this file was stored in a media folder",
                                  hint: "Start serve with --media-dir and the folder the load wrote to")
            }
            let path = try Self.contentPath(relativePath, in: folder)
            let pieceBytes = 1 << 20
            let pieces = Int((media.sizeBytes + Int64(pieceBytes) - 1) / Int64(pieceBytes))
            return (pieces, { index in try Self.readPiece(path, offset: index * pieceBytes, count: pieceBytes, name: relativePath) })
        }
    }

    /// Opens a file under `--media-dir` (`path` from ``contentPath(_:in:)``) for reading: never
    /// through a symlink, and only a regular file. `O_NONBLOCK`: a FIFO planted in the folder
    /// must not block a thread at open. The caller closes the descriptor.
    static func openContentFile(_ path: String, name: String) throws -> Int32 {
        switch RegularFile.openForReading(path) {
        case .success(let descriptor):
            return descriptor
        case .failure(.notRegular):
            throw ViewerError(.failed, "\(name) in --media-dir is not a regular file")
        case .failure(.missing):
            throw ViewerError(.notFound, "the media file \(name) is not in --media-dir")
        }
    }

    private static func readPiece(_ path: String, offset: Int, count: Int, name: String) throws -> [UInt8] {
        let descriptor = try openContentFile(path, name: name)
        defer { Glibc.close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { Glibc.pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw ViewerError(.failed, "cannot read \(name): \(String(cString: strerror(errno)))") }
            if got == 0 { break }
            filled += got
        }
        return Array(buffer[0..<filled])
    }

    /// The path of a content under `--media-dir`, only in the form a load writes
    /// (`ab/cd/<64 hex digits>`): a stored path is data, and must not reach outside the folder.
    static func contentPath(_ relative: String, in folder: String) throws -> String {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        let hex = { (text: Substring) in text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } }
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 64, parts.allSatisfy(hex) else {
            throw ViewerError(.failed, "the stored path \(relative.prefix(100)) is not a content address")
        }
        return folder + "/" + relative
    }
}
