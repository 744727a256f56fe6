-- skype-parallel-load schema, version 4: secondary indexes dropped for a bulk load into an
-- empty table and not yet rebuilt. A load records them here in the same transaction that drops
-- them, so that an interrupted load never loses an index: the next load (or `migrate`)
-- rebuilds whatever is listed.

CREATE TABLE deferred_indexes (
    index_name  text PRIMARY KEY,
    table_name  text NOT NULL,
    definition  text NOT NULL,
    deferred_at timestamptz NOT NULL DEFAULT now()
);
