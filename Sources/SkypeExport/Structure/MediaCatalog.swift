/// The `media/` entries of an export tar: each document's metadata (`media/<docid>.json`) and
/// the entry that holds its bytes (`media/<docid>.1.<ext>`), for the `media_files` table.
package struct MediaCatalog {
    package struct Record: Equatable {
        var docID: String
        var fileName: String?
        var contentType: String?
        var metadata: String?
        var archiveEntry: String?
        var sizeBytes: Int64?
    }

    package private(set) var records: [String: Record] = [:]
    package private(set) var repairs = RepairCounts()

    package init() {}

    /// Entries whose bytes the tar reader should keep: the small metadata files.
    static func wantsBytes(_ name: String) -> Bool {
        name.hasPrefix("media/") && name.hasSuffix(".json")
    }

    package mutating func add(_ entry: TarEntrySource.Entry) {
        guard entry.name.hasPrefix("media/") else { return }
        let file = String(entry.name.dropFirst("media/".count))
        guard !file.isEmpty, !file.contains("/") else { return }
        if file.hasSuffix(".json"), let data = entry.data {
            let docID = Self.docID(ofEntry: entry.name)
            var record = records[docID] ?? Record(docID: docID)
            var found = RepairCounts()
            if let value = try? data.withUnsafeBytes({ try JSONParser.parse($0, repairs: &found) }) {
                repairs.add(found)
                record.metadata = JSONWriter.string(value)
                record.fileName = Self.first(value, ["filename", "fileName", "original_file_name", "originalName", "name"])
                record.contentType = Self.first(value, ["content_type", "contentType", "mime_type", "mimeType", "type"])
            }
            records[docID] = record
        } else if file.contains(".") {
            let docID = Self.docID(ofEntry: entry.name)
            var record = records[docID] ?? Record(docID: docID)
            // A document may have several files (the original and a thumbnail): the largest is the original.
            if entry.size > record.sizeBytes ?? -1 {
                record.archiveEntry = entry.name
                record.sizeBytes = entry.size
            }
            records[docID] = record
        }
    }

    /// The document a `media/` entry belongs to: its file name up to the first dot
    /// (`media/0-weu-d8-abc.1.jpg` and `media/0-weu-d8-abc.json` both belong to `0-weu-d8-abc`).
    static func docID(ofEntry name: String) -> String {
        let file = name.hasPrefix("media/") ? name.dropFirst("media/".count) : Substring(name)
        guard let dot = file.firstIndex(of: "."), dot > file.startIndex else { return String(file) }
        return String(file[file.startIndex..<dot])
    }

    private static func first(_ value: JSONValue, _ keys: [String]) -> String? {
        for key in keys { if let text = value[key]?.text, !text.isEmpty { return text } }
        return nil
    }

    /// COPY rows for `media_files`, as the documents of `account`'s export of `exportedAt`
    /// (PostgreSQL text).
    package func rows(account: String, exportedAt: String?) -> [UInt8] {
        var writer = CopyWriter()
        for record in records.values.sorted(by: { $0.docID < $1.docID }) {
            writer.field(account)
            writer.field(exportedAt)
            writer.field(record.docID)
            writer.field(record.fileName)
            writer.field(record.contentType)
            writer.field(record.metadata)
            writer.field(record.archiveEntry)
            writer.field(record.sizeBytes)
            writer.endRow()
        }
        return writer.buffer
    }

    package static let columns = ["account", "exported_at", "doc_id", "file_name", "content_type", "metadata", "archive_entry", "size_bytes"]
}
