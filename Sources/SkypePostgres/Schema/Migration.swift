/// One versioned step of the database schema; the SQL lives in `schema/NNN_name.sql`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String
}
