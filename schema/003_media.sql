-- skype-parallel-load schema, version 3: the archive's media entries.
-- media/<docid>.json holds a file's metadata; media/<docid>.1.<ext> its bytes (not loaded).
-- doc_id joins attachments.doc_id.

CREATE TABLE media_files (
    doc_id        text PRIMARY KEY,
    file_name     text,
    content_type  text,
    metadata      jsonb,
    archive_entry text,
    size_bytes    bigint
);
