extension Supervisor {
    /// The splitter's next shard. It is sent at once if a worker may take it; otherwise it
    /// waits in the supervisor (``isHoldingShard``) and the splitter with it, so the coordinator
    /// never runs ahead of the slowest consumers. Shards whose worker died go first.
    mutating func offer(_ shard: InFlightShard) -> [Action] {
        guard acceptsShards, phase == .loading else { return [] }
        waiting = shard
        return place()
    }

    /// Sends what can be sent: lost shards first, so that a rerun is never needed for what this
    /// run can still do, then the waiting new shard.
    mutating func place() -> [Action] {
        guard acceptsShards else { return [] }
        var actions: [Action] = []
        while let lost = resends.first {
            guard let slot = freeSlot(for: lost) else { return actions }
            resends.removeFirst()
            actions.append(send(lost, to: slot))
        }
        if let shard = waiting, let slot = freeSlot(for: shard) {
            waiting = nil
            actions.append(send(shard, to: slot))
        }
        return actions
    }

    private mutating func send(_ shard: InFlightShard, to slot: Int) -> Action {
        slots[slot].inFlight[shard.ordinal] = shard
        return .send(shard, slot: slot)
    }

    /// The least busy worker that may take `shard`: a suspect (a shard whose worker died) goes
    /// only to an idle worker, and nothing joins a worker that holds a suspect.
    func freeSlot(for shard: InFlightShard) -> Int? {
        slots.indices
            .filter { index in
                let slot = slots[index]
                guard slot.takesShards else { return false }
                if shard.deaths > 0 { return slot.inFlight.isEmpty }
                return slot.inFlight.count < limits.shardsInFlightPerWorker && !slot.holdsSuspect
            }
            .min { slots[$0].inFlight.count < slots[$1].inFlight.count }
    }

    /// After the input ended and every shard is reported (or after a failure or stop, whose
    /// unsent shards are left to a rerun), the shard pipes are closed.
    mutating func shutDownIfDone() -> [Action] {
        guard phase == .draining, resends.isEmpty, waiting == nil, shardsInFlight == 0 else { return [] }
        return shutDown()
    }
}
