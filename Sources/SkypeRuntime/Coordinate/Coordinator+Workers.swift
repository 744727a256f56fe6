import Foundation
import SkypeExport
import SkypePostgres
import SkypeSupport
import Logging
import SkypeReport

extension Coordinator {
    /// Carries out the supervisor's decisions.
    func apply(_ actions: [Supervisor.Action]) {
        for action in actions {
            switch action {
            case let .startWorker(slot):
                do {
                    try startWorker(in: slot)
                } catch {
                    let failure = error as? LoadError ?? LoadError(.workerFailed, "cannot start worker \(slot): \(error)")
                    apply(supervisor.handle(.workerStartFailed(slot: slot, failure)))
                }
                report.workerRestarts = supervisor.restarts
            case let .send(shard, slot):
                guard let process = processes[slot] else { continue }
                do {
                    try process.shards.write(kind: shard.kind.rawValue, payload: shard.payload)
                } catch {
                    // The worker is dying; its end-of-pipe event puts this shard back in the queue.
                    logger.debug("worker \(slot) did not take shard \(shard.label): \(error)")
                }
            case let .quarantine(shard, reason):
                quarantine(shard, reason: reason)
            case let .closeShards(slot):
                processes[slot]?.closeShards()
            case let .kill(slot):
                processes[slot]?.kill()
            }
        }
    }

    /// Hands the supervisor what happened since the last call: stop requests, then the worker
    /// messages, waiting at most `seconds` for the first. Every wait of the coordinator's loops
    /// is this one, so none is without a bound and a stop is seen within `seconds`.
    /// - Returns: whether a worker message came.
    @discardableResult
    func pump(waiting seconds: Double = 0.25) -> Bool {
        feedStopRequests()
        var received = false
        if let first = events.pop(before: Date().addingTimeInterval(seconds)) {
            received = true
            handle(first)
            while let message = events.pop(before: Date.distantPast) { handle(message) }
        }
        feedStopRequests()
        tickProgress()
        return received
    }

    func feedStopRequests() {
        while stopRequestsSeen < stop.requestCount, let signal = stop.signal {
            stopRequestsSeen += 1
            apply(supervisor.handle(.stopRequested(signal: signal)))
        }
    }

    /// Starts a worker process in `slot`, sends it its settings, and starts the thread that
    /// turns its event pipe into ``WorkerMessage``s (ending with exactly one end message).
    func startWorker(in slot: Int) throws {
        let worker = try WorkerProcess(index: slot, executable: configuration.workerExecutable)
        processes[slot] = worker
        let settings = WorkerSettings(protocolVersion: WorkerProtocol.version, worker: slot,
                                      conninfo: ConnectionString(configuration.conninfo).addingPassword((try? database?.connected())?.passwordInUse),
                                      schema: configuration.schema,
                                      runID: runID, connections: configuration.connectionsPerWorker,
                                      retry: configuration.retry,
                                      crashOnConversation: configuration.crashWorkersOnConversation,
                                      crashAfterCommitOnConversation: configuration.crashWorkerAfterCommitOnConversation,
                                      mediaCrashMarker: configuration.mediaCrashMarker)
        do {
            try worker.shards.write(kind: WorkerProtocol.ToWorker.configure.rawValue, payload: WorkerProtocol.encode(settings))
        } catch {
            // It died at once; its end-of-pipe event says how.
            logger.debug("worker \(slot) did not take its settings: \(error)")
        }
        let events = self.events
        let reader = worker.events
        let pid = worker.pid
        Thread {
            var failure: LoadError?
            reading: while true {
                do {
                    guard let frame = try reader.read() else { break reading }
                    let event = try WorkerProtocol.decode(WorkerEvent.self, from: frame.payload)
                    events.push(WorkerMessage(slot: slot, pid: pid, event: event))
                } catch is FrameReader.Truncated {
                    // The worker died while sending: its end is handled as any death is.
                    break reading
                } catch {
                    failure = error as? LoadError ?? LoadError(.workerProtocol, String(describing: error))
                    break reading
                }
            }
            reader.close()
            events.push(WorkerMessage(slot: slot, pid: pid, error: failure))
        }.start()
        logger.debug("started worker \(slot) as pid \(worker.pid)")
    }

