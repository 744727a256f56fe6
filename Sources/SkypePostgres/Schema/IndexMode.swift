/// When the secondary indexes of `messages` (above all the full-text GIN index, most of the
/// server's work during a load) are maintained.
package enum IndexMode: String, Sendable, CaseIterable, Codable {
    /// The default. Defers the indexes when `messages` is empty (a first load) and keeps them
    /// when it holds rows (appending), except that indexes an interrupted deferred load left
    /// out stay deferred until the end. Since `messages` is partitioned (schema 5), a deferred
    /// build runs one partition per connection in parallel; measured on 2 cores with
    /// PostgreSQL on the same box (Docs/performance.md), deferring then loaded an empty table
    /// about 10% faster than keeping, at 400,000 and at 1.6 million messages. On a distributed
    /// (Citus) schema it keeps them, which measured as fast or faster there (Docs/scaling.md).
    case auto
    /// Maintain the indexes row by row during the load (best when appending to a large table).
    case keep
    /// Drop them before the shards and build them after, in parallel.
    case `defer`
}
