import Foundation
package import SkypePostgres
package import SkypeReport
import SkypeSupport

/// The messages between the coordinator and its workers. Version it whenever a frame changes:
/// a worker of another version refuses to start rather than misreading shards.
package enum WorkerProtocol {
    package static let version = 5

    /// Frame kinds from the coordinator to a worker.
    package enum ToWorker: UInt8 {
        /// JSON ``WorkerSettings``, once, first.
        case configure = 1
        /// A binary ``Shard`` (``ShardCodec``).
        case shard = 2
        /// A binary ``MediaShard`` (``MediaShard/encoded()``).
        case mediaShard = 3
    }

    /// Frame kinds from a worker to the coordinator.
    package enum ToCoordinator: UInt8 {
        /// JSON ``WorkerEvent``.
        case event = 1
    }

    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    package static func decode<T: Decodable>(_ type: T.Type, from payload: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(payload))
        } catch {
            throw LoadError(.workerProtocol, "a \(type) frame could not be decoded: \(error)")
        }
    }
}

/// What a worker needs to know, sent over its pipe (never on its command line, which any
/// user can read in `/proc`): the connection string may hold a password.
package struct WorkerSettings: Codable, Sendable {
    package var protocolVersion: Int
    package var worker: Int
    package var conninfo: String
    package var schema: String
    package var runID: Int64
    package var connections: Int
    package var retry: RetryPolicy
    /// Fault injection for tests: the worker exits abruptly when a shard holds this conversation.
    package var crashOnConversation: String?
    /// Fault injection for tests: the worker exits abruptly once per run right after committing
    /// a shard that holds this conversation, before reporting it (a lost acknowledgement).
    package var crashAfterCommitOnConversation: String?
    /// Fault injection for tests: a worker kills itself inside a media transaction while no
    /// file exists at this path (creating it first, so that it happens once).
    package var mediaCrashMarker: String?
}

/// What a worker tells the coordinator.
package enum WorkerEvent: Codable, Sendable {
    /// The worker started and speaks `protocolVersion`.
    case ready(pid: Int32, protocolVersion: Int)
    /// A connection began loading a shard (the coordinator shows it in the progress display).
    case shardStarted(ordinal: Int, label: String)
    /// A shard committed, or was found already committed.
    case shardLoaded(ShardMetrics)
    /// A shard could not be loaded; its transaction was rolled back.
    case shardFailed(ordinal: Int, label: String, message: String, sqlState: String?)
    /// The shard pipe ended and every shard is done: the worker exits next.
    case finished
}
