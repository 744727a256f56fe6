import Foundation
#if canImport(Glibc)
package import Glibc
#endif

/// A folder the exports (`export-html`, `export-media`) write to. Files appear whole or not at all (written
/// to a private temporary name opened with `O_EXCL | O_NOFOLLOW`, then renamed), so a stopped
/// export leaves no half page and a planted symlink is never written through; folders that
/// are symlinks are refused. Modes are private (0600, folders 0700) unless asked otherwise.
package struct OutputFolder {
    package let root: String
    package let fileMode: mode_t

    package init(root: String, fileMode: mode_t = 0o600) {
        self.root = root
        self.fileMode = fileMode
    }

    var directoryMode: mode_t {
        // Each read bit of the file mode gives the folder its search bit too.
        fileMode | 0o700 | ((fileMode & 0o040) != 0 ? 0o010 : 0) | ((fileMode & 0o004) != 0 ? 0o001 : 0)
    }

    /// Creates `relative` (and the root) as real folders, refusing symlinks on the way.
    package func makeDirectory(_ relative: String) throws {
        var path = root
        try makeOne(path)
        for part in relative.split(separator: "/") {
            path += "/" + part
            try makeOne(path)
        }
    }

    private func makeOne(_ path: String) throws {
        var status = stat()
        if lstat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw LoadError(.system, "\(path) exists and is not a folder (a symlink is not followed)",
                                  hint: "Remove it or choose another --out")
            }
            return
        }
        guard mkdir(path, directoryMode) == 0 || errno == EEXIST else {
            throw LoadError(.system, "cannot create the folder \(path): \(String(cString: strerror(errno)))")
        }
        _ = chmod(path, directoryMode)
    }

    /// Writes `relative` whole, replacing what was there.
    package func write(_ relative: String, _ bytes: [UInt8]) throws {
        try write(relative) { descriptor in try Self.writeAll(descriptor, bytes, name: relative) }
    }

    /// Writes `relative` whole from what `fill` writes to the temporary file's descriptor.
    package func write(_ relative: String, _ fill: (Int32) throws -> Void) throws {
        let final = root + "/" + relative
        let temporary = final + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw LoadError(.system, "cannot create \(temporary): \(String(cString: strerror(errno)))",
                              hint: "Check that --out is writable and has space")
        }
        var renamed = false
        defer {
            Glibc.close(descriptor)
            if !renamed { unlink(temporary) }
        }
        _ = fchmod(descriptor, fileMode)
        try fill(descriptor)
        var status = stat()
        if lstat(final, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw LoadError(.system, "\(final) is a folder", hint: "Remove it or choose another --out")
        }
        // rename replaces a symlink at the final name itself; it never writes through it.
        guard rename(temporary, final) == 0 else {
            throw LoadError(.system, "cannot write \(final): \(String(cString: strerror(errno)))")
        }
        renamed = true
    }

    /// Whether `relative` is a regular file of `size` bytes (a media file already written).
    package func hasFile(_ relative: String, size: Int64) -> Bool {
        var status = stat()
        return lstat(root + "/" + relative, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && Int64(status.st_size) == size
    }

    /// The text of a small file, if it is a regular file.
    package func read(_ relative: String) -> String? {
        var status = stat()
        let path = root + "/" + relative
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size < 1 << 16 else { return nil }
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], name: String) throws {
        let failed = bytes.withUnsafeBytes { FileDescriptorWriter.writeAll(descriptor, $0) }
        if let failed {
            throw LoadError(.system, "cannot write \(name): \(String(cString: strerror(failed)))",
                              hint: "Check the space left in --out; a rerun goes on where this one stopped")
        }
    }
}
