import SkypeExport
import Foundation

/// The SQL a shard's transaction runs, with the schema name quoted once. Values always travel
/// as bind parameters or COPY data, never inside the SQL text.
package struct LoadStatements {
    let schema: String

    package init(schema: String) {
        self.schema = PostgresConnection.quoteIdentifier(schema)
    }

    /// Claims the shard; inserts nothing (0 rows) when it is already loaded or being loaded by
    /// another transaction, which this one then waits for. The counts it records are the
    /// direct path's (every row new); a shard merged through staging tables updates them
    /// (``recordShard``) before its COMMIT.
    var claimShard: String {
        """
        INSERT INTO \(schema).shard_ledger (shard_key, run_id, ordinal, conversation_ids, message_count, byte_count, worker, account,
            rows_inserted, rejects)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (shard_key) DO NOTHING
        """
    }

    /// Whether the ledger holds the shard already; checked before parsing so a rerun is cheap.
    var shardIsLoaded: String {
        "SELECT run_id, rows_inserted, rejects FROM \(schema).shard_ledger WHERE shard_key = $1"
    }

    /// Only when the direct COPY met existing rows. Staging tables live only inside the
    /// transaction, so the load works through transaction-mode poolers. JIT is off for the rest
    /// of the transaction: the merge's statements join a few thousand staged rows through the
    /// primary keys, but the planner, estimating the whole `messages`, compiled them (a
    /// second and a half for the first merge of a 2M load; 0.1 s each after).
    var createMessageStaging: String {
        """
        SELECT set_config('jit', 'off', true);
        CREATE TEMP TABLE stage_messages (LIKE \(schema).messages INCLUDING DEFAULTS) ON COMMIT DROP;
        CREATE TEMP TABLE stage_changed (conversation_id text, account text, message_id text,
            fingerprint bigint, replaced boolean) ON COMMIT DROP;
        """
    }

    var copyMessages: String {
        "COPY stage_messages (\(MessageRecord.columns.joined(separator: ", "))) FROM STDIN WITH (FORMAT binary)"
    }

    /// The optimistic path's COPY straight into `messages`.
    var copyMessagesDirect: String {
        "COPY \(schema).messages (\(MessageRecord.columns.joined(separator: ", "))) FROM STDIN WITH (FORMAT binary)"
    }

    /// The order of a message's states (``MessageRevision``) as a row value of `row`'s columns.
    private static func revision(_ row: String) -> String {
        """
        (coalesce(greatest(\(row).edited_at, \(row).deleted_at), '-infinity'), coalesce(\(row).version, -9223372036854775808),
         \(row).is_deleted, coalesce(\(row).content, '') COLLATE "C", coalesce(\(row).properties::text, '') COLLATE "C")
        """
    }

    /// Adds the messages not present and replaces those whose stored state is older
    /// (``MessageRevision``); records which, in `stage_changed`, for the structure rows.
    /// Returns one row: (inserted, replaced). The stage holds one row per identity.
    var mergeMessages: String {
        let columns = MessageRecord.columns.joined(separator: ", ")
        let key = "conversation_id, account, message_id, fingerprint"
        let updates = MessageRecord.columns.filter { !["conversation_id", "account", "message_id", "fingerprint"].contains($0) }
            .map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        return """
            WITH present AS MATERIALIZED (
                SELECT \(key) FROM stage_messages s JOIN \(schema).messages m USING (\(key))
            ), changed AS (
                INSERT INTO \(schema).messages AS m (\(columns)) SELECT \(columns) FROM stage_messages
                ON CONFLICT (\(key)) DO UPDATE SET \(updates)
                WHERE \(Self.revision("EXCLUDED")) > \(Self.revision("m"))
                RETURNING m.conversation_id, m.account, m.message_id, m.fingerprint
            ), recorded AS (
                INSERT INTO stage_changed SELECT c.conversation_id, c.account, c.message_id, c.fingerprint, p.message_id IS NOT NULL
                FROM changed c LEFT JOIN present p USING (\(key))
                RETURNING replaced
            )
            SELECT count(*) FILTER (WHERE NOT replaced), count(*) FILTER (WHERE replaced) FROM recorded
            """
    }

    /// Keeps, before the merge, every state of a staged message that loses to another: the
    /// stored state a staged one replaces, and a staged state older than the stored one. Either
    /// load order leaves the same history.
    var recordHistory: String {
        let key = "conversation_id, account, message_id, fingerprint"
        let columns = "conversation_id, message_id, fingerprint, account, sender_name, content, body_text, is_edited, is_deleted, edited_at, deleted_at, version, properties"
        let older = { (row: String) in columns.split(separator: ",").map { "\(row).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ") }
        return """
            INSERT INTO \(schema).message_history (\(columns))
            SELECT \(older("m")) FROM stage_messages s JOIN \(schema).messages m USING (\(key))
            WHERE \(Self.revision("s")) > \(Self.revision("m"))
            UNION ALL
            SELECT \(older("s")) FROM stage_messages s JOIN \(schema).messages m USING (\(key))
            WHERE \(Self.revision("s")) < \(Self.revision("m"))
            ON CONFLICT DO NOTHING
            """
    }

    /// Staging, COPY and merge for one structure table; only tables with rows are staged. The
    /// merge adds the rows of messages that were added or replaced (`stage_changed`); reactions
    /// are the union of every export's, whichever state of the message won.
    func structure(_ table: StructureTable) -> (create: String, copy: String, merge: String, direct: String) {
        let columns = (StructureTable.identityColumns + table.columns).joined(separator: ", ")
        let key = StructureTable.identityColumns.joined(separator: ", ")
        let stage = "stage_\(table.rawValue)"
        let source = table.followsMessageState ? "\(stage) JOIN stage_changed USING (\(key))" : stage
        return ("CREATE TEMP TABLE \(stage) (LIKE \(schema).\(table.rawValue) INCLUDING DEFAULTS) ON COMMIT DROP",
                "COPY \(stage) (\(columns)) FROM STDIN",
                "INSERT INTO \(schema).\(table.rawValue) (\(columns)) SELECT \(columns) FROM \(source) ON CONFLICT DO NOTHING",
                "COPY \(schema).\(table.rawValue) (\(columns)) FROM STDIN")
    }

    /// Removes the structure rows of messages whose state was replaced: the new state's rows
    /// take their place (a deleted message keeps no attachment, no call, ...).
    func removeReplacedStructure(_ table: StructureTable) -> String {
        let match = StructureTable.identityColumns.map { "t.\($0) = c.\($0)" }.joined(separator: " AND ")
        return "DELETE FROM \(schema).\(table.rawValue) t USING stage_changed c WHERE c.replaced AND \(match)"
    }

    /// The header with the higher `version` wins (the newer export's, whichever is loaded
    /// last; of two in one shard, the later); the counts are left to ``finalize``. The rows
    /// come as arrays (``ConversationRecord/arrays(_:)``), not through a staging table: a
    /// temporary table created and dropped per shard cost the server catalog writes and their
    /// vacuuming for a few rows. `updated_at` takes the proposed row's default
    /// (now()) through EXCLUDED: Citus refuses a non-immutable function such as now() in DO
    /// UPDATE SET on a distributed table, but evaluates the default on the coordinator.
    var mergeConversations: String {
        """
        INSERT INTO \(schema).conversations (id, account, display_name, title, kind, topic, version, properties, thread_properties)
        SELECT DISTINCT ON (id, account) id, account, display_name, title, kind, topic, version, properties::jsonb,
            thread_properties::jsonb
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])
            WITH ORDINALITY AS c(id, account, display_name, title, kind, topic, version, properties, thread_properties, position)
        ORDER BY id, account, position DESC
        ON CONFLICT (id, account) DO UPDATE SET
            display_name = EXCLUDED.display_name, title = EXCLUDED.title, kind = EXCLUDED.kind,
            topic = EXCLUDED.topic, version = EXCLUDED.version, properties = EXCLUDED.properties,
            thread_properties = EXCLUDED.thread_properties, updated_at = EXCLUDED.updated_at
        WHERE coalesce(EXCLUDED.version, -1) >= coalesce(conversations.version, -1)
        """
    }

    var mergeMembers: String {
        """
        INSERT INTO \(schema).participants (conversation_id, account, participant_id, source)
        SELECT DISTINCT conversation_id, account, participant_id, 'member'
        FROM unnest($1::text[], $2::text[], $3::text[]) AS m(conversation_id, account, participant_id)
        ON CONFLICT DO NOTHING
        """
    }

    var recordShard: String {
        "UPDATE \(schema).shard_ledger SET rows_inserted = $2, rejects = $3 WHERE shard_key = $1"
    }

    /// Recomputes counts, time range and observed senders of the conversations that shards
    /// committed since the last finalisation touched. Done once, by the coordinator, after the
    /// shards: doing it per shard would make slices of one conversation wait for each other.
    /// One scan of the touched messages, grouped by conversation and sender, serves both the
    /// senders and the counts (the CTE is referenced twice, so PostgreSQL computes it once).
    /// Grouped by hashing, for the statement's implicit transaction only: the planner sorted
    /// every touched row instead (2M messages: 200 MB spilled to disk, 2.3-2.5 s against
    /// 1.1-1.7 s, for 3,720 groups). No JIT: compiling the statement costs more than it saves.
    package var finalize: String {
        """
        SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true);
        WITH touched AS (
            SELECT DISTINCT unnest(conversation_ids) AS id, account FROM \(schema).shard_ledger WHERE NOT finalized
        ), by_sender AS (
            SELECT m.conversation_id, m.account, m.sender_id, count(*) AS n, min(m.sent_at) AS first_at, max(m.sent_at) AS last_at
            FROM \(schema).messages m JOIN touched t ON t.id = m.conversation_id AND t.account = m.account
            GROUP BY m.conversation_id, m.account, m.sender_id
        ), senders AS (
            INSERT INTO \(schema).participants (conversation_id, account, participant_id, source)
            SELECT conversation_id, account, sender_id, 'sender' FROM by_sender
            WHERE sender_id IS NOT NULL AND sender_id <> ''
            ON CONFLICT DO NOTHING
        ), counted AS (
            SELECT conversation_id, account, sum(n) AS n, min(first_at) AS first_at, max(last_at) AS last_at
            FROM by_sender GROUP BY conversation_id, account
        ), updated AS (
            UPDATE \(schema).conversations c
            SET message_count = counted.n, first_message_at = counted.first_at, last_message_at = counted.last_at
            FROM counted WHERE c.id = counted.conversation_id AND c.account = counted.account
        )
        UPDATE \(schema).shard_ledger SET finalized = true WHERE NOT finalized
        """
    }

    /// Media metadata, by account and document. Of two states of one document the newer
    /// export's is kept, then the greater values: the rows kept do not depend on the load order.
    package var media: (create: String, copy: String, merge: String) {
        let columns = MediaCatalog.columns.joined(separator: ", ")
        func rank(_ table: String) -> String {
            "ROW(coalesce(\(table).exported_at, '-infinity'), coalesce(\(table).metadata::text, '') COLLATE \"C\", "
                + "coalesce(\(table).file_name, '') COLLATE \"C\", coalesce(\(table).content_type, '') COLLATE \"C\", "
                + "coalesce(\(table).archive_entry, '') COLLATE \"C\", coalesce(\(table).size_bytes, -1))"
        }
        return ("CREATE TEMP TABLE stage_media (LIKE \(schema).media_files) ON COMMIT DROP",
                "COPY stage_media (\(columns)) FROM STDIN",
                """
                INSERT INTO \(schema).media_files (\(columns))
                SELECT DISTINCT ON (account, doc_id) \(columns) FROM stage_media ORDER BY account, doc_id, \(rank("stage_media")) DESC
                ON CONFLICT (account, doc_id) DO UPDATE SET
                    exported_at = EXCLUDED.exported_at, file_name = EXCLUDED.file_name, content_type = EXCLUDED.content_type,
                    metadata = EXCLUDED.metadata, archive_entry = EXCLUDED.archive_entry, size_bytes = EXCLUDED.size_bytes
                WHERE \(rank("EXCLUDED")) > \(rank("media_files"))
                """)
    }

    /// Runs left `running` by a coordinator that died (SIGKILL, a lost machine): run only with
    /// the schema lock held, when no other load can be running, so that monitoring never sees a
    /// phantom load. Their end is unknown: `finished_at` stays empty.
    package var abandonStaleRuns: String {
        "UPDATE \(schema).load_runs SET status = 'abandoned' WHERE status = 'running' RETURNING id"
    }

    package var startRun: String {
        """
        INSERT INTO \(schema).load_runs (export_path, workers, status, tool_version)
        VALUES ($1, $2, 'running', $3) RETURNING id
        """
    }

    package var finishRun: String {
        """
        UPDATE \(schema).load_runs
        SET finished_at = now(), status = $2, export_user = $3, export_date = $4, report = $5::jsonb
        WHERE id = $1
        """
    }
}
