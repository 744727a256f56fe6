#if canImport(Glibc)
import Glibc
#endif

/// A temporary file that has no name: it is gone when its descriptor is closed or the process
/// dies, so nothing is left behind after a crash.
package enum UnlinkedTemporaryFile {
    /// - Returns: the open descriptor of a new, already unlinked file in `directory`.
    /// - Parameter hint: what the user can do when the file cannot be created.
    package static func create(in directory: String, prefix: String, hint: String) throws -> Int32 {
        var template = Array((directory + "/\(prefix)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else {
            throw LoadError(.system, "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))",
                            hint: hint)
        }
        template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        return fd
    }
}
