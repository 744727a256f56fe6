import SkypeSupport

/// A batch of media chunks that a worker stores in one transaction, claimed in the shard ledger
/// exactly as a message shard is: a killed worker's batch is sent again, a rerun skips it.
/// Chunks are keyed by their own SHA-256, so storing one twice adds nothing.
package struct MediaShard: Sendable {
    /// Up to ``MediaChunker/chunkBytes`` bytes of one media file, with their SHA-256.
    package struct Chunk: Sendable {
        package var sha256: [UInt8]
        package var data: [UInt8]
    }

    /// Position in this run's sequence of shards (after the message shards).
    package var ordinal: Int
    package var chunks: [Chunk]

    package init(ordinal: Int, chunks: [Chunk] = []) {
        self.ordinal = ordinal
        self.chunks = chunks
    }

    package var byteCount: Int { chunks.reduce(0) { $0 + $1.data.count } }

    package var label: String { "#\(ordinal) media (\(chunks.count) chunks)" }

    /// The ledger key: the chunks' digests hashed together, so the same chunks batched the same
    /// way get the same key in every run.
    package var key: String {
        var hash: UInt64 = 0
        for chunk in chunks {
            hash = chunk.sha256.withUnsafeBytes { XXH64.hash($0, seed: hash) }
        }
        return "media-\(ASCIIDigits.hex(hash))-\(byteCount)"
    }

    /// The frame a worker receives: ordinal, chunk count, then each digest and its bytes.
    package func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + chunks.count * (SHA256.byteCount + 4) + 12)
        Self.append(UInt64(ordinal), to: &output)
        Self.append(UInt32(chunks.count), to: &output)
        for chunk in chunks {
            output.append(contentsOf: chunk.sha256)
            Self.append(UInt32(chunk.data.count), to: &output)
            output.append(contentsOf: chunk.data)
        }
        return output
    }

    package static func decode(_ bytes: [UInt8]) throws -> MediaShard {
        var position = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, position + count <= bytes.count else {
                throw LoadError(.workerProtocol, "a media shard frame is shorter than its contents say")
            }
            defer { position += count }
            return bytes[position..<(position + count)]
        }
        func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            var value: T = 0
            for (index, byte) in try take(MemoryLayout<T>.size).enumerated() { value |= T(byte) << (8 * index) }
            return value
        }
        let ordinal = Int(try integer(UInt64.self))
        let count = Int(try integer(UInt32.self))
        var chunks: [Chunk] = []
        chunks.reserveCapacity(min(count, 1024))
        for _ in 0..<count {
            let digest = Array(try take(SHA256.byteCount))
            let length = Int(try integer(UInt32.self))
            chunks.append(Chunk(sha256: digest, data: Array(try take(length))))
        }
        return MediaShard(ordinal: ordinal, chunks: chunks)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }
}
