/// Takes the bytes of the tar's media entries as the archive streams past, one chunk at a time
/// (a 4 GB video is never held whole), computing each file's SHA-256 and each chunk's, and
/// hands them on: chunks batched into ``MediaShard``s for the workers, or a file in a
/// ``MediaFolder``, or nowhere (counted as skipped). It keeps, per entry, what the database
/// needs to record once every chunk is committed: the file's digest and its chunks' digests.
///
/// Memory: one shard being filled (about `shardBytes`), one chunk, and 32 bytes per chunk of
/// every entry seen (a 4 GB video: 128 KB).
package final class MediaCollector {
    /// An entry whose bytes were read to the end.
    package struct StoredEntry {
        package var name: String
        package var docID: String
        package var size: Int64
        package var sha256: [UInt8]
        /// The chunks' digests, concatenated (database destination).
        package var chunkHashes: [UInt8]
        /// Where the folder destination put it, relative to the folder.
        package var path: String?
    }

    /// Bytes per stored chunk: large enough that per-row costs vanish, small enough that a
    /// worker's transaction holds a few of them.
    package static let chunkBytes = 1 << 20
    /// A media shard holds `--shard-size` bytes, but at least one chunk and at most this much:
    /// a large `--shard-size` must not multiply the media held in flight.
    static let maximumShardBytes = 8 << 20

    let destination: MediaDestination
    private let folder: MediaFolder?
    private let shardBytes: Int
    private let dispatch: (MediaShard) throws -> Void
    private var nextOrdinal: Int
    private var pending: MediaShard
    /// Chunks already handed to a worker in this run: the same bytes are sent once.
    private var sentChunks = Set<[UInt8]>()
    package private(set) var entries: [StoredEntry] = []
    package private(set) var shardsSent = 0
    package private(set) var filesFound = 0
    package private(set) var bytesFound: Int64 = 0
    package private(set) var filesSkipped = 0
    package private(set) var bytesSkipped: Int64 = 0

    /// - Parameters:
    ///   - firstOrdinal: the ordinal of the first media shard (after the message shards).
    ///   - dispatch: hands a shard to a worker, waiting while every worker is busy.
    package init(destination: MediaDestination, shardBytes: Int, firstOrdinal: Int,
         dispatch: @escaping (MediaShard) throws -> Void) throws {
        self.destination = destination
        if case let .folder(root) = destination { folder = try MediaFolder(root: root) } else { folder = nil }
        self.shardBytes = min(max(Self.chunkBytes, shardBytes), Self.maximumShardBytes)
        self.dispatch = dispatch
        nextOrdinal = firstOrdinal
        pending = MediaShard(ordinal: firstOrdinal)
    }

    /// An entry of the `media/` folder that holds a file's bytes (not its `.json` metadata).
    package static func holdsBytes(_ name: String) -> Bool {
        guard name.hasPrefix("media/"), !name.hasSuffix(".json") else { return false }
        let file = name.dropFirst("media/".count)
        return !file.isEmpty && !file.contains("/")
    }

    /// The tar reader's hook: this collector reads every media file's bytes as they pass.
    package var streaming: TarEntrySource.Streaming {
        TarEntrySource.Streaming(wants: Self.holdsBytes) { [unowned self] entry, body in
            try self.read(entry, body)
        }
    }

    /// Counts an entry whose bytes are not kept (`--no-media`).
    package func skip(_ entry: TarEntrySource.Entry) {
        filesFound += 1
        bytesFound += entry.size
        filesSkipped += 1
        bytesSkipped += entry.size
    }

    package func read(_ entry: TarEntrySource.Entry, _ body: any ByteSource) throws {
        if destination == .skip { return skip(entry) }
        filesFound += 1
        bytesFound += entry.size
        let fileHash = SHA256()
        var stored = StoredEntry(name: entry.name, docID: MediaCatalog.docID(ofEntry: entry.name),
                                 size: 0, sha256: [], chunkHashes: [])
        let incoming = try folder?.begin()
        do {
            while true {
                let chunk = try Self.readChunk(body)
                if chunk.isEmpty { break }
                stored.size += Int64(chunk.count)
                fileHash.update(chunk)
                if let folder, let incoming {
                    try chunk.withUnsafeBytes { try folder.write($0, to: incoming) }
                } else {
                    let digest = SHA256.digest(chunk)
                    stored.chunkHashes += digest
                    try add(MediaShard.Chunk(sha256: digest, data: chunk))
                }
            }
        } catch {
            if let folder, let incoming { folder.abandon(incoming) }
            throw error
        }
        stored.sha256 = fileHash.finish()
        if let folder, let incoming {
            stored.path = try folder.finish(incoming, digest: stored.sha256)
        }
        entries.append(stored)
    }

    /// Sends the shard being filled, if it holds anything.
    package func flush() throws {
        guard !pending.chunks.isEmpty else { return }
        let shard = pending
        nextOrdinal += 1
        pending = MediaShard(ordinal: nextOrdinal)
        shardsSent += 1
        try dispatch(shard)
    }

    private func add(_ chunk: MediaShard.Chunk) throws {
        guard sentChunks.insert(chunk.sha256).inserted else { return }
        pending.chunks.append(chunk)
        if pending.byteCount >= shardBytes { try flush() }
    }

    /// Up to ``chunkBytes`` bytes (fewer only at the end of the entry); empty at the end.
    private static func readChunk(_ body: any ByteSource) throws -> [UInt8] {
        var failure: (any Error)?
        let chunk = [UInt8](unsafeUninitializedCapacity: chunkBytes) { buffer, count in
            do {
                count = try body.readFully(into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return chunk
    }
}
