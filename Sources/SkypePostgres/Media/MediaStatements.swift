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
        CREATE TEMP TABLE stage_media_entries (account text, archive_entry text, doc_id text, variant text, sha256 bytea, size_bytes bigint,
                                              exported_at timestamptz) ON COMMIT DROP;
        """
    }

    static let blobColumns = ["sha256", "size_bytes", "chunk_hashes", "stored_path"]
    static let entryColumns = ["account", "archive_entry", "doc_id", "variant", "sha256", "size_bytes", "exported_at"]

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

    /// Records the entries. Of two states of one account's entry the newer export's is kept,
    /// then the greater digest and values: a total order, so the rows kept do not depend on the
    /// order the exports are loaded in (an entry migrated from before version 10 has no date,
    /// and any load replaces it).
    package var mergeEntries: String {
        """
        INSERT INTO \(schema).media_entries (account, archive_entry, doc_id, variant, sha256, size_bytes, exported_at)
        SELECT DISTINCT ON (account, archive_entry) account, archive_entry, doc_id, variant, sha256, size_bytes, exported_at
        FROM stage_media_entries
        ORDER BY account, archive_entry, \(Self.entryRank(of: "stage_media_entries")) DESC
        ON CONFLICT (account, archive_entry) DO UPDATE SET
            doc_id = EXCLUDED.doc_id, variant = EXCLUDED.variant, sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
            exported_at = EXCLUDED.exported_at
        WHERE \(Self.entryRank(of: "EXCLUDED")) > \(Self.entryRank(of: "media_entries"))
        """
    }

    /// Entries of this load whose account holds the same name with other bytes: conflicts,
    /// resolved by ``mergeEntries`` (run before it).
    package var conflictingEntries: String {
        """
        SELECT count(*) FROM stage_media_entries s
        JOIN \(schema).media_entries e ON e.account = s.account AND e.archive_entry = s.archive_entry
        WHERE e.sha256 <> s.sha256
        """
    }

    /// The order of two states of one entry: export date (none is oldest), then the values.
    static func entryRank(of table: String) -> String {
        "ROW(coalesce(\(table).exported_at, '-infinity'), \(table).sha256, \(table).size_bytes, "
            + "\(table).doc_id COLLATE \"C\", \(table).variant COLLATE \"C\")"
    }

    /// Entries whose document no attachment points to.
    // An anti-join on a subquery, not a correlated NOT EXISTS: Citus refuses a correlated
    // subquery beside a reference table (media_entries is one on a distributed schema).
    package var unreferencedEntries: String {
        """
        SELECT count(*) FROM \(schema).media_entries e
        LEFT JOIN (SELECT DISTINCT account, doc_id FROM \(schema).attachments) a ON a.account = e.account AND a.doc_id = e.doc_id
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
    /// first message of its account pointing at its document, and the document's original file
    /// name. `$1` restricts to one conversation, `$2` to one account, when not NULL.
    // The first message per document is found for every document at once, not by a LATERAL
    // join per entry: Citus refuses a lateral outer join whose distributed subquery meets a
    // reference table (media_entries is one on a distributed schema).
    var entriesToExport: String {
        """
        WITH first AS (
            SELECT DISTINCT ON (a.account, a.doc_id) a.account, a.doc_id, a.conversation_id, m.sent_at
            FROM \(schema).attachments a
            JOIN \(schema).messages m USING (conversation_id, account, message_id, fingerprint)
            WHERE a.doc_id IS NOT NULL AND ($1::text IS NULL OR a.conversation_id = $1::text) AND ($2::text IS NULL OR a.account = $2::text)
            ORDER BY a.account, a.doc_id, m.sent_at, a.conversation_id
        )
        SELECT e.archive_entry, e.doc_id, e.variant, encode(e.sha256, 'hex'), e.size_bytes::text,
               f.file_name, first.conversation_id, to_char(first.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24MISS'), e.account
        FROM \(schema).media_entries e
        LEFT JOIN \(schema).media_files f ON f.account = e.account AND f.doc_id = e.doc_id
        LEFT JOIN first ON first.account = e.account AND first.doc_id = e.doc_id
        WHERE ($1::text IS NULL OR first.conversation_id IS NOT NULL) AND ($2::text IS NULL OR e.account = $2::text)
        ORDER BY e.account, e.archive_entry
        """
    }

    /// One account's stored entries with their digests, for `verify`.
    var accountEntries: String {
        "SELECT archive_entry, encode(sha256, 'hex'), size_bytes::text FROM \(schema).media_entries WHERE account = $1"
    }
}
