-- skype-parallel-load schema, version 7: what a reply quotes and whom a message mentions, as
-- rows. A reply's body_text is its own words; what it quotes (the message id, that message's
-- conversation, author and time, and the quoted words) is in `quotes`, one row per <quote>
-- element, in order. body_text shows a mention as `@Name`; whom it names is in `mentions`.
--
-- Both tables take their message key from `polls`, another structure table keyed by the message
-- alone, so that they are keyed exactly as the other structure tables are, whatever an earlier
-- migration made their key; `position` is added to that key.
CREATE TABLE quotes (LIKE polls INCLUDING DEFAULTS);
ALTER TABLE quotes DROP COLUMN question, DROP COLUMN options,
    ADD COLUMN position integer NOT NULL,
    ADD COLUMN quoted_message_id text,
    ADD COLUMN quoted_conversation_id text,
    ADD COLUMN author_id text,
    ADD COLUMN author_name text,
    ADD COLUMN quoted_at timestamptz,
    ADD COLUMN quoted_text text;

CREATE TABLE mentions (LIKE polls INCLUDING DEFAULTS);
ALTER TABLE mentions DROP COLUMN question, DROP COLUMN options,
    ADD COLUMN position integer NOT NULL,
    ADD COLUMN mentioned_id text,
    ADD COLUMN name text;

DO $$
DECLARE
    key text;
BEGIN
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ordinality) INTO key
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = 'polls'::regclass AND i.indisprimary;
    EXECUTE format('ALTER TABLE quotes ADD PRIMARY KEY (%s, position)', key);
    EXECUTE format('ALTER TABLE mentions ADD PRIMARY KEY (%s, position)', key);
END
$$;
-- Replies to one message: join on (conversation, quoted_message_id).
CREATE INDEX quotes_quoted_message ON quotes (quoted_message_id);
-- Messages that mention someone.
CREATE INDEX mentions_mentioned ON mentions (mentioned_id);
