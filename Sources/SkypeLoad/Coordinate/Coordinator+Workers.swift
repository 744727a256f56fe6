import Foundation

extension Coordinator {
    var restartBudget: Int { configuration.maximumWorkerRestarts ?? (2 * configuration.workers + 8) }

    /// Starts a worker process in `slot`, sends it its settings, and starts the thread that
    /// turns its event pipe into ``WorkerMessage``s.
    func startWorker(in slot: Int) throws {
        let worker = try WorkerProcess(index: slot, executable: configuration.workerExecutable)
        processes.withLock { $0.append(worker) }
        slots[slot].process = worker
        slots[slot].finished = false
        slots[slot].ended = false
        let settings = WorkerSettings(protocolVersion: WorkerProtocol.version, worker: slot,
                                      conninfo: configuration.conninfo, schema: configuration.schema,
                                      runID: runID, connections: configuration.connectionsPerWorker,
                                      retry: configuration.retry,
                                      crashOnConversation: configuration.crashWorkersOnConversation,
                                      crashAfterCommitOnConversation: configuration.crashWorkerAfterCommitOnConversation)
        try worker.shards.write(kind: WorkerProtocol.ToWorker.configure.rawValue, payload: WorkerProtocol.encode(settings))
        let events = self.events
        let reader = worker.events
        let pid = worker.pid
        Thread {
            reading: while true {
                do {
                    guard let frame = try reader.read() else { break reading }
                    let event = try WorkerProtocol.decode(WorkerEvent.self, from: frame.payload)
                    events.push(WorkerMessage(slot: slot, pid: pid, event: event))
                } catch is FrameReader.Truncated {
                    // The worker died while sending: its end is handled as any death is.
                    break reading
                } catch let error as LoadError {
                    events.push(WorkerMessage(slot: slot, pid: pid, error: error))
                    return
                } catch {
                    events.push(WorkerMessage(slot: slot, pid: pid, error: LoadError(.workerProtocol, String(describing: error))))
                    return
                }
            }
            events.push(WorkerMessage(slot: slot, pid: pid))
        }.start()
        logger.debug("started worker \(slot) as pid \(worker.pid)")
    }

    /// Closes every shard pipe and waits until each worker has reported all it held and exited.
    func stopWorkers() {
        closing = true
        for slot in slots.indices { slots[slot].process?.closeShards() }
        while slots.contains(where: { !$0.ended }) {
            if let message = events.pop(before: Date().addingTimeInterval(0.25)) {
                handle(message)
            }
            tickProgress()
        }
        for slot in slots { slot.process?.events.close() }
    }

    func handle(_ message: WorkerMessage) {
        let slot = message.slot
        switch message.event {
        case let .ready(_, version)?:
            if version != WorkerProtocol.version {
                record(LoadError(.workerProtocol, "worker \(slot) speaks protocol \(version), the coordinator \(WorkerProtocol.version)"))
            }
        case let .shardStarted(ordinal, label)?:
            slots[slot].loading[ordinal] = label
        case let .shardLoaded(metrics)?:
            slots[slot].inFlight[metrics.ordinal] = nil
            slots[slot].loading[metrics.ordinal] = nil
            slots[slot].messages += metrics.messages
            report.add(metrics)
            if !report.exports.isEmpty { report.exports[exportIndex(ofShard: metrics.ordinal)].loaded.add(metrics) }
            collectPhases(metrics)
            for var reject in metrics.rejectRecords {
                reject.export = exportPath(ofShard: metrics.ordinal)
                writeReject(reject)
            }
        case let .shardFailed(ordinal, label, message, sqlState)?:
            slots[slot].inFlight[ordinal] = nil
            slots[slot].loading[ordinal] = nil
            let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
            record(LoadError(.database, "worker \(slot) could not load the shard: \(message)\(state)",
                             location: .init(file: exportPath(ofShard: ordinal), shard: label),
                             hint: "Nothing of this shard was committed; fix the cause and rerun to load the rest"))
        case .finished?:
            slots[slot].finished = true
        case nil:
            if let error = message.error { record(error) }
            workerEnded(in: slot)
        }
    }

    /// A worker's event pipe ended. If it had not finished, it died: the shards it held go
    /// back in the queue (or to quarantine once they have killed enough workers) and a new
    /// worker takes its place.
    private func workerEnded(in slot: Int) {
        guard let process = slots[slot].process else { return }
        let how = process.reap()
        slots[slot].ended = true
        slots[slot].loading = [:]
        guard !slots[slot].finished else { return }
        let lost = slots[slot].inFlight.values.sorted { $0.ordinal < $1.ordinal }
        slots[slot].inFlight = [:]
        logger.warning("worker \(slot) (pid \(process.pid)) \(how) holding \(lost.count) shards; they will be loaded again")
        // A shard that was in flight when a worker died is a suspect: it is sent again alone, so
        // that only a death it alone can have caused counts towards its quarantine.
        let isolated = lost.count == 1
        for var shard in lost {
            shard.deaths += 1
            if isolated && shard.deaths >= configuration.shardAttemptsBeforeQuarantine {
                quarantine(shard, reason: "worker died \(shard.deaths) times loading it (last: \(how))")
            } else {
                retryQueue.append(shard)
            }
        }
        guard firstFailure == nil, interruptedBy == nil, !closing else { return }
        guard report.workerRestarts < restartBudget else {
            record(LoadError(.workerFailed, "worker \(slot) \(how), and workers have been restarted \(report.workerRestarts) times already",
                             hint: "Something kills every worker: check `dmesg` for the out-of-memory killer, and the worker's messages above"))
            return
        }
        report.workerRestarts += 1
        do {
            try startWorker(in: slot)
        } catch let error as LoadError {
            record(error)
        } catch {
            record(LoadError(.workerFailed, "cannot restart worker \(slot): \(error)"))
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
        } catch let error as LoadError {
            self.record(error)
        } catch {
            self.record(LoadError(.system, "cannot write the reject file: \(error)"))
        }
    }
}
