import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder the exports (`export-html`, `export-media`) write to. Files appear whole or not at
/// all (written to a private temporary name opened with `O_EXCL | O_NOFOLLOW`, then renamed),
/// so a stopped export leaves no half page and a planted symlink is never written through;
/// folders that are symlinks are refused. Modes are private (0600, folders 0700) unless asked
/// otherwise.
///
/// Every step works on descriptors of the folders, opened one component at a time with
/// `O_DIRECTORY | O_NOFOLLOW` (`openat`, `mkdirat`, `renameat`, `fchmod`), never on a path
/// resolved again later: someone who can write the folder cannot swap a checked folder for a
/// symlink between the check and the write.
package struct OutputFolder {
    package let root: String
    /// The files' mode (permission bits only).
    let fileMode: mode_t

    package init(root: String, fileMode: UInt32 = 0o600) {
        self.root = root
        self.fileMode = mode_t(fileMode & 0o777)
    }

    var directoryMode: mode_t {
        // Each read bit of the file mode gives the folder its search bit too.
        fileMode | 0o700 | ((fileMode & 0o040) != 0 ? 0o010 : 0) | ((fileMode & 0o004) != 0 ? 0o001 : 0)
    }

    /// Creates `relative` (and the root) as real folders, refusing symlinks on the way.
    package func makeDirectory(_ relative: String) throws {
        close(try openDirectory(relative, create: true))
    }

    /// The descriptor of `relative` under the root (made when `create`), each component opened
    /// without following a symlink. The caller closes it.
    private func openDirectory(_ relative: String, create: Bool) throws -> Int32 {
        var current = try openOne(AT_FDCWD, root, shown: root, create: create)
        var shown = root
        for part in relative.split(separator: "/") where !part.isEmpty {
            shown += "/" + part
            do {
                let next = try openOne(current, String(part), shown: shown, create: create)
                close(current)
                current = next
            } catch {
                close(current)
                throw error
            }
        }
        return current
    }

    private func openOne(_ parent: Int32, _ name: String, shown: String, create: Bool) throws -> Int32 {
        var made = false
        if create {
            if mkdirat(parent, name, directoryMode) == 0 {
                made = true
            } else if errno != EEXIST {
                throw LoadError(.system, "cannot create the folder \(shown): \(String(cString: strerror(errno)))")
            }
        }
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP || errno == ENOTDIR {
                throw LoadError(.system, "\(shown) exists and is not a folder (a symlink is not followed)",
                                hint: "Remove it or choose another --out")
            }
            throw LoadError(.system, "cannot open the folder \(shown): \(String(cString: strerror(errno)))")
        }
        // A folder made here gets its mode whatever the umask; one that was there is left as it is.
        if made { _ = fchmod(descriptor, directoryMode) }
        return descriptor
    }

    /// The folder part and the name of `relative`.
    private static func split(_ relative: String) -> (folder: String, name: String) {
        guard let slash = relative.lastIndex(of: "/") else { return ("", relative) }
        return (String(relative[..<slash]), String(relative[relative.index(after: slash)...]))
    }

    /// Writes `relative` whole, replacing what was there.
    package func write(_ relative: String, _ bytes: [UInt8]) throws {
        try write(relative) { descriptor in try Self.writeAll(descriptor, bytes, name: relative) }
    }

    /// Writes `relative` whole from what `fill` writes to the temporary file's descriptor.
    package func write(_ relative: String, _ fill: (Int32) throws -> Void) throws {
        let (folderPart, name) = Self.split(relative)
        let shown = root + "/" + relative
        let folder = try openDirectory(folderPart, create: false)
        defer { close(folder) }
        // Short, so that a long name stays within the file system's 255 bytes.
        let temporary = ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let descriptor = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw LoadError(.system, "cannot create a file in \(root)/\(folderPart): \(String(cString: strerror(errno)))",
                            hint: "Check that --out is writable and has space")
        }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlinkat(folder, temporary, 0) }
        }
        _ = fchmod(descriptor, fileMode)
        try fill(descriptor)
        var status = stat()
        if fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw LoadError(.system, "\(shown) is a folder", hint: "Remove it or choose another --out")
        }
        // rename replaces a symlink at the final name itself; it never writes through it.
        guard renameat(folder, temporary, folder, name) == 0 else {
            throw LoadError(.system, "cannot write \(shown): \(String(cString: strerror(errno)))")
        }
        renamed = true
    }

    /// Whether `relative` is a regular file of `size` bytes (a media file already written).
    package func hasFile(_ relative: String, size: Int64) -> Bool {
        let (folderPart, name) = Self.split(relative)
        guard let folder = try? openDirectory(folderPart, create: false) else { return false }
        defer { close(folder) }
        var status = stat()
        return fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFREG
            && Int64(status.st_size) == size
    }

    /// The text of a small file, if it is a regular file.
    package func read(_ relative: String) -> String? {
        let (folderPart, name) = Self.split(relative)
        guard let folder = try? openDirectory(folderPart, create: false) else { return nil }
        defer { close(folder) }
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size < 1 << 16,
              let data = try? handle.readToEnd() ?? Data() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], name: String) throws {
        let failed = bytes.withUnsafeBytes { FileDescriptorWriter.writeAll(descriptor, $0) }
        if let failed {
            throw LoadError(.system, "cannot write \(name): \(String(cString: strerror(failed)))",
                            hint: "Check the space left in --out; a rerun goes on where this one stopped")
        }
    }
}
