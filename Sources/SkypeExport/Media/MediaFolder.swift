import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// A folder of media files at content-addressed paths, `ROOT/ab/cd/<sha256>`: a file is
/// written under a temporary name while its digest is computed, flushed to disk, then renamed
/// into place, so a path that exists always holds complete bytes and the same bytes are kept once.
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
            try FileManager.default.createDirectory(atPath: root + "/.incoming", withIntermediateDirectories: true)
        } catch {
            throw LoadError(.configuration, "cannot create the media folder \(root): \(error.localizedDescription)",
                            hint: "Pass a --media-dir you can write to")
        }
    }

    /// The path of a content, relative to the root.
    static func relativePath(_ digest: [UInt8]) -> String {
        let hex = SHA256.hex(digest)
        let characters = Array(hex)
        return "\(String(characters[0..<2]))/\(String(characters[2..<4]))/\(hex)"
    }

    func begin() throws -> Incoming {
        let path = "\(root)/.incoming/\(getpid())-\(UUID().uuidString)"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create \(path)") }
        return Incoming(descriptor: descriptor, path: path)
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
        close(file.descriptor)
        if access(target, F_OK) == 0 {
            unlink(file.path)
            return relative
        }
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            unlink(file.path)
            throw LoadError(.system, "cannot create a folder for \(target): \(error.localizedDescription)")
        }
        guard rename(file.path, target) == 0 else {
            let error = failure("cannot move \(file.path) to \(target)")
            unlink(file.path)
            throw error
        }
        return relative
    }

    /// Removes a file that will not be finished.
    func abandon(_ file: Incoming) {
        close(file.descriptor)
        unlink(file.path)
    }

    private func failure(_ what: String) -> LoadError {
        LoadError(.system, "\(what): \(String(cString: strerror(errno)))", hint: "Check the space and permissions of --media-dir")
    }
}
