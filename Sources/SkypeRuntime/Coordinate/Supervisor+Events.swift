import SkypeSupport

extension Supervisor {
    /// What happened, as the coordinator's I/O saw it.
    enum Event {
        /// A worker process could not be started in `slot`.
        case workerStartFailed(slot: Int, LoadError)
        /// The worker said hello and which protocol it speaks.
        case ready(slot: Int, protocolVersion: Int)
        case shardStarted(slot: Int, ordinal: Int, label: String)
        /// A shard committed (or was found committed, by this run or an earlier one).
        case shardLoaded(slot: Int, ordinal: Int)
        /// A shard failed permanently; its transaction rolled back.
        case shardFailed(slot: Int, ordinal: Int, LoadError)
        /// The worker reported everything it held and exits next.
        case workerFinished(slot: Int)
        /// The worker's event pipe ended (or broke: `error`) and the process was reaped.
        case workerExited(slot: Int, how: String, error: LoadError?)
        /// Ctrl-C or SIGTERM (the first, or a later one).
        case stopRequested(signal: Int32)
        /// A failure outside the workers (the database, the input, the reject file).
        case failed(LoadError)
        /// The splitter has no more shards.
        case inputEnded
        /// The coordinator moves on to a phase after the workers.
        case entered(Phase)
    }

    /// What the coordinator must do, in order.
    enum Action: Equatable {
        case startWorker(slot: Int)
        case send(InFlightShard, slot: Int)
        /// Write the shard to the reject file: it killed every worker that loaded it alone.
        case quarantine(InFlightShard, reason: String)
        /// End the worker's shard pipe: it finishes what it holds and exits.
        case closeShards(slot: Int)
        case kill(slot: Int)
    }

    /// Takes one event; returns what to do about it.
    mutating func handle(_ event: Event) -> [Action] {
        var actions: [Action] = []
        switch event {
        case let .workerStartFailed(slot, error):
            slots[slot].state = .exited
            actions += fail(error)
        case let .ready(slot, version):
            if version != WorkerProtocol.version {
                actions += fail(LoadError(.workerProtocol,
                                          "worker \(slot) speaks protocol \(version), the coordinator \(WorkerProtocol.version)",
                                          hint: "Run the coordinator and workers from the same build"))
            } else if slots[slot].state == .starting {
                slots[slot].state = .running
            }
        case let .shardStarted(slot, ordinal, label):
            slots[slot].loading[ordinal] = label
        case let .shardLoaded(slot, ordinal):
            slots[slot].inFlight[ordinal] = nil
            slots[slot].loading[ordinal] = nil
        case let .shardFailed(slot, ordinal, error):
            slots[slot].inFlight[ordinal] = nil
            slots[slot].loading[ordinal] = nil
            actions += fail(error)
        case let .workerFinished(slot):
            slots[slot].state = .finished
        case let .workerExited(slot, how, error):
            actions += workerExited(slot, how: how, error: error)
        case let .stopRequested(signal):
            actions += stopRequested(signal: signal)
        case let .failed(error):
            actions += fail(error)
        case .inputEnded:
            if phase == .loading { phase = .draining }
        case let .entered(next):
            phase = next
        }
        return actions + place() + shutDownIfDone()
    }

    /// Ends the load's supervision now (after an error the coordinator could not hand over as
    /// an event): every worker's shard pipe is closed.
    mutating func shutDown() -> [Action] {
        guard phase == .loading || phase == .draining else { return [] }
        phase = .shuttingDown
        return slots.indices.compactMap { slot in
            guard slots[slot].takesShards else { return nil }
            slots[slot].state = .closing
            return .closeShards(slot: slot)
        }
    }

    private mutating func fail(_ error: LoadError) -> [Action] {
        if failure == nil { failure = error }
        resends = []
        waiting = nil
        return shutDown()
    }

    private mutating func stopRequested(signal: Int32) -> [Action] {
        guard stop != nil else {
            stop = .graceful(signal: signal)
            // What was not sent is left to the rerun: the ledger says what committed.
            resends = []
            waiting = nil
            return shutDown()
        }
        stop = .immediate(signal: stop?.signal ?? signal)
        return slots.indices.compactMap { slot in
            slots[slot].state == .exited ? nil : .kill(slot: slot)
        }
    }

    /// A worker is gone. If it had not finished, it died: the shards it held go back in the
    /// queue (or to quarantine once they have killed enough workers alone) and, while the
    /// load goes on and the budget allows, a new worker takes its place.
    private mutating func workerExited(_ slot: Int, how: String, error: LoadError?) -> [Action] {
        let finished = slots[slot].state == .finished
        slots[slot].state = .exited
        slots[slot].loading = [:]
        var actions: [Action] = []
        if let error { actions += fail(error) }
        guard !finished else { return actions }
        let lost = slots[slot].inFlight.values.sorted { $0.ordinal < $1.ordinal }
        slots[slot].inFlight = [:]
        // A shard that was in flight when a worker died is a suspect: it is sent again alone, so
        // that only a death it alone can have caused counts towards its quarantine.
        let isolated = lost.count == 1
        for var shard in lost {
            shard.deaths += 1
            if isolated && shard.deaths >= limits.attemptsBeforeQuarantine {
                actions.append(.quarantine(shard, reason: "worker died \(shard.deaths) times loading it (last: \(how))"))
            } else if acceptsShards {
                resends.append(shard)
            }
        }
        guard acceptsShards else { return actions }
        guard restarts < limits.restartBudget else {
            return actions + fail(LoadError(.workerFailed, "worker \(slot) \(how), and workers have been restarted \(restarts) times already",
                                            hint: "Something kills every worker: check `dmesg` for the out-of-memory killer, and the worker's messages above"))
        }
        restarts += 1
        slots[slot].state = .starting
        return actions + [.startWorker(slot: slot)]
    }
}
