import CProcessShims
import Foundation
import SkypeExport
import SkypePostgres
import SkypeSupport

#if canImport(Glibc)
import Glibc
import SkypeReport
#endif

/// The worker process: reads shards from its input pipe, loads each on one of its own
/// connections (one thread per connection, since libpq calls block), and reports every shard
/// on its event pipe.
package final class WorkerRuntime: @unchecked Sendable {
    /// Descriptor the coordinator maps the shard pipe to.
    package static let shardDescriptor: Int32 = 0
    /// Descriptor the coordinator maps the event pipe to.
    package static let eventDescriptor: Int32 = 3

    private let reader: FrameReader
    private let events: FrameWriter
    private let eventLock = NSLock()

    package init(shardDescriptor: Int32 = WorkerRuntime.shardDescriptor,
                eventDescriptor: Int32 = WorkerRuntime.eventDescriptor) {
        reader = FrameReader(descriptor: shardDescriptor)
        events = FrameWriter(descriptor: eventDescriptor)
    }

    /// Runs until the shard pipe ends; returns the process exit code.
    package func run() -> Int32 {
        // Die with the coordinator, even after `kill -9` of it: no orphan keeps loading.
        _ = sp_set_parent_death_signal(SIGKILL)
        if getppid() == 1 { return 1 }
        sp_ignore_sigpipe()
        // Ctrl-C reaches the whole process group; the coordinator decides what stops, and
        // ends the shard pipe, after which this worker finishes what it holds and exits.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        do {
            try send(.ready(pid: getpid(), protocolVersion: WorkerProtocol.version))
            guard let first = try reader.read(), first.kind == WorkerProtocol.ToWorker.configure.rawValue else {
                throw LoadError(.workerProtocol, "the coordinator did not send settings first")
            }
            let settings = try WorkerProtocol.decode(WorkerSettings.self, from: first.payload)
            guard settings.protocolVersion == WorkerProtocol.version else {
                throw LoadError(.workerProtocol,
                                "coordinator speaks protocol \(settings.protocolVersion), this worker \(WorkerProtocol.version)",
                                hint: "Run the coordinator and workers from the same build")
            }
            try serve(settings)
            try send(.finished)
            return 0
        } catch {
            FileHandle.standardError.write(Data("skype-parallel-load worker: \(error)\n".utf8))
            return 1
        }
    }

    private func serve(_ settings: WorkerSettings) throws {
        let preparer = ShardPreparer(threads: settings.connections, capacity: settings.connections)
        let loader = ShardLoader(schema: settings.schema, runID: settings.runID, worker: settings.worker)
        let mediaLoader = MediaShardLoader(schema: settings.schema, runID: settings.runID, worker: settings.worker,
                                           crashMarker: settings.mediaCrashMarker)
        let done = DispatchGroup()
        for _ in 0..<max(1, settings.connections) {
            done.enter()
            let thread = Thread { [self] in
                defer { done.leave() }
                self.loadShards(from: preparer, with: loader, mediaLoader, settings: settings)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer {
            preparer.finish()
            done.wait()
        }
        while let frame = try reader.read() {
            switch WorkerProtocol.ToWorker(rawValue: frame.kind) {
            case .shard?: preparer.push(.messages(try ShardCodec.decode(frame.payload)))
            case .mediaShard?: preparer.push(.media(try MediaShard.decode(frame.payload)))
            default: throw LoadError(.workerProtocol, "unexpected frame kind \(frame.kind)")
            }
        }
    }

    /// One connection's loop. The connection is opened lazily, and again after it breaks;
    /// transient failures are retried (``RetryingConnection``), permanent ones reported.
    private func loadShards(from preparer: ShardPreparer, with loader: ShardLoader, _ mediaLoader: MediaShardLoader,
                            settings: WorkerSettings) {
        let database = RetryingConnection(conninfo: settings.conninfo,
                                          applicationName: "skype-parallel-load worker \(settings.worker)",
                                          policy: settings.retry)
        while var next = preparer.output.pop() {
            let shard = next.item
            // The rows are held here only until the shard is loaded, so that the trim below
            // finds their buffers free.
            var rows = next.rows
            next.rows = nil
            if let poison = settings.crashOnConversation, case let .messages(messages) = shard,
               messages.parts.contains(where: { $0.conversationID == poison }) {
                _exit(70)
            }
            database.resetCounts()
            do {
                var metrics = try database.run { connection in
                    try send(.shardStarted(ordinal: shard.ordinal, label: shard.label))
                    switch shard {
                    case let .messages(messages): return try loader.load(messages, prepared: rows, on: connection)
                    case let .media(media): return try mediaLoader.load(media, on: connection)
                    }
                }
                if let victim = settings.crashAfterCommitOnConversation, !metrics.alreadyLoaded,
                   case let .messages(messages) = shard, messages.parts.contains(where: { $0.conversationID == victim }) {
                    // O_EXCL: only the first worker to get here dies.
                    let marker = open(Self.lostAcknowledgementMarker(settings), O_CREAT | O_EXCL | O_WRONLY, 0o600)
                    if marker >= 0 { close(marker); _exit(71) }
                }
                if case .messages = shard { preparer.shardEnded(alreadyLoaded: metrics.alreadyLoaded) }
                metrics.retries = database.retries
                metrics.retriesBySQLState = database.retriesBySQLState
                // A shard's buffers are megabytes; hand them back to the system rather than
                // letting each thread's malloc arena keep its high-water mark.
                rows = nil
                sp_release_free_memory()
                try send(.shardLoaded(metrics))
            } catch let failure as PostgresConnection.Failure {
                try? send(.shardFailed(ordinal: shard.ordinal, label: shard.label,
                                       message: failure.message, sqlState: failure.sqlState))
            } catch {
                try? send(.shardFailed(ordinal: shard.ordinal, label: shard.label,
                                       message: String(describing: error), sqlState: nil))
            }
        }
    }

    /// Marks that the lost acknowledgement was injected in this run, so that the shard's next
    /// worker reports it (the test hook crashes once).
    static func lostAcknowledgementMarker(_ settings: WorkerSettings) -> String {
        NSTemporaryDirectory() + "/skype-parallel-load-lost-ack-\(settings.schema)-\(settings.runID)"
    }

    private func send(_ event: WorkerEvent) throws {
        let payload = try WorkerProtocol.encode(event)
        try eventLock.withLock {
            try events.write(kind: WorkerProtocol.ToCoordinator.event.rawValue, payload: payload)
        }
    }
}
