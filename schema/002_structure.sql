-- skype-parallel-load schema, version 2: what message markup means, as rows.
-- Every table starts with the message's identity (conversation_id, message_id, fingerprint),
-- the key of messages, so joins are exact even where Skype repeats message ids.

ALTER TABLE messages ADD COLUMN is_server_generated boolean NOT NULL DEFAULT false;

-- Files, photos, videos, voice messages: <URIObject> elements and amsreferences.
CREATE TABLE attachments (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    position        integer NOT NULL,
    kind            text,
    name            text,
    size_bytes      bigint,
    doc_id          text,
    uri             text,
    thumbnail_uri   text,
    PRIMARY KEY (conversation_id, message_id, fingerprint, position)
);
CREATE INDEX attachments_doc_id ON attachments (doc_id);
CREATE INDEX attachments_kind ON attachments (kind);

-- Event/Call messages: <partlist type callId>.
CREATE TABLE calls (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    state           text,
    call_id         text,
    PRIMARY KEY (conversation_id, message_id, fingerprint)
);
CREATE INDEX calls_call_id ON calls (call_id);

-- Each <part> of a call: who, and for how long (seconds, present once the call ended).
CREATE TABLE call_participants (
    conversation_id  text NOT NULL,
    message_id       text NOT NULL,
    fingerprint      bigint NOT NULL,
    position         integer NOT NULL,
    participant_id   text,
    name             text,
    duration_seconds double precision,
    PRIMARY KEY (conversation_id, message_id, fingerprint, position)
);

-- ThreadActivity/* messages: members added or removed, topic and picture changes, roles.
CREATE TABLE thread_events (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    event_type      text NOT NULL,
    event_time      timestamptz,
    initiator       text,
    targets         text[] NOT NULL DEFAULT '{}',
    value           text,
    PRIMARY KEY (conversation_id, message_id, fingerprint)
);

-- properties.emotions: one row per reaction and user.
CREATE TABLE reactions (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    reaction        text NOT NULL,
    user_id         text NOT NULL,
    reacted_at      timestamptz,
    PRIMARY KEY (conversation_id, message_id, fingerprint, reaction, user_id)
);
CREATE INDEX reactions_user ON reactions (user_id);

CREATE TABLE polls (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    question        text,
    options         text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (conversation_id, message_id, fingerprint)
);

-- RichText/Contacts: contacts shared in a message.
CREATE TABLE shared_contacts (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    position        integer NOT NULL,
    contact_id      text,
    full_name       text,
    kind            text,
    PRIMARY KEY (conversation_id, message_id, fingerprint, position)
);

-- RichText/Location: a shared place.
CREATE TABLE locations (
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    fingerprint     bigint NOT NULL,
    latitude        double precision,
    longitude       double precision,
    address         text,
    label           text,
    PRIMARY KEY (conversation_id, message_id, fingerprint)
);
