import SkypeSupport

/// The coordinator's decisions, apart from its I/O: which worker gets which shard (and when
/// the splitter must wait), what a dying worker's shards become (sent again, alone when
/// suspect, or quarantined), whether a worker is replaced (the restart budget), and how the
/// load stops (a failure, a first and a second stop request, the end of the input).
///
/// It takes events (``Event``) and returns actions (``Action``) for the coordinator to carry
/// out; it never touches a process, a pipe, a clock or the database, so every path is tested
/// with plain values (SupervisorTests). The model is postgres-nio's connection state machine.
package struct Supervisor {
    /// The numbers that bound a load's supervision.
    struct Limits: Equatable {
        var workers: Int
        /// Shards a worker may hold at once (backpressure on the splitter).
        var shardsInFlightPerWorker: Int
        /// A shard whose worker died this many times while it was alone in it is quarantined.
        var attemptsBeforeQuarantine: Int
        /// Dead workers are replaced at most this many times in a load.
        var restartBudget: Int
    }

    /// Where the load is. Shards are handed out only in `.loading` and `.draining`.
    enum Phase: Equatable {
        /// The splitter is producing shards.
        case loading
        /// The input ended: lost shards are sent again until every shard is reported.
        case draining
        /// Every shard pipe is being closed (done, failed or stopped); waiting for the workers to exit.
        case shuttingDown
        /// Every worker exited: the deferred index builds and finalisation may run.
        case afterWorkers
        case buildingIndexes
        case finalizing
    }

    /// A stop the user asked for.
    enum Stop: Equatable {
        /// The first request: no new shard is sent, the shards the workers hold finish.
        case graceful(signal: Int32)
        /// A second request: the workers are killed; their open transactions roll back.
        case immediate(signal: Int32)

        var signal: Int32 {
            switch self {
            case let .graceful(signal), let .immediate(signal): signal
            }
        }
    }

    // Changed only by the supervisor's own files (Swift has no "private to a type's extensions").
    let limits: Limits
    var phase = Phase.loading
    var slots: [WorkerSlot]
    /// Shards whose worker died, to be sent again before any new shard.
    var resends: [InFlightShard] = []
    /// A new shard from the splitter that no worker could take yet: the splitter waits.
    var waiting: InFlightShard?
    var failure: LoadError?
    var stop: Stop?
    var restarts = 0

    init(limits: Limits) {
        self.limits = limits
        slots = Array(repeating: WorkerSlot(), count: limits.workers)
    }

    /// Starts every worker.
    mutating func start() -> [Action] {
        slots.indices.map { slot in
            slots[slot].state = .starting
            return .startWorker(slot: slot)
        }
    }

    /// True while the splitter must wait (the shard it offered is not placed) and may go on
    /// once events free a worker; false also when the load is stopping (see ``failure``, ``stop``).
    var isHoldingShard: Bool { waiting != nil && acceptsShards }

    /// True once the workers are all gone after the shutdown.
    var workersGone: Bool {
        phase != .loading && phase != .draining && slots.allSatisfy { $0.state == .exited }
    }

    /// Shards sent and not yet reported, over all workers.
    var shardsInFlight: Int { slots.reduce(0) { $0 + $1.inFlight.count } }

    /// Deferred indexes are built only after a load that neither failed nor was stopped.
    var shouldBuildIndexes: Bool { failure == nil && stop == nil }

    /// The conversation counts are refreshed even after a failure (what committed is complete
    /// and should be consistent), but not after a stop: the user wants the load to end, and
    /// the next load refreshes them.
    var shouldFinalize: Bool { stop == nil }

    var acceptsShards: Bool {
        (phase == .loading || phase == .draining) && failure == nil && stop == nil
    }
}
