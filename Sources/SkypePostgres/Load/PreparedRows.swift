package import SkypeExport
import SkypeSupport

/// A shard's rows, transformed before its transaction begins (by a worker's preparing
/// thread), so that a connection goes from one shard's COMMIT straight to the next shard's
/// COPY instead of waiting while the client parses. With one connection per worker (a server
/// on other cores, or another machine) parsing and loading then overlap instead of taking turns.
package struct PreparedRows: Sendable {
    /// The rows, with no message set aside: a shard the server refuses part of is transformed
    /// again by ``ShardLoader`` without the refused messages.
    package var rows: TransformedShard
    /// When the transform began (``MonotonicClock``), for the parse phase's wall time.
    package var startedAt: UInt64
    /// How long the transform took: part of the shard's parse and total time.
    package var seconds: Double

    /// Transforms `shard`, timing it.
    package static func prepare(_ shard: Shard) -> PreparedRows {
        let started = MonotonicClock.now()
        let rows = ShardTransformer().transform(shard)
        return PreparedRows(rows: rows, startedAt: started, seconds: MonotonicClock.seconds(since: started))
    }
}
