-- skype-parallel-load schema, version 5: `messages` is hash-partitioned by conversation into 8
-- partitions. Every query works as before (a conversation lives in one partition, so its timeline
-- reads one); what changes is that each partition has its own, smaller indexes: parallel loading
-- streams contend less on them, and deferred index builds run one partition per connection in
-- parallel (PostgreSQL 15 builds a single GIN index on one core). Partitions are as unequal as
-- the conversations; partitioning by `fingerprint` instead (even partitions) measured slower to
-- load and to index on a 2M-message export with one conversation holding a third of it
-- (Docs/performance.md). Existing rows are moved in this migration's transaction.

ALTER TABLE messages RENAME TO messages_unpartitioned;
ALTER INDEX messages_pkey RENAME TO messages_unpartitioned_pkey;
DROP INDEX IF EXISTS messages_timeline, messages_sent_at, messages_sender, messages_type, messages_body_search;

CREATE TABLE messages (LIKE messages_unpartitioned INCLUDING DEFAULTS) PARTITION BY HASH (conversation_id);
ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (conversation_id, message_id, fingerprint);
CREATE TABLE messages_p0 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE messages_p1 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE messages_p2 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE messages_p3 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE messages_p4 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE messages_p5 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE messages_p6 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE messages_p7 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 7);

INSERT INTO messages SELECT * FROM messages_unpartitioned;
DROP TABLE messages_unpartitioned;

-- The same secondary indexes as before, now one per partition under each name. Indexes an
-- interrupted load had deferred are among them, so nothing is left to rebuild.
CREATE INDEX messages_timeline ON messages (conversation_id, sent_at);
CREATE INDEX messages_sent_at ON messages (sent_at);
CREATE INDEX messages_sender ON messages (sender_id);
CREATE INDEX messages_type ON messages (message_type);
-- Full-text search over the readable text; queries must use the same expression:
-- to_tsvector('simple', coalesce(body_text, '')) @@ ...
CREATE INDEX messages_body_search ON messages USING gin (to_tsvector('simple', coalesce(body_text, '')));
DELETE FROM deferred_indexes;

-- A partitioned index is rebuilt as its parent (`ON ONLY`, instantly) and one index per
-- partition, each attached to the parent once built: `attach_to` names the parent.
ALTER TABLE deferred_indexes ADD COLUMN attach_to text;
