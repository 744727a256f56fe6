import SkypeExport
import SkypeSupport

/// One of the coordinator's worker positions, as the ``Supervisor`` sees it. The process in
/// it may be replaced when it dies; the slot keeps its number, its line in the report and the
/// shards it was given.
struct WorkerSlot {
    /// Where the slot's current process is in its life.
    enum State: Equatable {
        /// Spawned; may already be sent shards (the pipe holds them until it reads).
        case starting
        /// Said it is ready and speaks our protocol.
        case running
        /// Its shard pipe was closed: it finishes what it holds and exits.
        case closing
        /// It said it is done (everything it held is reported).
        case finished
        /// Its event pipe ended and it was reaped (or it never started).
        case exited
    }

    var state = State.exited
    /// Shards sent and not yet reported back, by ordinal.
    var inFlight: [Int: InFlightShard] = [:]
    /// Shards a connection has started on, by ordinal, with their labels.
    var loading: [Int: String] = [:]

    /// Whether shards may be sent to it.
    var takesShards: Bool { state == .starting || state == .running }

    /// Whether it holds a shard whose worker died (which must stay alone).
    var holdsSuspect: Bool { inFlight.values.contains { $0.deaths > 0 } }
}

/// A shard the coordinator handed out and keeps until it is reported, so that it can be sent
/// again if its worker dies. Bounded by the in-flight limit.
package struct InFlightShard: Equatable {
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

    init(ordinal: Int, label: String, payload: [UInt8] = [], conversations: [String] = []) {
        self.ordinal = ordinal
        self.label = label
        self.payload = payload
        self.conversations = conversations
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
/// pipe (event nil, with an error when the pipe broke rather than ended), from `slot`.
struct WorkerMessage {
    var slot: Int
    var pid: Int32
    var event: WorkerEvent?
    var error: LoadError?
}
