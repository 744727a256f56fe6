#if canImport(Glibc)
import Glibc
#endif

/// Writing to a file descriptor until every byte is out (a `write` may take fewer).
package enum FileDescriptorWriter {
    /// - Returns: nil once everything is written, else the `errno` of the failed write.
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, base + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += count
        }
        return nil
    }
}
