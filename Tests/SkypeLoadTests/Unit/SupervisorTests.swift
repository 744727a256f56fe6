@testable import SkypeRuntime
@testable import SkypeSupport
import Testing

/// The coordinator's decisions, event by event, without processes or a database.
@Suite struct SupervisorTests {
    typealias Action = Supervisor.Action

    static func supervisor(workers: Int = 2, inFlight: Int = 2, quarantineAfter: Int = 3, budget: Int = 4) -> Supervisor {
        var supervisor = Supervisor(limits: .init(workers: workers, shardsInFlightPerWorker: inFlight,
                                                  attemptsBeforeQuarantine: quarantineAfter, restartBudget: budget))
        #expect(supervisor.start() == (0..<workers).map { .startWorker(slot: $0) })
        for slot in 0..<workers { _ = supervisor.handle(.ready(slot: slot, protocolVersion: WorkerProtocol.version)) }
        return supervisor
    }

    static func shard(_ ordinal: Int) -> InFlightShard { InFlightShard(ordinal: ordinal, label: "s\(ordinal)") }

    static func sent(_ actions: [Action]) -> [(ordinal: Int, slot: Int)] {
        actions.compactMap { if case let .send(shard, slot) = $0 { (shard.ordinal, slot) } else { nil } }
    }

    @Test func shardsGoToTheLeastBusyWorkerAndTheSplitterWaitsWhenAllAreFull() {
        var supervisor = Self.supervisor()
        var slots: [Int] = []
        for ordinal in 0..<4 {
            let actions = supervisor.offer(Self.shard(ordinal))
            slots += Self.sent(actions).map(\.slot)
            #expect(!supervisor.isHoldingShard)
        }
        #expect(slots == [0, 1, 0, 1])
        #expect(supervisor.offer(Self.shard(4)).isEmpty)
        #expect(supervisor.isHoldingShard)
        // A report frees a place: the waiting shard goes there.
        let actions = supervisor.handle(.shardLoaded(slot: 1, ordinal: 1))
        #expect(Self.sent(actions).map(\.slot) == [1])
        #expect(!supervisor.isHoldingShard)
    }

