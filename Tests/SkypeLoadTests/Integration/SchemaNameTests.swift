import Foundation
@testable import SkypePostgres
import SkypeSupport
import SkypeViewer
import Testing

/// Security review finding 6: `migrate` took a schema name over 63 bytes, which PostgreSQL cuts
/// short, so two names aliased one schema while their advisory locks (hashed from the whole
/// name) were not shared; `verify` and `export-media` did not check either. Every command now
/// refuses such a name before it touches the server.
@Suite struct SchemaNameTests {
    /// 64 bytes whose first 63 are a real schema's name.
    static func longName(_ fixture: DatabaseFixture) -> String {
        fixture.schema + String(repeating: "x", count: 63 - fixture.schema.utf8.count) + "y"
    }

    @Test func migrateRefusesANameThatPostgreSQLWouldCutShort() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let long = Self.longName(db)
        #expect(long.utf8.count == 64)
        let error = try #require(throws: LoadError.self) { try Migrator(schema: long).run(try db.connect()) }
        #expect(error.code == .configuration)
        #expect(error.message.contains("1 to 63 bytes"))
        let truncated = String(long.prefix(63))
        #expect(try db.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '\(truncated)'") == "0")
    }

    @Test func verifyExportMediaAndIndexBuildsRefuseItBeforeConnecting() throws {
        let long = String(repeating: "s", count: 64)
        // A server that is not there: a command that connected first would fail with a database error.
        let nowhere = "host=/nonexistent-socket-folder connect_timeout=1"
        let verify = try #require(throws: LoadError.self) {
            try Verifier(exportPath: "/nonexistent.tar", conninfo: nowhere, schema: long).run()
        }
        #expect(verify.code == .configuration)
        let media = try #require(throws: LoadError.self) {
            try MediaExporter(conninfo: nowhere, schema: long, outputDirectory: "/nonexistent").run()
        }
        #expect(media.code == .configuration)
        let indexes = try #require(throws: LoadError.self) {
            try IndexDeferral(schema: long).rebuild(conninfo: nowhere, parallelism: 1)
        }
        #expect(indexes.code == .configuration)
        #expect(throws: LoadError.self) { try SchemaName.validate("") }
        #expect(throws: LoadError.self) { try SchemaName.validate("a\u{0}b") }
        try SchemaName.validate(String(repeating: "é", count: 31) + "a")  // 63 bytes: kept whole
    }

    @Test func theViewerAndTheHTMLExportRefuseItToo() throws {
        var configuration = ViewerConfiguration(conninfo: "")
        configuration.schema = String(repeating: "v", count: 64)
        #expect(throws: ViewerError.self) { try configuration.validate() }
        var settings = HTMLArchiveExporter.Settings(conninfo: "host=/nonexistent-socket-folder", outputDirectory: "/nonexistent")
        settings.schema = String(repeating: "v", count: 64)
        let error = try #require(throws: ViewerError.self) { try HTMLArchiveExporter(settings: settings).run() }
        #expect(error.message.contains("1 to 63 bytes"))
    }
}
