/// One versioned step of the database schema; the SQL lives in `schema/NNN_name.sql`.
package struct Migration: Sendable {
    package var version: Int
    package var name: String
    package var sql: String

    /// The SQL's statements, one by one. A migration is sent a statement at a time because
    /// Citus forwards some DDL to the worker nodes as the query string it received: a string of
    /// several statements is refused there ("cannot insert multiple commands into a prepared
    /// statement").
    package var statements: [String] { SQLStatementSplitter.split(sql) }
}