    @Test func aDeadWorkersShardsAreSentAgainFirstAndASuspectAlone() {
        var supervisor = Self.supervisor()
        for ordinal in 0..<4 { _ = supervisor.offer(Self.shard(ordinal)) }
        let death = supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: nil))
        #expect(death.contains(.startWorker(slot: 0)))
        #expect(supervisor.restarts == 1)
        // Suspects go only to an idle worker: worker 1 holds two shards, the new worker 0 none.
        #expect(Self.sent(death).map(\.slot) == [0])
        #expect(supervisor.resends.map(\.ordinal) == [2])
        // Nothing joins a worker that holds a suspect, and new shards wait behind lost ones.
        #expect(supervisor.offer(Self.shard(4)).isEmpty)
        #expect(supervisor.isHoldingShard)
        _ = supervisor.handle(.shardLoaded(slot: 1, ordinal: 1))
        let freed = supervisor.handle(.shardLoaded(slot: 1, ordinal: 3))
        // The suspect first, alone; the new shard still waits.
        #expect(Self.sent(freed).map(\.ordinal) == [2])
        #expect(supervisor.isHoldingShard)
    }

    @Test func aLostAcknowledgementIsASendAgainThatReportsLoaded() {
        var supervisor = Self.supervisor(workers: 1)
        _ = supervisor.offer(Self.shard(0))
        _ = supervisor.handle(.inputEnded)
        #expect(supervisor.phase == .draining)
        // The worker committed shard 0 and died before saying so.
        let death = supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: nil))
        #expect(death.first == .startWorker(slot: 0))
        #expect(Self.sent(death).map(\.ordinal) == [0])
        // The new worker finds it in the ledger and reports it loaded: the load can end.
        let done = supervisor.handle(.shardLoaded(slot: 0, ordinal: 0))
        #expect(done == [.closeShards(slot: 0)])
        _ = supervisor.handle(.workerFinished(slot: 0))
        _ = supervisor.handle(.workerExited(slot: 0, how: "exited with code 0", error: nil))
        #expect(supervisor.workersGone)
        #expect(supervisor.failure == nil && supervisor.stop == nil)
        #expect(supervisor.shouldBuildIndexes && supervisor.shouldFinalize)
    }

    @Test func aShardThatKillsEveryWorkerAloneIsQuarantined() {
        var supervisor = Self.supervisor(workers: 1, quarantineAfter: 3, budget: 10)
        _ = supervisor.offer(Self.shard(7))
        var quarantined: [Action] = []
        for _ in 0..<3 {
            let actions = supervisor.handle(.workerExited(slot: 0, how: "exited with code 70", error: nil))
            quarantined += actions.filter { if case .quarantine = $0 { true } else { false } }
            _ = supervisor.handle(.ready(slot: 0, protocolVersion: WorkerProtocol.version))
        }
        #expect(quarantined.count == 1)
        #expect(supervisor.shardsInFlight == 0 && supervisor.resends.isEmpty)
        #expect(supervisor.failure == nil)
    }

    @Test func theRestartBudgetEndsTheLoad() {
        var supervisor = Self.supervisor(workers: 1, budget: 1)
        _ = supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: nil))
        let second = supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: nil))
        #expect(!second.contains(.startWorker(slot: 0)))
        #expect(supervisor.failure?.code == .workerFailed)
        #expect(supervisor.phase == .shuttingDown)
        #expect(supervisor.workersGone)
    }

    @Test func aFirstStopFinishesHeldShardsASecondKills() {
        var supervisor = Self.supervisor()
        for ordinal in 0..<5 { _ = supervisor.offer(Self.shard(ordinal)) }
        #expect(supervisor.isHoldingShard)
        let first = supervisor.handle(.stopRequested(signal: 2))
        #expect(first == [.closeShards(slot: 0), .closeShards(slot: 1)])
        #expect(!supervisor.isHoldingShard)
        #expect(supervisor.offer(Self.shard(9)).isEmpty)
        // A shard reported after the stop sends nothing new.
        #expect(supervisor.handle(.shardLoaded(slot: 0, ordinal: 0)).isEmpty)
        let second = supervisor.handle(.stopRequested(signal: 2))
        #expect(second == [.kill(slot: 0), .kill(slot: 1)])
        #expect(supervisor.stop == .immediate(signal: 2))
        // The killed workers are not replaced and what they held is left to the rerun.
        #expect(supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: nil)).isEmpty)
        #expect(supervisor.handle(.workerExited(slot: 1, how: "killed by signal 9", error: nil)).isEmpty)
        #expect(supervisor.workersGone)
        #expect(!supervisor.shouldBuildIndexes && !supervisor.shouldFinalize)
    }

    @Test(arguments: [Supervisor.Phase.loading, .draining, .afterWorkers, .buildingIndexes, .finalizing])
    func aStopInAnyPhaseEndsTheLoad(_ phase: Supervisor.Phase) {
        var supervisor = Self.supervisor(workers: 1)
        if phase == .draining {
            _ = supervisor.offer(Self.shard(0))
            _ = supervisor.handle(.inputEnded)
            #expect(supervisor.phase == .draining)
        }
        if phase != .loading && phase != .draining {
            _ = supervisor.shutDown()
            _ = supervisor.handle(.workerFinished(slot: 0))
            _ = supervisor.handle(.workerExited(slot: 0, how: "exited with code 0", error: nil))
            _ = supervisor.handle(.entered(phase))
        }
        let actions = supervisor.handle(.stopRequested(signal: 15))
        #expect(supervisor.stop == .graceful(signal: 15))
        #expect(!supervisor.acceptsShards && !supervisor.shouldBuildIndexes && !supervisor.shouldFinalize)
        if phase == .loading || phase == .draining {
            #expect(actions == [.closeShards(slot: 0)])
        } else {
            #expect(actions.isEmpty)
        }
    }

    @Test func aWorkerOfAnotherProtocolFailsTheLoad() {
        var supervisor = Supervisor(limits: .init(workers: 1, shardsInFlightPerWorker: 2,
                                                  attemptsBeforeQuarantine: 3, restartBudget: 4))
        _ = supervisor.start()
        let actions = supervisor.handle(.ready(slot: 0, protocolVersion: WorkerProtocol.version + 1))
        #expect(actions == [.closeShards(slot: 0)])
        #expect(supervisor.failure?.code == .workerProtocol)
        // It exits; it is not replaced.
        #expect(supervisor.handle(.workerExited(slot: 0, how: "exited with code 1", error: nil)).isEmpty)
        #expect(supervisor.workersGone)
    }

    @Test func aBrokenPipeFailsTheLoadWithoutRestart() {
        var supervisor = Self.supervisor(workers: 1)
        _ = supervisor.offer(Self.shard(0))
        let error = LoadError(.workerProtocol, "a frame claims 4294967295 bytes")
        let actions = supervisor.handle(.workerExited(slot: 0, how: "killed by signal 9", error: error))
        #expect(!actions.contains(.startWorker(slot: 0)))
        #expect(supervisor.failure?.code == .workerProtocol)
        #expect(supervisor.resends.isEmpty)
    }

    @Test func aShardFailureStopsDispatchButStillFinalizes() {
        var supervisor = Self.supervisor()
        _ = supervisor.offer(Self.shard(0))
        _ = supervisor.offer(Self.shard(1))
        let actions = supervisor.handle(.shardFailed(slot: 0, ordinal: 0, LoadError(.database, "permission denied")))
        #expect(actions == [.closeShards(slot: 0), .closeShards(slot: 1)])
        #expect(supervisor.offer(Self.shard(2)).isEmpty)
        #expect(!supervisor.shouldBuildIndexes)
        #expect(supervisor.shouldFinalize)
    }

    @Test func aWorkerThatCannotStartFailsTheLoad() {
        var supervisor = Supervisor(limits: .init(workers: 2, shardsInFlightPerWorker: 2,
                                                  attemptsBeforeQuarantine: 3, restartBudget: 4))
        _ = supervisor.start()
        let actions = supervisor.handle(.workerStartFailed(slot: 1, LoadError(.workerFailed, "cannot start")))
        #expect(actions == [.closeShards(slot: 0)])
        _ = supervisor.handle(.workerExited(slot: 0, how: "exited with code 0", error: nil))
        #expect(supervisor.workersGone)
    }
}
