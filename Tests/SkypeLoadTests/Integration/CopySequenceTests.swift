import Foundation
@testable import SkypePostgres
import Testing

/// Several COPYs in one query string (one round trip each): every table gets its rows; a COPY
/// the server refuses names its table and line, the rest of the string is skipped, and the
/// connection goes on after a ROLLBACK TO SAVEPOINT.
@Suite struct CopySequenceTests {
    @Test func everyCopyRunsAndAFailureStopsTheRest() throws {
        let db = try DatabaseFixture()
        let connection = try db.connect()
        let schema = PostgresConnection.quoteIdentifier(db.schema)
        try connection.execute("CREATE SCHEMA \(schema); CREATE TABLE \(schema).a (n int PRIMARY KEY); CREATE TABLE \(schema).b (t text)")
        defer { _ = try? connection.execute("DROP SCHEMA \(schema) CASCADE") }

        let counts = try connection.copyIn([("COPY \(schema).a FROM STDIN", Array("1\n2\n3\n".utf8)),
                                            ("COPY \(schema).b FROM STDIN", Array("x\ny\n".utf8))])
        #expect(counts == [3, 2])
        // A statement that is no COPY is an error, not zero rows.
        #expect(throws: PostgresConnection.Failure.self) { try connection.copyIn("SELECT 1", data: Array("1\n".utf8)) }

        try connection.execute("BEGIN")
        do {
            try connection.copyIn([("COPY \(schema).b FROM STDIN", Array("z\n".utf8)),
                                   ("COPY \(schema).a FROM STDIN", Array("4\n2\n".utf8)),
                                   ("COPY \(schema).b FROM STDIN", Array("never\n".utf8))],
                                  after: "SAVEPOINT s")
            Issue.record("a duplicate key went in")
        } catch {
            #expect(error.isUniqueViolation)
            #expect(error.message.contains("COPY a, line 2"), "\(error.message)")
        }
        try connection.execute("ROLLBACK TO SAVEPOINT s")
        try connection.copyIn("COPY \(schema).b FROM STDIN", data: Array("after\n".utf8))
        try connection.execute("COMMIT")
        #expect(try db.scalar("SELECT string_agg(t, ',' ORDER BY t) FROM $schema.b") == "after,x,y")
        #expect(try db.count("a") == 3)
    }
}
