-- skype-parallel-load schema, version 1.
-- Tables are unqualified: the tool runs this file with search_path set to the target schema
-- (default "skype"), so the same file serves any --schema.

CREATE TABLE conversations (
    id                text PRIMARY KEY,
    display_name      text,
    title             text NOT NULL,
    kind              text NOT NULL,
    topic             text,
    version           bigint,
    properties        jsonb,
    thread_properties jsonb,
    message_count     bigint NOT NULL DEFAULT 0,
    first_message_at  timestamptz,
    last_message_at   timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per distinct message. Skype message ids repeat across conversations and even within
-- one, so identity is (conversation, id, fingerprint of arrival time + sender + type + content):
-- exact repeats merge, distinct messages that share an id are all kept.
CREATE TABLE messages (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    sent_at         timestamptz NOT NULL,
    sender_id       text,
    sender_name     text,
    message_type    text,
    content         text,
    body_text       text,
    is_edited       boolean NOT NULL DEFAULT false,
    is_deleted      boolean NOT NULL DEFAULT false,
    edited_at       timestamptz,
    deleted_at      timestamptz,
    version         bigint,
    properties      jsonb,
    amsreferences   jsonb,
    source_offset   bigint,
    source_index    integer,
    PRIMARY KEY (conversation_id, message_id, fingerprint)
);

CREATE INDEX messages_timeline ON messages (conversation_id, sent_at);
CREATE INDEX messages_sent_at ON messages (sent_at);
CREATE INDEX messages_sender ON messages (sender_id);
CREATE INDEX messages_type ON messages (message_type);
-- 'simple' keeps every word of every language (no stemming, no stop words); queries must use
-- the same expression: to_tsvector('simple', coalesce(body_text, '')) @@ ...
CREATE INDEX messages_body_search ON messages USING gin (to_tsvector('simple', coalesce(body_text, '')));

-- Who is in a conversation: listed members (threadProperties.members) and observed senders.
CREATE TABLE participants (
    conversation_id text NOT NULL,
    participant_id  text NOT NULL,
    source          text NOT NULL CHECK (source IN ('member', 'sender')),
    PRIMARY KEY (conversation_id, participant_id, source)
);

-- Each load of an export.
CREATE TABLE load_runs (
    id           bigserial PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running',
    export_path  text,
    export_user  text,
    export_date  text,
    workers      integer,
    report       jsonb
);

-- The shard ledger: a shard's row is inserted in the shard's own transaction, so a shard
-- commits exactly once; a rerun finds the row and skips the shard.
CREATE TABLE shard_ledger (
    shard_key        text PRIMARY KEY,
    run_id           bigint REFERENCES load_runs (id),
    ordinal          integer NOT NULL,
    conversation_ids text[] NOT NULL,
    message_count    integer NOT NULL,
    rows_inserted    integer NOT NULL DEFAULT 0,
    byte_count       bigint NOT NULL,
    worker           integer,
    finalized        boolean NOT NULL DEFAULT false,
    committed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shard_ledger_unfinalized ON shard_ledger (run_id) WHERE NOT finalized;