    /// Closes every shard pipe and waits until each worker has reported all it held and exited.
    /// Bounded: a worker that sends nothing for longer than a shard may be retried
    /// (`--retry-timeout`) plus a minute is killed.
    func stopWorkers() {
        apply(supervisor.shutDown())
        let grace = configuration.retry.timeout + 60
        var lastHeard = MonotonicClock.now()
        var windDownEnds: UInt64?
        var killed = false
        while !supervisor.workersGone {
            if pump() { lastHeard = MonotonicClock.now() }
            // Once the load has failed, nothing waits for the server to come back: a worker
            // still retrying its shards (a server down, or stopped by its full disk) would hold
            // the error back for --retry-timeout per shard it holds.
            if windDownEnds == nil && isWindingDown { windDownEnds = windDownDeadline() }
            let windDownOver = windDownEnds.map { MonotonicClock.now() >= $0 } ?? false
            if !killed && (windDownOver || MonotonicClock.seconds(since: lastHeard) > grace) {
                if windDownOver {
                    logger.notice("the load failed: stopping the workers still loading after \(configuration.windDownSeconds) s (their shards roll back; the rerun loads them)")
                } else {
                    logger.warning("workers sent nothing for \(Int(grace)) s after their input ended; stopping them")
                }
                killed = true
                for process in processes.compactMap({ $0 }) { process.kill() }
            }
        }
        apply(supervisor.handle(.entered(.afterWorkers)))
    }

    func handle(_ message: WorkerMessage) {
        let slot = message.slot
        switch message.event {
        case let .ready(_, version)?:
            apply(supervisor.handle(.ready(slot: slot, protocolVersion: version)))
        case let .shardStarted(ordinal, label)?:
            apply(supervisor.handle(.shardStarted(slot: slot, ordinal: ordinal, label: label)))
        case let .shardLoaded(metrics)?:
            messagesBySlot[slot] += metrics.messages
            report.add(metrics)
            if !report.exports.isEmpty { report.exports[exportIndex(ofShard: metrics.ordinal)].loaded.add(metrics) }
            if metrics.media == nil { collectPhases(metrics) }
            for var reject in metrics.rejectRecords {
                reject.export = exportPath(ofShard: metrics.ordinal)
                writeReject(reject)
            }
            apply(supervisor.handle(.shardLoaded(slot: slot, ordinal: metrics.ordinal)))
        case let .shardFailed(ordinal, label, message, sqlState)?:
            let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
            let nothing = "Nothing of this shard was committed"
            let hint = diskFullHint(PostgresConnection.Failure(sqlState: sqlState, message: message)).map { "\(nothing). \($0)" }
            let error = LoadError(.database, "worker \(slot) could not load the shard: \(message)\(state)",
                                  location: .init(file: exportPath(ofShard: ordinal), shard: label),
                                  hint: hint ?? "\(nothing); fix the cause and rerun to load the rest")
            apply(supervisor.handle(.shardFailed(slot: slot, ordinal: ordinal, error)))
        case .finished?:
            apply(supervisor.handle(.workerFinished(slot: slot)))
        case nil:
            guard let process = processes[slot], process.pid == message.pid else { return }
            // A pipe that broke (not ended) means a worker that misbehaves: it is not waited for.
            if message.error != nil { process.kill() }
            let how = process.reap()
            processes[slot] = nil
            let held = supervisor.slots[slot].inFlight.count
            if supervisor.slots[slot].state != .finished {
                let then = supervisor.acceptsShards ? "; they will be loaded again" : ""
                logger.warning("worker \(slot) (pid \(process.pid)) \(how) holding \(held) shards\(then)")
            }
            apply(supervisor.handle(.workerExited(slot: slot, how: how, error: message.error)))
        }
    }

    private func quarantine(_ shard: InFlightShard, reason: String) {
        report.quarantinedShards += 1
        report.rejects["shard_quarantined", default: 0] += 1
        logger.error("shard \(shard.label) quarantined: \(reason)")
        let range = shard.byteRange()
        writeReject(RejectRecord(export: exportPath(ofShard: shard.ordinal), offset: range.first,
                                 length: Int(range.end - range.first),
                                 conversation: shard.conversations.joined(separator: ","), messageIndex: nil,
                                 reason: "shard_quarantined: \(reason)", raw: nil))
    }

    func writeReject(_ record: RejectRecord) {
        do {
            try rejectLog.write(record)
        } catch {
            self.record(error)
        }
    }
}
