-- skype-parallel-load schema, version 6: accounts, and one row per message across exports.
--
-- Accounts: every conversation belongs to the account whose export holds it (`userId`; '' for
-- an export that names none). Alice's one-to-one chat `8:bob` and Carol's are two
-- conversations; a group chat exported by two accounts is stored once per account. Every key
-- starts with conversation_id: the table is partitioned (and can be distributed) by it, and
-- every key holds it. The account comes after the message's own columns in the keys of
-- messages and structure rows, so that B-tree comparisons seldom reach it.
--
-- Message identity: (conversation_id, account, message_id, fingerprint), where the fingerprint
-- is now a hash of the arrival time, sender and type only (before: and content), so that an
-- edited or deleted copy of a message in a newer export is the same message. Of two states of
-- one message the later one is kept, by its own edit/delete time, version, deleted flag, then
-- content and properties (schema.md); structure rows follow the kept state, reactions are the
-- union of all, states not kept go to message_history. The fingerprint is the first 64 bits of
--   md5(<arrival, Unix microseconds, decimal> 0xFF <sender> 0xFF <type> 0xFF)
-- which the tool computes the same way.
--
-- Rows loaded by earlier versions: a conversation's account is the export owner of the first
-- load that touched it (load_runs.export_user through the shard ledger). Two accounts' chats
-- that earlier versions merged into one conversation cannot be told apart any more: they stay
-- together, under the first owner.

CREATE TEMP TABLE migration_owners ON COMMIT DROP AS
SELECT DISTINCT ON (t.id) t.id, coalesce(r.export_user, '') AS account
FROM (SELECT unnest(conversation_ids) AS id, run_id, committed_at FROM shard_ledger) t
LEFT JOIN load_runs r ON r.id = t.run_id
ORDER BY t.id, t.committed_at;
CREATE UNIQUE INDEX ON migration_owners (id);

ALTER TABLE conversations ADD COLUMN account text NOT NULL DEFAULT '';
UPDATE conversations c SET account = o.account FROM migration_owners o WHERE o.id = c.id AND o.account <> '';
ALTER TABLE conversations DROP CONSTRAINT conversations_pkey;
ALTER TABLE conversations ADD PRIMARY KEY (id, account);

ALTER TABLE participants ADD COLUMN account text NOT NULL DEFAULT '';
UPDATE participants p SET account = o.account FROM migration_owners o WHERE o.id = p.conversation_id AND o.account <> '';
ALTER TABLE participants DROP CONSTRAINT participants_pkey;
ALTER TABLE participants ADD PRIMARY KEY (conversation_id, account, participant_id, source);

-- The ledger knows each shard's account (finalisation recounts that account's conversations)
-- and keeps its rejected messages as JSON lines, so that a shard found already loaded reports
-- them again (shards committed before this version have none recorded).
ALTER TABLE shard_ledger ADD COLUMN account text NOT NULL DEFAULT '', ADD COLUMN rejects text;
UPDATE shard_ledger l SET account = r.export_user FROM load_runs r WHERE r.id = l.run_id AND r.export_user IS NOT NULL;

-- Each stored row's new identity, and whether it is the state kept for it.
CREATE TEMP TABLE migration_keys ON COMMIT DROP AS
SELECT conversation_id, message_id, old_fingerprint, account, fingerprint,
       row_number() OVER (PARTITION BY conversation_id, account, message_id, fingerprint
                          ORDER BY changed_at DESC, version DESC, is_deleted DESC, content COLLATE "C" DESC,
                                   properties COLLATE "C" DESC) = 1 AS kept
FROM (
    SELECT m.conversation_id, m.message_id, m.fingerprint AS old_fingerprint, coalesce(o.account, '') AS account,
           ('x' || left(md5(convert_to(round(extract(epoch FROM m.sent_at) * 1000000)::bigint::text, 'UTF8') || '\xff'::bytea
                || convert_to(coalesce(m.sender_id, ''), 'UTF8') || '\xff'::bytea
                || convert_to(coalesce(m.message_type, ''), 'UTF8') || '\xff'::bytea), 16))::bit(64)::bigint AS fingerprint,
           coalesce(greatest(m.edited_at, m.deleted_at), '-infinity') AS changed_at,
           coalesce(m.version, -9223372036854775808) AS version, m.is_deleted,
           coalesce(m.content, '') AS content, coalesce(m.properties::text, '') AS properties
    FROM messages m LEFT JOIN migration_owners o ON o.id = m.conversation_id
) rows;
CREATE UNIQUE INDEX ON migration_keys (conversation_id, message_id, old_fingerprint);

-- messages is rebuilt (partitioned as in version 5) with the kept state of each message.
DROP INDEX IF EXISTS messages_timeline, messages_sent_at, messages_sender, messages_type, messages_body_search;
ALTER TABLE messages DROP CONSTRAINT messages_pkey;
ALTER TABLE messages RENAME TO messages_v5;
ALTER TABLE messages_p0 RENAME TO messages_v5_p0;
ALTER TABLE messages_p1 RENAME TO messages_v5_p1;
ALTER TABLE messages_p2 RENAME TO messages_v5_p2;
ALTER TABLE messages_p3 RENAME TO messages_v5_p3;
ALTER TABLE messages_p4 RENAME TO messages_v5_p4;
ALTER TABLE messages_p5 RENAME TO messages_v5_p5;
ALTER TABLE messages_p6 RENAME TO messages_v5_p6;
ALTER TABLE messages_p7 RENAME TO messages_v5_p7;

