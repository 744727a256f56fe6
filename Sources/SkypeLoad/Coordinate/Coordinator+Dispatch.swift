import Foundation

extension Coordinator {
    /// Hands a shard to the least busy worker, waiting (and merging events) while every worker
    /// holds its maximum: the coordinator never runs ahead of the slowest consumers. Shards
    /// whose worker died go first.
    func dispatch(_ shard: Shard) throws {
        let started = MonotonicClock.now()
        defer { dispatchNanoseconds += MonotonicClock.now() - started }
        var shard = shard
        shard.ordinal += ordinalBases.last ?? 0
        try send(InFlightShard(shard))
        shardsDispatched += 1
    }

    /// After the last shard: sends again whatever dying workers lost, until every shard is
    /// reported. Skipped after a failure or an interruption (what is lost is then left to a rerun).
    func drainRetries() throws {
        while firstFailure == nil && interruptedBy == nil {
            if let shard = retryQueue.first {
                retryQueue.removeFirst()
                try send(shard)
                continue
            }
            guard slots.contains(where: { !$0.inFlight.isEmpty }) else { return }
            if let message = events.pop(before: Date().addingTimeInterval(0.25)) { handle(message) }
            tickProgress()
        }
        if let failure = firstFailure { throw failure }
    }

    private func send(_ shard: InFlightShard) throws {
        let limit = configuration.shardsInFlightPerWorker
        while true {
            while let message = events.pop(before: Date.distantPast) { handle(message) }
            if let failure = firstFailure { throw failure }
            try checkStop()
            // Lost shards first, so that a rerun is never needed for what this run can still do.
            if let lost = retryQueue.first {
                if let slot = freeSlot(for: lost, limit: limit) {
                    retryQueue.removeFirst()
                    try write(lost, to: slot)
                    continue
                }
            } else if let slot = freeSlot(for: shard, limit: limit) {
                try write(shard, to: slot)
                tickProgress()
                return
            }
            if let message = events.pop(before: Date().addingTimeInterval(0.25)) { handle(message) }
            tickProgress()
        }
    }

    /// The least busy worker that may take `shard`: a suspect (a shard whose worker died) goes
    /// only to an idle worker, and nothing joins a worker that holds a suspect.
    private func freeSlot(for shard: InFlightShard, limit: Int) -> Int? {
        slots.indices
            .filter { index in
                let slot = slots[index]
                guard !slot.ended, slot.process != nil else { return false }
                if shard.deaths > 0 { return slot.inFlight.isEmpty }
                return slot.inFlight.count < limit && !slot.inFlight.values.contains { $0.deaths > 0 }
            }
            .min { slots[$0].inFlight.count < slots[$1].inFlight.count }
    }

    private func write(_ shard: InFlightShard, to slot: Int) throws {
        guard let process = slots[slot].process else { return }
        slots[slot].inFlight[shard.ordinal] = shard
        do {
            try process.shards.write(kind: WorkerProtocol.ToWorker.shard.rawValue, payload: shard.payload)
        } catch {
            // The worker is dying; its end-of-pipe event will put this shard back in the queue.
            logger.debug("worker \(slot) did not take shard \(shard.label): \(error)")
        }
    }

    private func checkStop() throws {
        guard let signal = stopSignal.withLock({ $0 }) else { return }
        interruptedBy = signal
        throw LoadError(.interrupted, "interrupted by signal \(signal) after \(shardsDispatched) shards",
                        location: .init(file: currentExport),
                        hint: "Committed shards are kept; run the same command again to resume")
    }
}
