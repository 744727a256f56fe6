/// The SQL of media storage, with the schema name quoted once. Digests and bytes travel as
/// binary bind parameters (``PostgresConnection/executeBinary(_:_:)``).
package struct MediaStatements {
    let schema: String

    package init(schema: String) {
        self.schema = PostgresConnection.quoteIdentifier(schema)
    }

    /// One chunk; 0 rows affected when the same bytes are stored already.
    var insertChunk: String {
        "INSERT INTO \(schema).media_chunks (sha256, data) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING"
    }

    /// Staging for the contents and entries of a load, recorded in one statement each (a
    /// round trip per file would take minutes against a distant server).
    package var createStaging: String {
        """
        CREATE TEMP TABLE stage_media_blobs (sha256 bytea, size_bytes bigint, chunk_hashes bytea, stored_path text) ON COMMIT DROP;
        CREATE TEMP TABLE stage_media_entries (archive_entry text, doc_id text, variant text, sha256 bytea, size_bytes bigint) ON COMMIT DROP;
        """
    }

    static let blobColumns = ["sha256", "size_bytes", "chunk_hashes", "stored_path"]
    static let entryColumns = ["archive_entry", "doc_id", "variant", "sha256", "size_bytes"]

    package var copyBlobs: String { "COPY stage_media_blobs (\(Self.blobColumns.joined(separator: ", "))) FROM STDIN" }
    package var copyEntries: String { "COPY stage_media_entries (\(Self.entryColumns.joined(separator: ", "))) FROM STDIN" }

    /// Records the contents; returns the digests (hex) of those that were new.
    package var mergeBlobs: String {
        """
        INSERT INTO \(schema).media_blobs (sha256, size_bytes, chunk_hashes, stored_path, run_id)
        SELECT DISTINCT ON (sha256) sha256, size_bytes, chunk_hashes, stored_path, $1::bigint FROM stage_media_blobs
        ON CONFLICT (sha256) DO UPDATE SET
            chunk_hashes = coalesce(media_blobs.chunk_hashes, EXCLUDED.chunk_hashes),
            stored_path = coalesce(media_blobs.stored_path, EXCLUDED.stored_path)
        RETURNING encode(sha256, 'hex'), (xmax = 0)
        """
    }

    /// Records the entries; a newer export's values win.
    package var mergeEntries: String {
        """
        INSERT INTO \(schema).media_entries (archive_entry, doc_id, variant, sha256, size_bytes)
        SELECT DISTINCT ON (archive_entry) archive_entry, doc_id, variant, sha256, size_bytes FROM stage_media_entries
        ON CONFLICT (archive_entry) DO UPDATE SET
            doc_id = EXCLUDED.doc_id, variant = EXCLUDED.variant, sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes
        """
    }

    /// Entries whose document no attachment points to.
    // An anti-join on a subquery, not a correlated NOT EXISTS: Citus refuses a correlated
    // subquery beside a reference table (media_entries is one on a distributed schema).
    package var unreferencedEntries: String {
        """
        SELECT count(*) FROM \(schema).media_entries e
        LEFT JOIN (SELECT DISTINCT doc_id FROM \(schema).attachments) a ON a.doc_id = e.doc_id
        WHERE a.doc_id IS NULL
        """
    }

    /// A stored content's chunk list and folder path, by digest.
    var blob: String {
        "SELECT size_bytes::text::bytea, chunk_hashes, stored_path::bytea FROM \(schema).media_blobs WHERE sha256 = $1"
    }

    var chunk: String {
        "SELECT data FROM \(schema).media_chunks WHERE sha256 = $1"
    }

    /// Every stored entry with what gives it a readable name: the conversation and time of the
    /// first message pointing at its document, and the document's original file name. `$1`
    /// restricts to one conversation when not NULL.
    var entriesToExport: String {
        """
        SELECT e.archive_entry, e.doc_id, e.variant, encode(e.sha256, 'hex'), e.size_bytes::text,
               f.file_name, first.conversation_id, to_char(first.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24MISS')
        FROM \(schema).media_entries e
        LEFT JOIN \(schema).media_files f ON f.doc_id = e.doc_id
        LEFT JOIN LATERAL (
            SELECT a.conversation_id, m.sent_at FROM \(schema).attachments a
            JOIN \(schema).messages m USING (conversation_id, account, message_id, fingerprint)
            WHERE a.doc_id = e.doc_id AND ($1::text IS NULL OR a.conversation_id = $1::text)
            ORDER BY m.sent_at, a.conversation_id LIMIT 1
        ) first ON true
        WHERE $1::text IS NULL OR first.conversation_id IS NOT NULL
        ORDER BY e.archive_entry
        """
    }

    /// Every stored entry's digest, for `verify`.
    var allEntries: String {
        "SELECT archive_entry, encode(sha256, 'hex'), size_bytes::text FROM \(schema).media_entries"
    }
}
