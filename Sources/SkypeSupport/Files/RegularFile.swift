#if canImport(Glibc)
import Glibc
#endif

/// Opening a file that someone else may have planted a link, a FIFO or a device at.
package enum RegularFile {
    /// Why ``openForReading(_:)`` gave no descriptor.
    package enum Refusal: Error, Equatable {
        /// Nothing there (or it could not be opened: `errno` says why).
        case missing(errno: Int32)
        /// Something other than a regular file: a symlink, a FIFO, a device, a folder.
        case notRegular
    }

    /// Opens `path` read-only, never through a symlink at its last component, and only if it is
    /// a regular file. `O_NONBLOCK`, so that a FIFO cannot block the caller at open. The caller
    /// closes the descriptor.
    package static func openForReading(_ path: String) -> Result<Int32, Refusal> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(errno == ELOOP ? .notRegular : .missing(errno: errno)) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return .failure(.notRegular)
        }
        return .success(descriptor)
    }
}
