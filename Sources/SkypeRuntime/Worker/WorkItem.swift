import SkypeExport

/// What a worker's connections take from its queue: a shard of messages or of media chunks.
enum WorkItem {
    case messages(Shard)
    case media(MediaShard)

    var ordinal: Int {
        switch self {
        case let .messages(shard): shard.ordinal
        case let .media(shard): shard.ordinal
        }
    }

    var label: String {
        switch self {
        case let .messages(shard): shard.label
        case let .media(shard): shard.label
        }
    }
}
