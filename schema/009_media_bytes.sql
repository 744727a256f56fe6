-- skype-parallel-load schema, version 9: the bytes of the archive's media entries.
-- Content-addressed at two levels: a file is known by the SHA-256 of its bytes, and its bytes
-- are stored as chunks of up to 1 MiB known by their own SHA-256, so that a chunk can be
-- stored (idempotently, by any worker) before the file it belongs to has been read to its end.
-- Plain bytea rows, keyed by hash: they work through transaction poolers and distribute on
-- Citus (by sha256), where large objects do neither.

CREATE TABLE media_chunks (
    sha256 bytea PRIMARY KEY,
    data   bytea NOT NULL
);
-- Photos and videos are compressed already: store the chunks out of line, uncompressed.
ALTER TABLE media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- One row per distinct content.
CREATE TABLE media_blobs (
    sha256       bytea PRIMARY KEY,
    size_bytes   bigint NOT NULL,
    -- The chunks' SHA-256 digests, 32 bytes each, in order; NULL when the bytes are in a folder.
    chunk_hashes bytea,
    -- Where --media-dir put the file (DIR/ab/cd/<sha256>); NULL when the bytes are in media_chunks.
    stored_path  text,
    run_id       bigint REFERENCES load_runs (id),
    stored_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per media/ entry of the archive that holds bytes.
CREATE TABLE media_entries (
    archive_entry text PRIMARY KEY,
    doc_id        text NOT NULL,
    -- 'original' (the largest entry of its document) or 'thumbnail' (any smaller one).
    variant       text NOT NULL,
    sha256        bytea NOT NULL,
    size_bytes    bigint NOT NULL
);
CREATE INDEX media_entries_doc_id ON media_entries (doc_id);
