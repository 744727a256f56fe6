/// When the secondary indexes of `messages` (above all the full-text GIN index, most of the
/// server's work during a load) are maintained.
public enum IndexMode: String, Sendable, CaseIterable, Codable {
    /// Defer when `messages` is empty at the start of the load, keep otherwise. The default.
    case auto
    /// Maintain the indexes row by row during the load (best when appending to a large table).
    case keep
    /// Drop them before the shards and build them after, in parallel.
    case `defer`
}
