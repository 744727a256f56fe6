import Foundation
import SkypeExport
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// `export-media`: writes the stored media files back, byte for byte, under readable names:
/// `OUT/<conversation>/<date time> <original name>`, the conversation and time of the first
/// message that points at the file; files no message points at go to `OUT/unlinked/`.
/// Thumbnails get ` (thumbnail)` before their extension. Each account's archive entry is
/// written once, and its SHA-256 checked against the recorded one as it is written. When the
/// files written belong to several accounts, each account has a folder of its own above:
/// `OUT/<account>/<conversation>/...` (two accounts can hold one name with other bytes).
///
/// Files are written through ``OutputFolder``: under a private temporary name opened with
/// `O_EXCL | O_NOFOLLOW` and renamed into place once checked, so a symlink planted in the
/// folder is never written through and no name of the export can collide with a temporary
/// one; folders that are symlinks are refused; modes are 0600 (folders 0700) unless
/// ``fileMode`` says otherwise.
package struct MediaExporter {
    package var conninfo: String
    package var schema: String
    package var outputDirectory: String
    /// Only the files of this conversation.
    package var conversation: String?
    /// Only the files of this account (its `userId`, such as `8:live:.cid.0123`).
    package var account: String?
    /// The folder of a `--media-dir` load, for contents stored there.
    package var mediaDirectory: String?
    /// Mode of the files written. Default 0600; folders get search bits where files are readable.
    package var fileMode: UInt32 = 0o600

    /// What was written.
    package struct Summary: Sendable, Codable, Equatable {
        package var files = 0
        package var bytes: Int64 = 0
    }

    package init(conninfo: String, schema: String, outputDirectory: String) {
        self.conninfo = conninfo
        self.schema = schema
        self.outputDirectory = outputDirectory
    }

    package func run() throws -> Summary {
        try SchemaName.validate(schema)
        let connection = try PostgresConnection.open(conninfo: conninfo, applicationName: "skype-parallel-load export-media")
        let statements = MediaStatements(schema: schema)
        let reader = MediaReader(connection: connection, statements: statements, mediaDirectory: mediaDirectory)
        let rows: [[String?]]
        do {
            rows = try connection.execute(statements.entriesToExport, [conversation, account]).rows
        } catch {
            throw LoadError(.database, "cannot list the media files: \(error)",
                            hint: error.sqlState == "42P01" ? "Nothing with media was loaded into schema \(schema) yet" : nil)
        }
        let output = OutputFolder(root: outputDirectory, fileMode: fileMode)
        try output.makeDirectory("")
        var summary = Summary()
        var used = Set<String>()
        let accounts = Set(rows.compactMap { $0.count == 9 ? $0[8] : nil })
        for row in rows {
            guard row.count == 9, let entry = row[0], let docID = row[1], let hex = row[3],
                  let digest = SHA256.bytes(hex: hex) else { continue }
            var folder = row[6].map(Self.safeName) ?? "unlinked"
            if accounts.count > 1 { folder = Self.safeName(row[8].flatMap { $0.isEmpty ? nil : $0 } ?? "no account") + "/" + folder }
            let original = row[5].flatMap { $0.isEmpty ? nil : $0 } ?? String(entry.split(separator: "/").last ?? "file")
            var name = (row[7] ?? docID) + " " + Self.safeName(original)
            if row[2] == "thumbnail" { name = Self.inserting(" (thumbnail)", beforeExtensionOf: name) }
            var relative = folder + "/" + name
            var attempt = 2
            while !used.insert(relative).inserted {
                relative = folder + "/" + Self.inserting(" (\(attempt))", beforeExtensionOf: name)
                attempt += 1
            }
            summary.bytes += try write(digest, to: relative, in: output, entry: entry, with: reader)
            summary.files += 1
        }
        return summary
    }

    /// Writes one content whole, its digest checked before it takes its name.
    private func write(_ digest: [UInt8], to relative: String, in folder: OutputFolder, entry: String,
                       with reader: MediaReader) throws -> Int64 {
        if let slash = relative.lastIndex(of: "/") { try folder.makeDirectory(String(relative[..<slash])) }
        var written: Int64 = 0
        try folder.write(relative) { descriptor in
            let read = try reader.read(digest) { bytes in
                if let failure = FileDescriptorWriter.writeAll(descriptor, bytes) {
                    throw LoadError(.system, "cannot write \(folder.root)/\(relative): \(String(cString: strerror(failure)))",
                                    hint: "Check the space and permissions of --out")
                }
                written += Int64(bytes.count)
            }
            guard read == digest else {
                throw LoadError(.database, "the stored bytes of \(entry) do not match their SHA-256 (\(SHA256.hex(digest)))",
                                hint: "The stored copy is damaged: load the export again")
            }
        }
        return written
    }

    /// A name safe as one path component: no slashes, no control characters, not `.` or `..`.
    static func safeName(_ text: String) -> String {
        var result = String(text.unicodeScalars.map { scalar -> Character in
            scalar == "/" || scalar == "\\" || scalar == ":" || scalar.value < 0x20 || scalar.value == 0x7f ? "_" : Character(scalar)
        })
        // File systems allow 255 bytes per name: keep room for the date and the suffixes.
        while result.utf8.count > 200 { result.removeLast() }
        if result.isEmpty || result == "." || result == ".." { result = "_" + result }
        return result
    }

    static func inserting(_ suffix: String, beforeExtensionOf name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return name + suffix }
        return String(name[..<dot]) + suffix + String(name[dot...])
    }
}
