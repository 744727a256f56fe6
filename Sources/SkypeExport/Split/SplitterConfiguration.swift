/// How the coordinator cuts an export into shards.
public struct SplitterConfiguration: Sendable, Equatable {
    /// A shard is closed once it holds this many bytes of JSON. Smaller shards spread work
    /// more evenly and use less memory; larger ones spend less on per-transaction overhead.
    /// Changing it changes shard identities, so a rerun with another size re-sends every shard
    /// (the merge still adds no duplicate). Default 2 MiB: measured on a 1 GB export, 4 MiB
    /// shards load no faster and need half again as much memory.
    package var shardBytes: Int = 2 << 20
    /// The largest single JSON value (one message, one conversation header) accepted.
    /// Default 64 MiB; real messages reach hundreds of KB.
    package var maximumValueBytes: Int = 64 << 20
    /// Where slices of a conversation whose `id` comes after its `MessageList` wait on disk.
    package var spillDirectory: String = "/tmp"

    /// The defaults of `load`.
    public init() {}
}
