import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file, or standard input when the path is `-`, with plain `read(2)` calls.
package final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The path as the user named it.
    package let path: String
    package private(set) var storedBytesRead: Int64 = 0
    /// The file's size when it is a regular file (nil for pipes and standard input).
    package let size: Int64?

    package init(path: String) throws {
        self.path = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw LoadError(.inputUnreadable, "cannot open the export: \(reason)",
                                location: .init(file: path),
                                hint: "Check the path and that you may read the file")
            }
            descriptor = fd
            ownsDescriptor = true
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            size = Int64(status.st_size)
        } else {
            size = nil
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw LoadError(.inputUnreadable, "this is a directory, not an export file",
                            location: .init(file: path),
                            hint: "Name the export's .tar, .tar.zst or messages.json")
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = Glibc.read(descriptor, base, buffer.count)
            if count >= 0 {
                storedBytesRead += Int64(count)
                return count
            }
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            throw LoadError(.inputUnreadable, "read failed: \(reason)",
                            location: .init(file: path, offset: storedBytesRead))
        }
    }
}
