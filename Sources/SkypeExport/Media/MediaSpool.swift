import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// Holds media files that come before `messages.json` in an archive read from standard input
/// (which cannot be read twice) in an unlinked temporary file, until the workers that store
/// them are running: memory stays bounded, disk holds those files once.
package final class MediaSpool {
    private let descriptor: Int32
    private var size: Int64 = 0
    private var entries: [(entry: TarEntrySource.Entry, offset: Int64)] = []

    package init(directory: String) throws {
        descriptor = try UnlinkedTemporaryFile.create(
            in: directory, prefix: "skype-parallel-load-media",
            hint: "Set TMPDIR to a writable directory with room for the media files, or pass the export's file instead of -")
    }

    deinit { close(descriptor) }

    /// The tar reader's hook: copies every media file's bytes into the spool as they pass.
    package var streaming: TarEntrySource.Streaming {
        TarEntrySource.Streaming(wants: MediaCollector.holdsBytes) { [unowned self] entry, body in
            let offset = size
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try body.read(into: $0) }
                if count == 0 { break }
                if let failure = buffer.withUnsafeBytes({ FileDescriptorWriter.writeAll(descriptor, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) {
                    throw LoadError(.system, "cannot hold a media file in a temporary file: \(String(cString: strerror(failure)))",
                                    hint: "Free disk space in TMPDIR, or pass the export's file instead of -")
                }
                size += Int64(count)
            }
            entries.append((entry, offset))
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Hands each held file to `read`, in archive order, as a source of its bytes.
    package func replay(_ read: (TarEntrySource.Entry, any ByteSource) throws -> Void) throws {
        for (entry, offset) in entries {
            try read(entry, Reader(descriptor: descriptor, offset: offset, end: offset + entry.size))
        }
    }

    private final class Reader: ByteSource {
        let descriptor: Int32
        var offset: Int64
        let end: Int64

        init(descriptor: Int32, offset: Int64, end: Int64) {
            self.descriptor = descriptor
            self.offset = offset
            self.end = end
        }

        var storedBytesRead: Int64 { 0 }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard offset < end, let base = buffer.baseAddress else { return 0 }
            while true {
                let count = pread(descriptor, base, Int(min(Int64(buffer.count), end - offset)), off_t(offset))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw LoadError(.system, "cannot read back a temporary file", hint: "Check TMPDIR") }
                offset += Int64(count)
                return count
            }
        }
    }
}
