/// One of the coordinator's worker positions. The process in it may be replaced when it dies;
/// the slot keeps its number, its line in the report and the shards it was given.
struct WorkerSlot {
    var process: WorkerProcess?
    /// Shards sent and not yet reported back, by ordinal.
    var inFlight: [Int: InFlightShard] = [:]
    /// Shards a connection has started on, by ordinal, with their labels.
    var loading: [Int: String] = [:]
    var messages = 0
    /// The process said it is done (its shard pipe ended and everything it held is reported).
    var finished = false
    /// The process's event pipe ended and it was reaped.
    var ended = true
}

/// A shard the coordinator handed out and keeps until it is reported, so that it can be sent
/// again if its worker dies. Bounded by the in-flight limit.
struct InFlightShard {
    var ordinal: Int
    var label: String
    /// The frame kind: messages or media chunks.
    var kind = WorkerProtocol.ToWorker.shard
    var payload: [UInt8]
    /// Workers that died holding it.
    var deaths = 0
    var conversations: [String]

    init(_ shard: Shard) {
        ordinal = shard.ordinal
        label = shard.label
        payload = ShardCodec.encode(shard)
        conversations = shard.parts.map(\.conversationID)
    }

    init(_ shard: MediaShard) {
        ordinal = shard.ordinal
        label = shard.label
        kind = .mediaShard
        payload = shard.encoded()
        conversations = []
    }

    /// The bytes of `messages.json` the shard covers, for the reject file; read from the
    /// payload only for the rare quarantined shard, not for every shard sent.
    func byteRange() -> (first: Int64, end: Int64) {
        guard kind == .shard, let shard = try? ShardCodec.decode(payload) else { return (0, 0) }
        var first = Int64.max
        var end: Int64 = 0
        for part in shard.parts {
            part.forEachMessage { offset, _, bytes in
                first = min(first, offset)
                end = max(end, offset + Int64(bytes.count))
            }
        }
        return first == Int64.max ? (0, 0) : (first, end)
    }
}

/// What a worker's event reader thread hands the coordinator: an event, or the end of the
/// pipe (event nil), from the process `pid` in `slot`.
struct WorkerMessage {
    var slot: Int
    var pid: Int32
    var event: WorkerEvent?
    var error: LoadError?
}
