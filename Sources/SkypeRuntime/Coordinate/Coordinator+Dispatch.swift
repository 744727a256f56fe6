import Foundation
import SkypeExport
import SkypeSupport

extension Coordinator {
    /// Hands a shard to the supervisor, which sends it to the least busy worker; waits (and
    /// merges events) while every worker holds its maximum.
    func dispatch(_ shard: Shard) throws {
        // Ordinals run on across exports, so that a shard's ordinal also names its export (the
        // splitter counts from its own export's start; media shards are numbered absolutely).
        var shard = shard
        shard.ordinal += ordinalBases.last ?? 0
        try dispatch(InFlightShard(shard))
    }

    /// Hands over a shard of either kind (messages, media chunks) the same way.
    func dispatch(_ shard: InFlightShard) throws {
        let started = MonotonicClock.now()
        defer { dispatchNanoseconds += MonotonicClock.now() - started }
        feedStopRequests()
        apply(supervisor.offer(shard))
        tickProgress()
        while supervisor.isHoldingShard { pump() }
        try checkOutcome(during: "after \(shardsDispatched) shards")
        shardsDispatched += 1
        if shardsDispatched == 1 { pause.at(.splitting) }
    }

    /// After the last shard: sends again whatever dying workers lost, until every shard is
    /// reported. After a failure or a stop, what is lost is left to a rerun.
    func drain() throws {
        apply(supervisor.handle(.inputEnded))
        if supervisor.phase == .draining { pause.at(.draining) }
        while supervisor.phase == .draining { pump() }
        try checkOutcome(during: "after \(shardsDispatched) shards")
    }

    /// Throws the load's failure, or its interruption, if there is one.
    func checkOutcome(during what: String) throws {
        feedStopRequests()
        if let failure = supervisor.failure { throw failure }
        if let signal = supervisor.stop?.signal { throw interrupted(by: signal, during: what) }
    }

    func interrupted(by signal: Int32, during what: String) -> LoadError {
        feedStopRequests()
        return LoadError(.interrupted, "interrupted by signal \(signal) \(what)",
                         location: .init(file: currentExport),
                         hint: "Committed shards are kept; run the same command again to resume")
    }
}
