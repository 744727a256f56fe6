-- skype-parallel-load schema, version 10: media entries and documents belong to an account.
--
-- Two accounts' exports can hold the same `media/` entry name (or document id) with other
-- bytes, and one account's older export can be loaded after its newer one. Keyed by name alone,
-- the last load won, and one account's files were given back for another's. Now an entry and a
-- document are keyed by (account, name), as conversations are, and of two states of one key the
-- one from the newer export is kept (`exported_at`, the export's `exportDate`), then the greater
-- digest and values: the same rows whatever order the exports are loaded in. The bytes
-- themselves (media_blobs, media_chunks) stay shared, known by their SHA-256.
--
-- Rows stored before this version: an entry goes to each account whose attachments point at its
-- document (the bytes kept are those of the last load; whose they were cannot be told any more),
-- else to the one account of the schema's loads when there was one, else to no account ('').
-- Their `exported_at` is unknown (NULL): any later load of the same key replaces them.

ALTER TABLE media_entries ADD COLUMN account text NOT NULL DEFAULT '', ADD COLUMN exported_at timestamptz;
ALTER TABLE media_entries DROP CONSTRAINT media_entries_pkey;
ALTER TABLE media_entries ADD PRIMARY KEY (account, archive_entry);
DROP INDEX media_entries_doc_id;
CREATE INDEX media_entries_doc_id ON media_entries (account, doc_id);

ALTER TABLE media_files ADD COLUMN account text NOT NULL DEFAULT '', ADD COLUMN exported_at timestamptz;
ALTER TABLE media_files DROP CONSTRAINT media_files_pkey;
ALTER TABLE media_files ADD PRIMARY KEY (account, doc_id);

INSERT INTO media_entries (account, archive_entry, doc_id, variant, sha256, size_bytes)
SELECT DISTINCT a.account, e.archive_entry, e.doc_id, e.variant, e.sha256, e.size_bytes
FROM media_entries e JOIN attachments a ON a.doc_id = e.doc_id
WHERE e.account = '' AND a.account <> ''
ON CONFLICT DO NOTHING;
DELETE FROM media_entries WHERE account = '' AND doc_id IN (SELECT doc_id FROM media_entries WHERE account <> '');

INSERT INTO media_files (account, doc_id, file_name, content_type, metadata, archive_entry, size_bytes)
SELECT DISTINCT a.account, f.doc_id, f.file_name, f.content_type, f.metadata, f.archive_entry, f.size_bytes
FROM media_files f JOIN attachments a ON a.doc_id = f.doc_id
WHERE f.account = '' AND a.account <> ''
ON CONFLICT DO NOTHING;
DELETE FROM media_files WHERE account = '' AND doc_id IN (SELECT doc_id FROM media_files WHERE account <> '');

-- The rest, where the schema's loads name one account (a run of several exports names them
-- all, comma-separated).
UPDATE media_entries SET account = owner.account
FROM (SELECT min(name) AS account FROM (
          SELECT DISTINCT unnest(string_to_array(export_user, ',')) AS name FROM load_runs WHERE export_user <> ''
      ) names HAVING count(*) = 1) owner
WHERE media_entries.account = '';
UPDATE media_files SET account = owner.account
FROM (SELECT min(name) AS account FROM (
          SELECT DISTINCT unnest(string_to_array(export_user, ',')) AS name FROM load_runs WHERE export_user <> ''
      ) names HAVING count(*) = 1) owner
WHERE media_files.account = '';
