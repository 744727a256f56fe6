import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// The framing on the pipes between coordinator and workers: a 4-byte little-endian payload
/// length, a 1-byte kind, then the payload. Kinds are per direction (``WorkerProtocol``).
package enum FrameIO {
    /// Frames larger than this are refused: a corrupt length must not allocate gigabytes.
    package static let maximumPayload = 1 << 30
}

/// Writes frames to a descriptor. Not thread-safe: callers serialise writes.
package final class FrameWriter: @unchecked Sendable {
    package let descriptor: Int32

    package init(descriptor: Int32) { self.descriptor = descriptor }

    package func write(kind: UInt8, payload: [UInt8]) throws {
        var header = [UInt8](repeating: 0, count: 5)
        let length = UInt32(payload.count).littleEndian
        withUnsafeBytes(of: length) { header.replaceSubrange(0..<4, with: $0) }
        header[4] = kind
        try writeAll(header)
        try writeAll(payload)
    }

    package func close() {
        _ = Glibc.close(descriptor)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var done = 0
            while done < buffer.count {
                let count = Glibc.write(descriptor, base + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw LoadError(.workerFailed, "writing to a worker pipe failed: \(String(cString: strerror(errno)))")
                }
                done += count
            }
        }
    }
}

/// Reads frames from a descriptor.
package final class FrameReader: @unchecked Sendable {
    /// The stream ended inside a frame: the writer died while writing it (a worker killed, or
    /// exiting abruptly, while another of its threads was sending an event).
    package struct Truncated: Error, CustomStringConvertible {
        package var description: String
    }

    package let descriptor: Int32

    /// The most a frame's payload is given before its bytes arrive (a shard is 2 MB by default,
    /// so a shard's frame is usually one allocation of its exact size).
    private static let chunk = 8 << 20

    package init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next frame, or nil at a clean end of stream (between frames); throws ``Truncated``
    /// when the stream ends inside one.
    package func read() throws -> (kind: UInt8, payload: [UInt8])? {
        var header = [UInt8](repeating: 0, count: 5)
        let got = try header.withUnsafeMutableBytes { try readAll(into: $0) }
        if got == 0 { return nil }
        guard got == 5 else { throw Truncated(description: "a pipe ended inside a frame header") }
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length <= FrameIO.maximumPayload else {
            throw LoadError(.workerProtocol, "a frame claims \(length) bytes, more than the protocol allows")
        }
        // Filled as bytes arrive, in place: a corrupt length must not allocate its claim before
        // the bytes exist, so the buffer grows (doubling, from one chunk) only as they come.
        // Reading straight into it, rather than into 1 MB chunks appended to it, spares a copy
        // and fresh zeroed pages per chunk (5% of a worker's time went to those page faults);
        // nor is it zeroed first (a debug build zeroed it byte by byte: Docs/reliability.md,
        // "Coverage-guided fuzzing").
        var payload: [UInt8] = []
        while payload.count < length {
            let target = min(length, max(Self.chunk, payload.count * 2))
            let filled = payload
            payload = try [UInt8](unsafeUninitializedCapacity: target) { buffer, initialized in
                let whole = UnsafeMutableRawBufferPointer(buffer)
                filled.withUnsafeBytes { whole.copyMemory(from: $0) }
                initialized = filled.count
                initialized += try readAll(into: UnsafeMutableRawBufferPointer(rebasing: whole[filled.count...]))
            }
            guard payload.count == target else {
                throw Truncated(description: "a pipe ended inside a frame (\(payload.count) of \(length) bytes)")
            }
        }
        return (header[4], payload)
    }

    package func close() {
        _ = Glibc.close(descriptor)
    }

    /// Reads until `buffer` is full or the stream ends; returns the bytes read.
    private func readAll(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let count = Glibc.read(descriptor, base + done, buffer.count - done)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw LoadError(.workerProtocol, "reading a worker pipe failed: \(String(cString: strerror(errno)))")
            }
            done += count
        }
        return done
    }
}
