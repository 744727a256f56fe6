import SkypeExport
import SkypeSupport

/// `verify` for media: the SHA-256 of every media entry of the export, computed as the archive
/// streams past, against what the database recorded for that entry, and against the SHA-256 of
/// the bytes actually stored (read back chunk by chunk, or from the `--media-dir` folder).
final class MediaVerifier {
    /// Entry name → SHA-256 and size, from the export.
    private(set) var exported: [String: (sha256: [UInt8], size: Int64)] = [:]

    /// The tar reader's hook: hashes every media file's bytes as they pass.
    var streaming: TarEntrySource.Streaming {
        TarEntrySource.Streaming(wants: MediaCollector.holdsBytes) { [unowned self] entry, body in
            let hasher = SHA256()
            var buffer = [UInt8](repeating: 0, count: MediaCollector.chunkBytes)
            var size: Int64 = 0
            while true {
                let count = try buffer.withUnsafeMutableBytes { try body.read(into: $0) }
                if count == 0 { break }
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                size += Int64(count)
            }
            self.exported[entry.name] = (hasher.finish(), size)
        }
    }

    /// Compares the export's entries with what the database recorded for the export's account,
    /// and with the stored bytes.
    func compare(on connection: PostgresConnection, schema: String, account: String, mediaDirectory: String?) throws -> MediaVerification {
        var result = MediaVerification()
        result.files = exported.count
        result.bytes = exported.values.reduce(0) { $0 + $1.size }
        let statements = MediaStatements(schema: schema)
        var recorded: [String: [UInt8]] = [:]
        let rows: [[String?]]
        do {
            rows = try connection.execute(statements.accountEntries, [account]).rows
        } catch {
            // A schema from before media storage has no media_entries: every entry is missing.
            guard error.sqlState == "42P01" else {
                throw LoadError(.database, "cannot read media_entries: \(error)",
                                hint: error.sqlState == "42703" ? "The schema is older than this tool: run `skype-parallel-load migrate`" : nil)
            }
            rows = []
        }
        for row in rows {
            guard row.count == 3, let name = row[0], let digest = row[1].flatMap(SHA256.bytes(hex:)) else { continue }
            recorded[name] = digest
        }
        let reader = MediaReader(connection: connection, statements: statements, mediaDirectory: mediaDirectory)
        var checked: [[UInt8]: Bool] = [:]
        for (name, export) in exported.sorted(by: { $0.key < $1.key }) {
            guard let stored = recorded[name] else {
                result.missing.append(name)
                continue
            }
            guard stored == export.sha256 else {
                result.differing.append(name)
                continue
            }
            let intact: Bool
            if let known = checked[stored] {
                intact = known
            } else {
                do {
                    intact = try reader.read(stored) { _ in } == stored
                } catch let error as LoadError where error.code != .configuration {
                    intact = false
                }
                checked[stored] = intact
            }
            if intact { result.matched += 1 } else { result.damaged.append(name) }
        }
        return result
    }
}

/// What `verify` found about media files.
package struct MediaVerification: Sendable, Codable, Equatable {
    /// Media entries in the export, and their bytes.
    package var files = 0
    package var bytes: Int64 = 0
    /// Entries whose stored bytes have the export's SHA-256.
    package var matched = 0
    /// Entries the database has no record of (not loaded, or loaded with --no-media).
    package var missing: [String] = []
    /// Entries recorded with another SHA-256 (another export's file of the same name).
    package var differing: [String] = []
    /// Entries recorded right whose stored bytes are missing or do not hash to the record.
    package var damaged: [String] = []

    package var matches: Bool { missing.isEmpty && differing.isEmpty && damaged.isEmpty }
}
