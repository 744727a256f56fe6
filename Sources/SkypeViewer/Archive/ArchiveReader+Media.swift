import SkypePostgres

/// A stored media file: what the archive knows of it and where its bytes are.
package struct StoredMedia: Sendable, Equatable {
    package var docID: String
    package var variant: String
    package var archiveEntry: String
    package var sizeBytes: Int64
    package var sha256: [UInt8]
    /// `media_files.content_type` of the document, when its metadata gave one.
    package var contentType: String?
    /// The original's name (`media_files.file_name`, else an attachment's name).
    package var fileName: String?
    /// Where the bytes are: the database's chunks, in order, or a file under `--media-dir`.
    package var location: Location

    package enum Location: Sendable, Equatable {
        case chunks([[UInt8]])
        case folder(relativePath: String)
    }
}

extension ArchiveReader {
    /// The stored entry of one account's document (`original` or `thumbnail`), nil when its
    /// bytes were not kept.
    package func media(account: String, docID: String, variant: String) throws -> StoredMedia? {
        let parameters = [Array(docID.utf8), Array(variant.utf8), Array(account.utf8)]
        let found: (rows: [[[UInt8]?]], affectedRows: Int)
        do {
            found = try connection.executeBinary("""
                SELECT convert_to(e.archive_entry, 'UTF8'), convert_to(e.size_bytes::text, 'UTF8'), e.sha256,
                       convert_to(f.content_type, 'UTF8'), convert_to(f.file_name, 'UTF8'),
                       b.chunk_hashes, convert_to(b.stored_path, 'UTF8')
                FROM \(schema).media_entries e
                JOIN \(schema).media_blobs b ON b.sha256 = e.sha256
                LEFT JOIN \(schema).media_files f ON f.account = e.account AND f.doc_id = e.doc_id
                WHERE e.account = convert_from($3, 'UTF8') AND e.doc_id = convert_from($1, 'UTF8') AND e.variant = convert_from($2, 'UTF8')
                ORDER BY e.archive_entry LIMIT 1
                """, parameters)
        } catch {
            throw ViewerError(failure: error)
        }
        guard let row = found.rows.first, row.count == 7, let entry = row[0], let size = row[1], let sha = row[2] else { return nil }
        let text = { (bytes: [UInt8]?) in bytes.map { String(decoding: $0, as: UTF8.self) } }
        let location: StoredMedia.Location
        if let hashes = row[5] {
            location = .chunks(stride(from: 0, to: hashes.count - hashes.count % 32, by: 32).map { Array(hashes[$0..<($0 + 32)]) })
        } else if let path = text(row[6]) {
            location = .folder(relativePath: path)
        } else {
            return nil
        }
        return StoredMedia(docID: docID, variant: variant, archiveEntry: text(entry) ?? "", sizeBytes: Int64(text(size) ?? "") ?? 0,
                           sha256: sha, contentType: text(row[3]), fileName: try text(row[4]) ?? attachmentName(parameters),
                           location: location)
    }

    /// The name an attachment of the document gives, where the export had no metadata file. A
    /// statement of its own: on Citus, attachments (by conversation) and media_blobs (by
    /// digest) are distributed apart and cannot meet in one join.
    private func attachmentName(_ parameters: [[UInt8]]) throws -> String? {
        do {
            let rows = try connection.executeBinary("""
                SELECT convert_to(name, 'UTF8') FROM \(schema).attachments
                WHERE account = convert_from($3, 'UTF8') AND doc_id = convert_from($1, 'UTF8') AND name IS NOT NULL
                ORDER BY conversation_id, message_id LIMIT 1
                """, parameters).rows
            return rows.first?.first?.flatMap { String(decoding: $0, as: UTF8.self) }
        } catch {
            throw ViewerError(failure: error)
        }
    }

    /// One chunk's bytes, by its digest.
    package func chunk(_ digest: [UInt8]) throws -> [UInt8]? {
        do {
            return try connection.executeBinary("SELECT data FROM \(schema).media_chunks WHERE sha256 = $1", [digest]).rows.first?.first ?? nil
        } catch {
            throw ViewerError(failure: error)
        }
    }
}
