/// The bound on how long the loader's transactions wait for a lock.
///
/// A transaction can wait behind one whose client is gone: a worker on a connection that
/// dropped silently keeps its backend, and its locks (its claim of a shard in the ledger, a
/// migration's DDL), until the server notices, which with the server's default keepalives
/// takes two hours. A wait longer than ``duration`` fails with SQLSTATE 55P03 instead, which
/// the retry policy treats as transient: the statement is tried again, with backoff, until
/// `--retry-timeout`.
///
/// Set with `SET LOCAL` semantics (`set_config(..., true)`): it ends with the transaction, so
/// nothing leaks through a transaction-mode pooler to another client; a `lock_timeout` the
/// user configured (role, database, `PGOPTIONS`) is kept.
package enum LockTimeout {
    /// Long enough for any lock a live load holds (a shard transaction takes seconds).
    package static let duration = "30s"

    /// A statement that sets the timeout for the current transaction unless one is configured.
    package static let setLocal =
        "SELECT set_config('lock_timeout', '\(duration)', true) WHERE current_setting('lock_timeout') = '0'"

    /// `BEGIN` and the timeout in one round trip.
    package static let begin = "BEGIN; " + setLocal

    /// `statement` run in an implicit transaction with the timeout (for DDL outside a `BEGIN`).
    package static func bounded(_ statement: String) -> String {
        setLocal + "; " + statement
    }
}
