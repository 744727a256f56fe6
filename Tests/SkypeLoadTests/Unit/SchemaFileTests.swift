import Foundation
@testable import SkypePostgres
import Testing

@Suite struct SchemaFileTests {
    /// The binary carries its migrations; they must be exactly the files in schema/.
    @Test func embeddedMigrationsMatchTheSchemaFolder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("schema")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == Migration.all.count)
        for (file, migration) in zip(files, Migration.all.sorted { $0.version < $1.version }) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(file == migration.name + ".sql")
            #expect(text.trimmingCharacters(in: .newlines) == migration.sql.trimmingCharacters(in: .newlines),
                    "run scripts/embed-schema after editing \(file)")
        }
    }

    /// Migrations are sent a statement at a time (Citus refuses DDL in a string of several):
    /// semicolons in strings, identifiers, dollar quotes and comments do not end one.
    @Test func migrationsAreSplitAtTheirStatementEnds() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine', y text DEFAULT E'it\\'s; fine');
            /* a /* nested; */ comment; */ SELECT $$ body; $$, $tag$ more; $tag$, $1;
            COMMENT ON TABLE t IS 'last';  -- trailing; comment
            -- nothing after
            """
        let statements = SQLStatementSplitter.split(script)
        #expect(statements.count == 3, "\(statements)")
        #expect(statements.first?.hasSuffix(#"E'it\'s; fine');"#) == true)
        #expect(statements.last?.trimmingCharacters(in: .whitespacesAndNewlines) == "COMMENT ON TABLE t IS 'last';")
        // Every migration splits into statements that join back into it.
        for migration in Migration.all {
            let pieces = migration.statements
            #expect(!pieces.isEmpty)
            #expect(pieces.allSatisfy { $0.hasSuffix(";") || $0 == pieces.last })
            #expect(migration.sql.hasPrefix(pieces.joined()), "\(migration.name)")
        }
        #expect(Migration.all.first { $0.version == 10 }?.statements.count == 14)
    }
}
