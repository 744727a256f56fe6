import SkypeSupport

/// A batch of media chunks that a worker stores in one transaction, claimed in the shard ledger
/// exactly as a message shard is: a killed worker's batch is sent again, a rerun skips it.
/// Chunks are keyed by their own SHA-256, so storing one twice adds nothing.
package struct MediaShard: Sendable {
    /// Up to ``MediaChunker/chunkBytes`` bytes of one media file, with their SHA-256.
    package struct Chunk: Sendable {
        package var sha256: [UInt8]
        package var data: [UInt8]

        package init(sha256: [UInt8], data: [UInt8]) {
            self.sha256 = sha256
            self.data = data
        }
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

    /// Decodes a media shard frame; any frame that is not exactly what ``encoded()`` makes is a
    /// ``LoadError`` `.workerProtocol` naming the byte where it goes wrong.
    package static func decode(_ bytes: [UInt8]) throws -> MediaShard {
        var reader = FrameFieldReader(bytes, frame: "media shard frame")
        let ordinal = try reader.int(UInt64.self, "a media shard ordinal")
        let count = Int(try reader.integer(UInt32.self))
        var chunks: [Chunk] = []
        // Each chunk takes at least its digest and length: the count cannot reserve more.
        chunks.reserveCapacity(min(count, reader.remaining / (SHA256.byteCount + 4)))
        for _ in 0..<count {
            let digest = try reader.bytes(SHA256.byteCount)
            chunks.append(Chunk(sha256: digest, data: try reader.block()))
        }
        try reader.end(after: "the last chunk")
        return MediaShard(ordinal: ordinal, chunks: chunks)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }
}
