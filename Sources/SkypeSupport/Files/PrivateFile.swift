package import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files the loader writes that hold private data: the reject file holds raw messages, the
/// reports name the export and count a person's chats. They are created mode 0600 whatever
/// the umask (an existing one is narrowed to 0600), and never opened through a symbolic link
/// or a second hard link, nor when they are not regular files: a link planted at the path (in
/// a shared directory such as /tmp) must not redirect private text, or a truncation, to a file
/// of the planter's choosing.
package enum PrivateFile {
    package enum Mode {
        /// Keeps what the file holds and writes after it (the reject file across reruns).
        case append
        /// Empties the file first (a report rewritten by each run).
        case replace
    }

    /// Opens `path` for writing as ``PrivateFile`` describes.
    /// - Returns: a handle that closes the file when released.
    package static func open(_ path: String, _ mode: Mode, purpose: String) throws(LoadError) -> FileHandle {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (mode == .append ? O_APPEND : 0)
        let descriptor = Glibc.open(path, flags, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link, which is never followed" : String(cString: strerror(errno))
            throw failure("cannot open the \(purpose) \(path): \(reason)", hint: "Name a regular file in a directory you own")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_nlink == 1 else {
            close(descriptor)
            throw failure("cannot write the \(purpose) \(path): it is not a regular file with a single name",
                          hint: "Name a new file, or remove what is at that path")
        }
        // Blocking writes from here on; an existing file written by an older version is narrowed.
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK & ~(O_CREAT | O_NOFOLLOW | O_CLOEXEC))
        if status.st_mode & 0o077 != 0 { _ = fchmod(descriptor, 0o600) }
        if mode == .replace, ftruncate(descriptor, 0) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw failure("cannot empty the \(purpose) \(path): \(reason)", hint: nil)
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Fails as ``open(_:_:purpose:)`` would for what is at `path` now, without creating or
    /// changing anything: for a check before a long run.
    package static func check(_ path: String, purpose: String) throws(LoadError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }  // nothing there yet: it will be created
        if (status.st_mode & S_IFMT) == S_IFLNK {
            throw failure("cannot open the \(purpose) \(path): it is a symbolic link, which is never followed",
                          hint: "Name a regular file in a directory you own")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG, status.st_nlink == 1 else {
            throw failure("cannot write the \(purpose) \(path): it is not a regular file with a single name",
                          hint: "Name a new file, or remove what is at that path")
        }
    }

    /// Replaces the contents of `path` with `bytes`, whole: they go to a new private file
    /// beside it, which then takes its name. A reader never sees half a report, and a write
    /// that fails (a full disk) leaves the file as it was. In a folder the user cannot create
    /// files in, an existing file is rewritten in place, as before.
    package static func write(_ bytes: [UInt8], to path: String, purpose: String) throws(LoadError) {
        try check(path, purpose: purpose)
        let url = URL(fileURLWithPath: path)
        var template = Array((url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            let error = errno
            if error == EACCES || error == EPERM {
                return try writeInPlace(bytes, to: path, purpose: purpose)
            }
            throw writeFailure(purpose, path, errno: error)
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let temporary = template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } ?? "" }
        var failed = bytes.withUnsafeBytes { FileDescriptorWriter.writeAll(descriptor, $0) }
        if Glibc.close(descriptor) != 0 && failed == nil { failed = errno }
        if failed == nil && rename(temporary, path) != 0 { failed = errno }
        if let failed {
            unlink(temporary)
            throw writeFailure(purpose, path, errno: failed)
        }
    }

    private static func writeInPlace(_ bytes: [UInt8], to path: String, purpose: String) throws(LoadError) {
        let handle = try open(path, .replace, purpose: purpose)
        if let failed = bytes.withUnsafeBytes({ FileDescriptorWriter.writeAll(handle.fileDescriptor, $0) }) {
            throw writeFailure(purpose, path, errno: failed)
        }
    }

    /// Appends `bytes` whole or not at all: after a write that fails (a full disk) the file is
    /// cut back to where it ended, so that no partial line is left for the next append to run
    /// into.
    package static func append(_ bytes: [UInt8], to handle: FileHandle, path: String, purpose: String) throws(LoadError) {
        let descriptor = handle.fileDescriptor
        let end = lseek(descriptor, 0, SEEK_END)
        guard let failed = bytes.withUnsafeBytes({ FileDescriptorWriter.writeAll(descriptor, $0) }) else { return }
        if end >= 0 { _ = ftruncate(descriptor, end) }
        throw writeFailure(purpose, path, errno: failed)
    }

    /// "cannot write the reject file PATH: No space left on device", and for a full disk (or
    /// quota, or file size limit) what to do; the caller adds what follows for its file.
    static func writeFailure(_ purpose: String, _ path: String, errno error: Int32) -> LoadError {
        let full = [ENOSPC, EDQUOT, EFBIG].contains(error)
        return LoadError(.system, "cannot write the \(purpose) \(path): \(String(cString: strerror(error)))",
                         hint: full ? "Its filesystem is full: free space there, or name a file on another one" : nil)
    }

    private static func failure(_ message: String, hint: String?) -> LoadError {
        LoadError(.configuration, message, hint: hint)
    }
}
