import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// A folder of media files at content-addressed paths, `ROOT/ab/cd/<sha256>`: a file is
/// written under a temporary name while its digest is computed, flushed to disk, then renamed
/// into place, so a path that exists always holds complete bytes and the same bytes are kept once.
///
/// What is already at a content's path is kept only if it is a regular file whose bytes have
/// that digest: anyone who can write the folder could have planted a file, a symlink or a
/// FIFO there, and recording it as stored would make `verify` and `export-media` read it.
/// Anything else is replaced by the file just written; folders that are symlinks are refused.
/// Files are private (0600).
struct MediaFolder {
    let root: String

    /// A file being written.
    final class Incoming {
        let descriptor: Int32
        let path: String

        init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
        }
    }

    init(root: String) throws {
        self.root = root
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try Self.checked(root).makeDirectory(".incoming")
        } catch {
            throw LoadError(.configuration, "cannot create the media folder \(root): \((error as? LoadError)?.message ?? error.localizedDescription)",
                            hint: "Pass a --media-dir you can write to")
        }
        Self.removeAbandonedFiles(root)
    }

    /// The path of a content, relative to the root.
    static func relativePath(_ digest: [UInt8]) -> String {
        let hex = SHA256.hex(digest)
        let characters = Array(hex)
        return "\(String(characters[0..<2]))/\(String(characters[2..<4]))/\(hex)"
    }

    /// A new file in `.incoming`, locked (`flock`) while its descriptor is open: the lock tells
    /// another load's ``removeAbandonedFiles(_:)`` that its writer is alive.
    func begin() throws -> Incoming {
        while true {
            let path = "\(root)/.incoming/\(getpid())-\(UUID().uuidString)"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw failure("cannot create \(path)") }
            guard flock(descriptor, LOCK_EX) == 0 else {
                let error = failure("cannot lock \(path)")
                close(descriptor)
                unlink(path)
                throw error
            }
            // Another load's sweep may have taken it between the open and the lock.
            if Self.isSameFile(descriptor, path) { return Incoming(descriptor: descriptor, path: path) }
            close(descriptor)
        }
    }

    /// On failure the caller abandons the file.
    func write(_ bytes: UnsafeRawBufferPointer, to file: Incoming) throws {
        if let code = FileDescriptorWriter.writeAll(file.descriptor, bytes) {
            errno = code
            throw failure("cannot write \(file.path)")
        }
    }

    /// Puts a complete file at its content's path (where the same content may be already).
    /// - Returns: the path, relative to the folder.
    func finish(_ file: Incoming, digest: [UInt8]) throws -> String {
        let relative = Self.relativePath(digest)
        let target = root + "/" + relative
        guard fsync(file.descriptor) == 0 else {
            let error = failure("cannot flush \(file.path)")
            abandon(file)
            throw error
        }
        // Open (and so locked) until the file has its name or is gone.
        defer { close(file.descriptor) }
        var written = stat()
        let size = fstat(file.descriptor, &written) == 0 ? Int64(written.st_size) : -1
        if Self.holds(target, digest, size: size) {
            unlink(file.path)
            return relative
        }
        do {
            try Self.checked(root).makeDirectory((relative as NSString).deletingLastPathComponent)
        } catch {
            unlink(file.path)
            throw error
        }
        guard rename(file.path, target) == 0 else {
            let error = failure("cannot move \(file.path) to \(target)")
            unlink(file.path)
            throw error
        }
        return relative
    }

    /// The folders under the root, refused where they are symlinks; the root itself is the
    /// user's (`--media-dir` may well be a link to another disk), resolved first.
    private static func checked(_ root: String) -> OutputFolder {
        let resolved = realpath(root, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        return OutputFolder(root: resolved ?? root, fileMode: 0o600)
    }

    /// Whether `path` is a regular file (not a symlink, FIFO or device) whose bytes have `digest`.
    /// Its size is compared first, so that a huge planted file is not read.
    static func holds(_ path: String, _ digest: [UInt8], size: Int64) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int64(status.st_size) == size else {
            return false
        }
        let hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return false }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return hasher.finish() == digest
    }

    /// Removes a file that will not be finished.
    func abandon(_ file: Incoming) {
        unlink(file.path)
        close(file.descriptor)
    }

    private func failure(_ what: String) -> LoadError {
        LoadError(.system, "\(what): \(String(cString: strerror(errno)))", hint: "Check the space and permissions of --media-dir")
    }
}
