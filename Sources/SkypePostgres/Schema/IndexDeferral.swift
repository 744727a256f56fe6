import Foundation
import SkypeSupport

/// Drops the secondary indexes of `messages` before a bulk load and builds them again after it,
/// recording them in `deferred_indexes` in the same transaction as the drop so that no index
/// is ever lost, whatever interrupts the load.
///
/// `messages` is partitioned (schema version 5): each of its indexes is a parent with one index
/// per partition. The rebuild creates the parent `ON ONLY` the table (instant, not yet valid),
/// then builds the partitions' indexes in parallel, one connection each, attaching each to its
/// parent; the parent becomes valid when the last one is attached. PostgreSQL 15 builds one GIN
/// index on one core, so this is what lets the full-text index use every core; on PostgreSQL
/// 18, which builds GIN indexes in parallel, cores beyond one per partition join the builds as
/// parallel workers (``parallelWorkersPerFullTextBuild(serverVersion:cores:fullTextBuilds:serverSetting:)``).
package struct IndexDeferral: Sendable {
    /// One index recorded in `deferred_indexes`.
    package struct DeferredIndex: Sendable, Equatable {
        package var name: String
        /// The `CREATE INDEX` statement that builds it.
        package var definition: String
        /// The parent (partitioned) index it is attached to once built; nil for a parent or an
        /// index of an unpartitioned table.
        package var attachTo: String?
        /// The table it indexes: a partition for a partition's index (records made before
        /// this was kept say `messages` for all; they are built in name order).
        package var table: String = IndexDeferral.table
    }

    package let schema: String
    /// The table whose secondary indexes are deferred.
    static let table = "messages"

    package init(schema: String) { self.schema = schema }

    var quotedSchema: String { PostgresConnection.quoteIdentifier(schema) }

    /// Whether the table is empty (so that deferring pays off).
    package func tableIsEmpty(_ connection: PostgresConnection) throws -> Bool {
        try connection.execute("SELECT NOT EXISTS (SELECT 1 FROM \(quotedSchema).\(Self.table))").rows.first?.first == "t"
    }

    /// Indexes dropped by an earlier load and not yet rebuilt, parents and partitions' indexes:
    /// the records that are of this tool's indexes (``checked(_:partitions:)``). Others are
    /// left alone (``refused(_:)``), so that a row anyone put there cannot stop a load.
    package func pending(_ connection: PostgresConnection) throws -> [DeferredIndex] {
        let partitions = try self.partitions(connection)
        return try recorded(connection).compactMap { Self.checked($0, partitions: partitions) }
    }

    /// The names of the records that are not of this tool's indexes: never built, never run.
    package func refused(_ connection: PostgresConnection) throws -> [String] {
        let buildable = Set(try pending(connection).map(\.name))
        return try recorded(connection).map(\.name).filter { !buildable.contains($0) }
    }

    private func recorded(_ connection: PostgresConnection) throws -> [DeferredIndex] {
        try connection.execute("SELECT index_name, definition, attach_to, table_name FROM \(quotedSchema).deferred_indexes ORDER BY index_name")
            .rows.compactMap { row in
                guard row.count == 4, let name = row[0], let definition = row[1], let table = row[3] else { return nil }
                return DeferredIndex(name: name, definition: definition, attachTo: row[2], table: table)
            }
    }

    /// How many of the table's indexes (as a user counts them: parents, not partitions) are pending.
    package func pendingCount(_ connection: PostgresConnection) throws -> Int {
        try pending(connection).filter { $0.attachTo == nil }.count
    }

    /// Drops this tool's secondary indexes of the table (``MessageIndexCatalog``), with the
    /// partitions' indexes under them; returns how many were dropped (parents). The primary key
    /// (which the merge needs) and indexes a user made stay: they could not be built again from
    /// statements this tool checks.
    @discardableResult
    package func dropSecondaryIndexes(_ connection: PostgresConnection) throws -> Int {
        try connection.execute(LockTimeout.begin)
        do {
            let parents = try connection.execute("""
                SELECT i.indexrelid, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.relname
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary AND c.relname = ANY($2::text[])
                """, [quotedSchema + "." + Self.table, Self.catalogNames]).rows
            for parent in parents {
                guard parent.count == 4, let oid = parent[0], let qualified = parent[1], let definition = parent[2],
                      let name = parent[3] else { continue }
                try record(DeferredIndex(name: name, definition: definition, attachTo: nil), on: connection)
                let children = try connection.execute("""
                    SELECT c.relname, pg_get_indexdef(h.inhrelid), t.relname
                    FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
                    JOIN pg_index i ON i.indexrelid = h.inhrelid JOIN pg_class t ON t.oid = i.indrelid
                    WHERE h.inhparent = $1::oid
                    """, [oid]).rows
                for child in children {
                    guard child.count == 3, let childName = child[0], let childDefinition = child[1], let table = child[2] else {
                        continue
                    }
                    try record(DeferredIndex(name: childName, definition: childDefinition, attachTo: name, table: table),
                               on: connection)
                }
                try connection.execute("DROP INDEX \(qualified)")
            }
            try connection.execute("COMMIT")
            return parents.count
        } catch {
            if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    private func record(_ index: DeferredIndex, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO \(quotedSchema).deferred_indexes (index_name, table_name, definition, attach_to)
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
            """, [index.name, index.table, index.definition, index.attachTo])
    }

    /// `{"messages_timeline",...}`: the catalog's names as a `text[]` parameter.
    static var catalogNames: String {
        "{" + MessageIndexCatalog.shapes.keys.sorted().joined(separator: ",") + "}"
    }

    /// Builds `index` from the catalog's statement (never the recorded one); `only`: a
    /// partitioned parent, made on the table alone. `index` must have passed ``checked(_:partitions:)``.
    func create(_ index: DeferredIndex, only: Bool = false, on connection: PostgresConnection) throws {
        guard let statement = MessageIndexCatalog.statement(for: index, schema: schema, only: only) else {
            throw LoadError(.schema, "deferred index \(index.name) is not one this tool makes: not built")
        }
        do {
            try connection.execute(LockTimeout.bounded(statement))
        } catch {
            // 42P07: built by an earlier attempt that stopped before forgetting it.
            guard error.sqlState == "42P07" else { throw error }
        }
    }

    /// `index` as it may be built, or nil when its record is not of this tool's indexes: a
    /// parent must be a catalog index of `messages`, a partition's index must belong to one
    /// and name a partition of `messages` (records older than `table_name` said `messages` for
    /// all: the partition is then read from the recorded statement, and checked).
    static func checked(_ index: DeferredIndex, partitions: Set<String>) -> DeferredIndex? {
        guard MessageIndexCatalog.shapes[index.attachTo ?? index.name] != nil else { return nil }
        guard index.attachTo != nil else { return index.table == table ? index : nil }
        var child = index
        if !partitions.contains(index.table) {
            guard let named = recordedTable(index.definition), partitions.contains(named) else { return nil }
            child.table = named
        }
        // A partition's index is named after its partition (as PostgreSQL names them), never
        // like one of the parents.
        guard child.name.hasPrefix(child.table + "_"), MessageIndexCatalog.shapes[child.name] == nil else { return nil }
        return child
    }

    /// The table's name in a recorded `CREATE INDEX name ON schema.table USING ...`, unquoted.
    static func recordedTable(_ definition: String) -> String? {
        guard let on = definition.range(of: " ON "), let using = definition.range(of: " USING ", range: on.upperBound..<definition.endIndex)
        else { return nil }
        let qualified = definition[on.upperBound..<using.lowerBound]
        guard let dot = qualified.lastIndex(of: ".") else { return nil }
        let name = qualified[qualified.index(after: dot)...]
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } ? String(name) : nil
    }

    /// The partitions of `messages`, by name.
    func partitions(_ connection: PostgresConnection) throws -> Set<String> {
        Set(try connection.execute("""
            SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
            WHERE h.inhparent = to_regclass($1)
            """, [quotedSchema + "." + Self.table]).rows.compactMap { $0.first ?? nil })
    }

    func forget(_ index: DeferredIndex, on connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM \(quotedSchema).deferred_indexes WHERE index_name = $1", [index.name])
    }

    /// Longest first, so that no long build starts last and runs alone while the other
    /// connections are idle: full-text (GIN) indexes before the others (about nine tenths of
    /// the work), each group by the size of its table, largest first (partitions are as unequal
    /// as the conversations), then by name.
    static func buildOrder(_ jobs: [DeferredIndex], tableBytes: [String: Int64]) -> [DeferredIndex] {
        jobs.sorted { first, second in
            let firstFullText = isFullText(first), secondFullText = isFullText(second)
            if firstFullText != secondFullText { return firstFullText }
            let firstBytes = tableBytes[first.table] ?? 0, secondBytes = tableBytes[second.table] ?? 0
            if firstBytes != secondBytes { return firstBytes > secondBytes }
            return first.name < second.name
        }
    }

    /// PostgreSQL 18 builds a GIN index with parallel workers; earlier servers on one core.
    /// The connections already build one partition each: when there are fewer full-text builds
    /// than cores, the cores left over go to each build as parallel workers, if that is more
    /// than the server's `max_parallel_maintenance_workers` (2 by default) already allows.
    /// Never fewer: two concurrent builds on 2 busy cores took half the time with 2 workers
    /// each as with none. `nil`: the server's setting stays.
    static func parallelWorkersPerFullTextBuild(serverVersion: Int, cores: Int, fullTextBuilds: Int,
                                                serverSetting: Int) -> Int? {
        guard serverVersion >= 18_00_00, fullTextBuilds > 0 else { return nil }
        let leftOver = max(1, cores) / min(max(1, cores), fullTextBuilds) - 1
        return leftOver > serverSetting ? leftOver : nil
    }

    static func isFullText(_ index: DeferredIndex) -> Bool {
        index.definition.range(of: "USING gin", options: .caseInsensitive) != nil
    }
}
