/// One versioned step of the database schema; the SQL lives in `schema/NNN_name.sql`.
package struct Migration: Sendable {
    package var version: Int
    package var name: String
    package var sql: String
}
