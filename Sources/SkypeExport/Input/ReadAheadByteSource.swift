import Foundation
import SkypeSupport

/// Reads its upstream on a thread of its own, a bounded number of chunks ahead of the consumer,
/// so that decompression and tar reading run on one core while the splitter scans on another.
///
/// Memory: at most `chunksAhead` queued chunks, one being filled and one being consumed.
/// The upstream belongs to the reading thread until the stream ends or ``stop()`` returns;
/// only then may anyone else (the tar's later entries) read from it.
public final class ReadAheadByteSource: ByteSource, @unchecked Sendable {
    private enum Chunk {
        case bytes([UInt8], storedBytesRead: Int64)
        case end
        case failure(any Error)
    }

    private let queue: BlockingQueue<Chunk>
    private let readerDone = DispatchSemaphore(value: 0)
    private var current: [UInt8] = []
    private var position = 0
    private var ended = false
    private var readerJoined = false
    /// Stored bytes consumed when the chunk being read was produced.
    public private(set) var storedBytesRead: Int64 = 0

    /// - Parameters:
    ///   - chunkSize: bytes per read of the upstream.
    ///   - chunksAhead: how many chunks may wait for the consumer.
    public init(_ upstream: any ByteSource, chunkSize: Int = 1 << 20, chunksAhead: Int = 4) {
        queue = BlockingQueue(capacity: chunksAhead)
        let queue = self.queue
        let readerDone = self.readerDone
        // Handed over to the reading thread, which alone uses it until it signals `readerDone`.
        nonisolated(unsafe) let upstream = upstream
        let thread = Thread {
            defer { readerDone.signal() }
            while true {
                let chunk: [UInt8]
                do {
                    // Filled straight from the upstream: no zeroing first, no trimming after.
                    chunk = try [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
                        count = try upstream.readFully(into: UnsafeMutableRawBufferPointer(buffer))
                    }
                } catch {
                    queue.push(.failure(error))
                    return
                }
                if chunk.isEmpty {
                    queue.push(.end)
                    return
                }
                // False when the consumer stopped: nobody wants more.
                guard queue.push(.bytes(chunk, storedBytesRead: upstream.storedBytesRead)) else { return }
            }
        }
        thread.name = "skype-parallel-load read-ahead"
        thread.start()
    }

    deinit { queue.close() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while position == current.count {
            if ended { return 0 }
            switch queue.pop() {
            case let .bytes(bytes, stored)?:
                current = bytes
                position = 0
                storedBytesRead = stored
            case let .failure(error)?:
                ended = true
                join()
                throw error
            case .end?, nil:
                ended = true
                join()
                return 0
            }
        }
        let count = min(buffer.count, current.count - position)
        current.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)]))
        }
        position += count
        return count
    }

    /// Stops reading ahead (when the consumer gives up early) and waits until the reading
    /// thread has let go of the upstream, at most `timeout` seconds: a read of a stalled
    /// standard input must not keep an interrupted load from ending (the thread then exits
    /// when that read returns). Reads after it return the end.
    public func stop(timeout: Double = 5) {
        ended = true
        current = []
        position = 0
        queue.close()
        join(timeout: timeout)
    }

    private func join(timeout: Double? = nil) {
        guard !readerJoined else { return }
        if let timeout {
            readerJoined = readerDone.wait(timeout: .now() + timeout) == .success
        } else {
            readerJoined = true
            readerDone.wait()
        }
    }
}
