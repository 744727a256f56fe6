/// Where a schema's tables live on a Citus cluster (Docs/scaling.md).
///
/// - `conversations` is distributed by `id`, and every table holding a `conversation_id` column
///   (`messages`, `participants`, the structure tables, and any later migration's) by
///   `conversation_id`, colocated with it: a shard's rows for one conversation sit on one worker
///   node, every key holds the distribution column, and joins by conversation stay on a node.
/// - Media bytes (`media_chunks`, and `media_blobs` that lists each content's chunks) are
///   distributed by their SHA-256, colocated with each other.
/// - Other tables (`media_files`, `media_entries`, keyed by document or archive entry, and
///   `load_runs`, which `media_blobs` refers to) are reference tables: a copy on every node, so
///   `attachments.doc_id` joins them where the attachment lives.
/// - Bookkeeping (`schema_migrations`, `shard_ledger`, `deferred_indexes`) stays on
///   the coordinator as Citus local tables. The coordinator decides every distributed commit, so
///   a ledger row there commits with its shard's rows; being in Citus's metadata, a write to it
///   makes Citus commit the shard's transaction with two-phase commit even when the rows went to
///   one worker node (with a plain local table Citus commits such a transaction on the worker
///   first, one-phase, and a crash in between would leave rows without their ledger row).
///
/// A schema made on a Citus database is laid out so by `migrate`; a schema made before on one
/// server is left as it is unless asked (`migrate --distribute`), because distributing copies
/// every row across the network.
package struct CitusLayout {
    package let schema: String

    /// Tables that stay on the coordinator.
    package static let bookkeepingTables: Set<String> = ["schema_migrations", "shard_ledger", "deferred_indexes"]
    /// Tables not keyed by conversation that grow with the data: distributed by their key,
    /// colocated with the first of their group. Media bytes are content-addressed chunks
    /// (schema 9): spread by digest, never copied to every node.
    static let distributedByKey: [(table: String, column: String, colocateWith: String?)] = [
        ("media_chunks", "sha256", nil),
        ("media_blobs", "sha256", "media_chunks"),
    ]
    /// The table every per-conversation table is colocated with.
    static let anchor = "conversations"

    package init(schema: String) {
        self.schema = schema
    }

    /// Whether the connected database has the `citus` extension.
    package static func isInstalled(_ connection: PostgresConnection) throws -> Bool {
        try connection.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'").rows.count == 1
    }

    /// Finishes the two-phase commits a crash left prepared on worker nodes (committed where
    /// the coordinator committed, rolled back elsewhere), as Citus's maintenance daemon does
    /// every minute; a load does it first so that no prepared transaction holds rows it meets.
    /// Returns how many it finished.
    @discardableResult
    package static func recoverPreparedTransactions(_ connection: PostgresConnection) throws -> Int {
        Int(try connection.execute("SELECT recover_prepared_transactions()").rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// Citus's prepared transactions still open on the worker nodes, counting a node that does
    /// not answer as one (it may hold some). A shard whose commit reached a node that was down
    /// is committed on the coordinator, ledger row included, while its rows there wait in such
    /// a transaction until recovery commits it.
    package static func preparedTransactionsLeft(_ connection: PostgresConnection) throws -> Int {
        let rows = try connection.execute("""
            SELECT coalesce(sum(CASE WHEN success THEN result::bigint ELSE 1 END), 0)
            FROM run_command_on_workers($$SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'citus\\_%'$$)
            """).rows
        return Int(rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// How a table is placed.
    package enum Placement: Equatable, Sendable {
        /// An ordinary table, unknown to Citus (on the coordinator).
        case plain
        case distributed(by: String)
        case reference
        /// On the coordinator, in Citus's metadata.
        case citusLocal
    }

    /// The schema's tables (partitions go with their parent) and where each is placed.
    package func placements(_ connection: PostgresConnection) throws -> [(table: String, placement: Placement)] {
        try connection.execute("""
            SELECT c.relname, coalesce(p.partmethod::text, ''), coalesce(p.repmodel::text, ''),
                   CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) ELSE '' END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.relname
            """, [schema]).rows.map { row in
            let placement: Placement = switch (row[1] ?? "", row[2] ?? "") {
            case ("h", _): .distributed(by: row[3] ?? "")
            case ("n", "t"): .reference
            case ("n", _): .citusLocal
            default: .plain
            }
            return (row[0] ?? "", placement)
        }
    }

    /// Whether the schema is laid out for Citus (its anchor table is distributed); false on a
    /// database without Citus.
    package func isDistributed(_ connection: PostgresConnection) throws -> Bool {
        guard try Self.isInstalled(connection) else { return false }
        return try placements(connection).contains { $0.table == Self.anchor && $0.placement != .plain }
    }

    /// Places every table that is still plain, in the caller's transaction; returns one line per
    /// table placed, saying where. Tables of later migrations land here too once the schema is
    /// distributed. Copies the rows of tables that hold some to the worker nodes.
    package func distribute(_ connection: PostgresConnection) throws -> [String] {
        let tables = try placements(connection)
        let columns = try Dictionary(grouping: connection.execute("""
            SELECT c.relname, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped
            """, [schema]).rows, by: { $0[0] ?? "" }).mapValues { Set($0.compactMap { $0[1] }) }
        let quoted = { (table: String) in PostgresConnection.quoteIdentifier(schema) + "." + PostgresConnection.quoteIdentifier(table) }
        var done: [String] = []
        // The anchor first (the others are colocated with it), then `load_runs` (media_blobs
        // refers to it), then the keyed tables in their order, then the rest by name.
        let keyed = Self.distributedByKey.map(\.table)
        func rank(_ table: String) -> Int {
            table == Self.anchor ? 0 : table == "load_runs" ? 1 : (keyed.firstIndex(of: table).map { 2 + $0 } ?? 99)
        }
        let plain = tables.filter { $0.placement == .plain }.map(\.table).sorted { (rank($0), $0) < (rank($1), $1) }
        var bookkeeping: [String] = []
        for table in plain {
            if Self.bookkeepingTables.contains(table) {
                bookkeeping.append(table)
            } else if table == Self.anchor {
                try connection.execute("SELECT create_distributed_table($1, 'id')", [quoted(table)])
                done.append("\(table): distributed by id")
            } else if let keyedBy = Self.distributedByKey.first(where: { $0.table == table }) {
                try connection.execute("SELECT create_distributed_table($1, $2, colocate_with => $3)",
                                       [quoted(table), keyedBy.column, keyedBy.colocateWith.map(quoted) ?? "none"])
                done.append("\(table): distributed by \(keyedBy.column)" + (keyedBy.colocateWith.map { ", colocated with \($0)" } ?? ""))
            } else if columns[table]?.contains("conversation_id") == true {
                try connection.execute("SELECT create_distributed_table($1, 'conversation_id', colocate_with => $2)",
                                       [quoted(table), quoted(Self.anchor)])
                done.append("\(table): distributed by conversation_id, colocated with \(Self.anchor)")
            } else {
                try connection.execute("SELECT create_reference_table($1)", [quoted(table)])
                done.append("\(table): reference table (a copy on every node)")
            }
        }
        for table in bookkeeping {
            // Tables linked by foreign keys join the metadata together (cascade); a table an
            // earlier one already brought in is skipped.
            let already = try placements(connection).contains { $0.table == table && $0.placement != .plain }
            if already { continue }
            try connection.execute("SELECT citus_add_local_table_to_metadata($1, cascade_via_foreign_keys => true)", [quoted(table)])
        }
        let placedNow = try placements(connection)
        for table in bookkeeping where placedNow.contains(where: { $0.table == table && $0.placement == .citusLocal }) {
            done.append("\(table): on the coordinator (Citus local table)")
        }
        return done
    }
}
