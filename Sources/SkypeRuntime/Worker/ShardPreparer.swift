import Foundation
import SkypeExport
import SkypePostgres
import SkypeSupport

/// A worker's preparing stage, between its shard pipe and its connections: threads that
/// transform each message shard into rows (``PreparedRows``) while the connections load the
/// shards before it. A connection then never waits for the client's parsing, and with one
/// connection (a server on other cores) parsing and loading overlap instead of taking turns.
///
/// A rerun of a load that mostly committed would parse shards only for the ledger to skip them;
/// while the connections keep finding shards already loaded (``shardEnded(alreadyLoaded:)``),
/// shards pass through untransformed and the loader transforms the few still to load itself.
final class ShardPreparer: Sendable {
    /// A work item and, for a message shard, its rows when they were prepared.
    struct Prepared: Sendable {
        var item: WorkItem
        var rows: PreparedRows?
    }

    private let input: BlockingQueue<WorkItem>
    /// What the connections take, in about the order the shards arrived.
    let output: BlockingQueue<Prepared>
    private let replaying = Locked(false)
    private let done = DispatchGroup()

    /// `threads` preparing threads; each queue holds at most `capacity` items. What bounds the
    /// memory is the coordinator, which lets a worker hold `2 × connections` shards in all
    /// (``LoadConfiguration/shardsInFlightPerWorker``): queued, being prepared, prepared or loading.
    init(threads: Int, capacity: Int) {
        input = BlockingQueue(capacity: max(1, capacity))
        output = BlockingQueue(capacity: max(1, capacity))
        for _ in 0..<max(1, threads) {
            done.enter()
            let thread = Thread { [self] in
                defer { done.leave() }
                while let item = input.pop() {
                    guard output.push(prepare(item)) else { return }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        // The connections see the end once every preparing thread has handed over its last item.
        let prepared = output
        done.notify(queue: .global()) { prepared.close() }
    }

    /// Queues a shard read from the pipe, waiting while the stage is full.
    func push(_ item: WorkItem) {
        _ = input.push(item)
    }

    /// No more shards: the threads prepare what is queued, then the output ends.
    func finish() {
        input.close()
    }

    /// Tells the stage how a connection's shard ended: skipped by the ledger (a rerun) or loaded.
    func shardEnded(alreadyLoaded: Bool) {
        replaying.withLock { $0 = alreadyLoaded }
    }

    private func prepare(_ item: WorkItem) -> Prepared {
        guard case let .messages(shard) = item, !replaying.withLock({ $0 }) else { return Prepared(item: item, rows: nil) }
        return Prepared(item: item, rows: .prepare(shard))
    }
}
