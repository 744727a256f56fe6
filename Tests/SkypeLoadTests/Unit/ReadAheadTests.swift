@testable import SkypeExport
import Testing

@Suite struct ReadAheadTests {
    /// A source that fails after `failAfter` bytes, as a damaged zstd stream would.
    final class FailingSource: ByteSource {
        struct Damaged: Error {}
        let inner: BufferByteSource
        let failAfter: Int
        var delivered = 0
        init(_ bytes: [UInt8], failAfter: Int) { inner = BufferByteSource(bytes); self.failAfter = failAfter }
        var storedBytesRead: Int64 { inner.storedBytesRead }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if delivered >= failAfter { throw Damaged() }
            let limited = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, failAfter - delivered)])
            let count = try inner.read(into: limited)
            delivered += count
            return count
        }
    }

    private func readAll(_ source: any ByteSource, readSize: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return result }
            result += buffer[..<count]
        }
    }

    @Test(arguments: [(1, 7), (5, 3), (64, 1000), (4096, 4096)])
    func deliversEveryByteInOrder(chunkSize: Int, readSize: Int) throws {
        let bytes = (0..<10_007).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let source = ReadAheadByteSource(BufferByteSource(bytes), chunkSize: chunkSize, chunksAhead: 2)
        #expect(try readAll(source, readSize: readSize) == bytes)
        #expect(source.storedBytesRead == Int64(bytes.count))
        // The end stays the end.
        #expect(try readAll(source, readSize: readSize).isEmpty)
    }

    @Test func passesOnTheUpstreamErrorAfterTheBytesBeforeIt() throws {
        let bytes = [UInt8](repeating: 7, count: 1000)
        let source = ReadAheadByteSource(FailingSource(bytes, failAfter: 600), chunkSize: 100, chunksAhead: 2)
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(throws: FailingSource.Damaged.self) {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                received += count
            }
        }
        #expect(received == 600)
    }

    @Test func stoppingEarlyReleasesTheReader() throws {
        let upstream = BufferByteSource([UInt8](repeating: 1, count: 1 << 20))
        let source = ReadAheadByteSource(upstream, chunkSize: 1024, chunksAhead: 2)
        var buffer = [UInt8](repeating: 0, count: 10)
        _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        source.stop()
        // The reader has let go: the upstream stopped within the chunks in flight.
        #expect(upstream.storedBytesRead <= 1024 * 4)
        #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 0)
    }
}
