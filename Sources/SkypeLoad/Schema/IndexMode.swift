/// When the secondary indexes of `messages` (above all the full-text GIN index, most of the
/// server's work during a load) are maintained.
public enum IndexMode: String, Sendable, CaseIterable, Codable {
    /// The default. Keeps the indexes, except that indexes an interrupted deferred load left
    /// out stay deferred until the end. Measured on a 2-core machine with PostgreSQL on the
    /// same box (Docs/performance.md), keeping them loaded an empty table faster (1.14× the
    /// COPY ceiling) than deferring them (1.03×): PostgreSQL 15 builds a GIN index on one
    /// core, while the workers' backends maintain it row by row in parallel.
    case auto
    /// Maintain the indexes row by row during the load (best when appending to a large table).
    case keep
    /// Drop them before the shards and build them after, in parallel.
    case `defer`
}