CREATE TABLE messages (
    conversation_id     text NOT NULL,
    account             text NOT NULL DEFAULT '',
    message_id          text NOT NULL,
    fingerprint         bigint NOT NULL,
    sent_at             timestamptz NOT NULL,
    sender_id           text,
    sender_name         text,
    message_type        text,
    content             text,
    body_text           text,
    is_edited           boolean NOT NULL DEFAULT false,
    is_deleted          boolean NOT NULL DEFAULT false,
    edited_at           timestamptz,
    deleted_at          timestamptz,
    version             bigint,
    properties          jsonb,
    amsreferences       jsonb,
    source_offset       bigint,
    source_index        integer,
    is_server_generated boolean NOT NULL DEFAULT false,
    CONSTRAINT messages_pkey PRIMARY KEY (conversation_id, message_id, fingerprint, account)
) PARTITION BY HASH (conversation_id);
CREATE TABLE messages_p0 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE messages_p1 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE messages_p2 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE messages_p3 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE messages_p4 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE messages_p5 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE messages_p6 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE messages_p7 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- Earlier states of messages (the text before an edit or a deletion), read by people, never
-- searched: one row per distinct state that lost to a later one, whichever export held it.
CREATE TABLE message_history (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    account         text NOT NULL,
    sender_name     text,
    content         text,
    body_text       text,
    is_edited       boolean NOT NULL,
    is_deleted      boolean NOT NULL,
    edited_at       timestamptz,
    deleted_at      timestamptz,
    version         bigint,
    properties      jsonb,
    state           text GENERATED ALWAYS AS (md5(coalesce(content, '') || E'\n' || coalesce(properties::text, ''))) STORED,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, message_id, fingerprint, account, state)
);
INSERT INTO message_history (conversation_id, message_id, fingerprint, account, sender_name, content, body_text,
                             is_edited, is_deleted, edited_at, deleted_at, version, properties)
SELECT m.conversation_id, m.message_id, k.fingerprint, k.account, m.sender_name, m.content, m.body_text,
       m.is_edited, m.is_deleted, m.edited_at, m.deleted_at, m.version, m.properties
FROM messages_v5 m JOIN migration_keys k
  ON k.conversation_id = m.conversation_id AND k.message_id = m.message_id AND k.old_fingerprint = m.fingerprint
WHERE NOT k.kept
ON CONFLICT DO NOTHING;

INSERT INTO messages (conversation_id, account, message_id, fingerprint, sent_at, sender_id, sender_name, message_type,
                      content, body_text, is_edited, is_deleted, edited_at, deleted_at, version, properties,
                      amsreferences, source_offset, source_index, is_server_generated)
SELECT m.conversation_id, k.account, m.message_id, k.fingerprint, m.sent_at, m.sender_id, m.sender_name, m.message_type,
       m.content, m.body_text, m.is_edited, m.is_deleted, m.edited_at, m.deleted_at, m.version, m.properties,
       m.amsreferences, m.source_offset, m.source_index, m.is_server_generated
FROM messages_v5 m JOIN migration_keys k
  ON k.conversation_id = m.conversation_id AND k.message_id = m.message_id AND k.old_fingerprint = m.fingerprint
WHERE k.kept;
DROP TABLE messages_v5;

CREATE INDEX messages_timeline ON messages (conversation_id, sent_at);
CREATE INDEX messages_sent_at ON messages (sent_at);
CREATE INDEX messages_sender ON messages (sender_id);
CREATE INDEX messages_type ON messages (message_type);
-- Full-text search over the readable text; queries must use the same expression:
-- to_tsvector('simple', coalesce(body_text, '')) @@ ...
CREATE INDEX messages_body_search ON messages USING gin (to_tsvector('simple', coalesce(body_text, '')));
-- Indexes an interrupted load had deferred were among those just built.
DELETE FROM deferred_indexes;

-- Structure rows take their message's new identity; those of states not kept go (the kept
-- state has its own), except reactions, which are the union of every state's.
DELETE FROM attachments t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM calls t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM call_participants t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM thread_events t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM polls t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM shared_contacts t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
DELETE FROM locations t USING migration_keys k WHERE NOT k.kept
    AND t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;

ALTER TABLE attachments DROP CONSTRAINT attachments_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE calls DROP CONSTRAINT calls_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE call_participants DROP CONSTRAINT call_participants_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE thread_events DROP CONSTRAINT thread_events_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE reactions DROP CONSTRAINT reactions_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE polls DROP CONSTRAINT polls_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE shared_contacts DROP CONSTRAINT shared_contacts_pkey, ADD COLUMN account text NOT NULL DEFAULT '';
ALTER TABLE locations DROP CONSTRAINT locations_pkey, ADD COLUMN account text NOT NULL DEFAULT '';

UPDATE attachments t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE calls t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE call_participants t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE thread_events t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE reactions t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE polls t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE shared_contacts t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;
UPDATE locations t SET account = k.account, fingerprint = k.fingerprint FROM migration_keys k
WHERE t.conversation_id = k.conversation_id AND t.message_id = k.message_id AND t.fingerprint = k.old_fingerprint;

-- Two states' reactions under one identity: the same reaction by the same person once.
DELETE FROM reactions a USING reactions b
WHERE a.ctid < b.ctid AND a.conversation_id = b.conversation_id AND a.account = b.account
  AND a.message_id = b.message_id AND a.fingerprint = b.fingerprint AND a.reaction = b.reaction AND a.user_id = b.user_id;

ALTER TABLE attachments ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account, position);
ALTER TABLE calls ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account);
ALTER TABLE call_participants ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account, position);
ALTER TABLE thread_events ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account);
ALTER TABLE reactions ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account, reaction, user_id);
ALTER TABLE polls ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account);
ALTER TABLE shared_contacts ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account, position);
ALTER TABLE locations ADD PRIMARY KEY (conversation_id, message_id, fingerprint, account);
