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
}
