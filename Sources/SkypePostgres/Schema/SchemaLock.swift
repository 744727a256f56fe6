import Foundation

/// One load at a time per schema: an advisory lock, held by a connection of its own for the
/// whole load, inside a transaction left open (and idle) until the load ends. A transaction,
/// not a session lock, because through a transaction-mode pooler (pgbouncer, Supabase's port
/// 6543) only an open transaction keeps its server session: a session lock would stay behind
/// in a pooled server session, and be seen from sessions it was never taken in. The
/// transaction takes no snapshot while idle and writes nothing, so it holds back no vacuum. Two loads at once would be correct while loading (the ledger), but
/// not around it: one could drop the indexes the other is building (leaving an invalid index
/// with no record to rebuild it), or refresh the counts on a snapshot older than the other's
/// last shard. So a second load waits, saying for whom, until the first ends.
///
/// A server restart (or `idle_in_transaction_session_timeout`) ends the session and with it the
/// lock: ``acquire(stop:waiting:)`` is called again before each step that needs it.
package final class SchemaLock {
    /// The first key of the two-key advisory lock: "sk".
    static let keySpace: Int32 = 0x736B
    let schema: String
    private let database: RetryingConnection

    package init(schema: String, conninfo: String, retry: RetryPolicy, stop: StopControl) {
        self.schema = schema
        database = RetryingConnection(conninfo: conninfo, applicationName: "skype-parallel-load schema lock",
                                      policy: retry, stop: stop) { try $0.execute("BEGIN") }
    }

    /// No retry after `deadline` (``RetryingConnection/windDown(by:)``).
    package func windDown(by deadline: UInt64) {
        database.windDown(by: deadline)
    }

    /// Takes the lock (again: holding it already succeeds), waiting while another session holds it; `waiting` is called once, with
    /// who holds it, when it has to wait. A stop request ends the wait (``StopControl/Stopped``).
    package func acquire(stop: StopControl, waiting: (String) -> Void) throws {
        var told = false
        let taken = try stop.poll {
            let taken = try database.run { connection in
                do {
                    return try connection.execute("SELECT pg_try_advisory_xact_lock($1, hashtext($2))",
                                                  [String(Self.keySpace), schema]).rows.first?.first == "t"
                } catch {
                    // A failed statement aborts the transaction: start another (the lock, if it
                    // was held, went with the old one and is taken again on the next try).
                    if connection.isHealthy {
                        _ = try? connection.execute("ROLLBACK")
                        _ = try? connection.execute("BEGIN")
                    }
                    throw error
                }
            }
            if !taken && !told {
                told = true
                waiting(try database.run { try holder($0) })
            }
            return taken
        }
        if !taken { try stop.check() }
    }

    /// "pid 1234 (skype-parallel-load schema lock, connected since ...)".
    private func holder(_ connection: PostgresConnection) throws -> String {
        let row = try connection.execute("""
            SELECT a.pid, a.application_name, a.client_addr, date_trunc('second', a.backend_start)
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid
              AND l.objid = ((hashtext($2)::bigint + 4294967296) % 4294967296)::oid
            LIMIT 1
            """, [String(Self.keySpace), schema]).rows.first
        guard let row, row.count == 4, let pid = row[0] else { return "another session" }
        let from = row[2].map { " from \($0)" } ?? ""
        return "PostgreSQL session \(pid) (\(row[1] ?? "")\(from), connected since \(row[3] ?? "?"))"
    }
}
