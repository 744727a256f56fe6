import SkypeSupport

/// Applies the embedded migrations that a database lacks, once, even when several loads start
/// at the same moment (an advisory lock serialises them).
package struct Migrator {
    package let schema: String
    package let migrations: [Migration]

    /// On a Citus database, also distribute a schema that was made for one server (see
    /// ``CitusLayout``); without it such a schema is left as it is, with a notice.
    package var distribute = false

    package init(schema: String, migrations: [Migration] = Migration.all, distribute: Bool = false) {
        self.schema = schema
        self.migrations = migrations
        self.distribute = distribute
    }

    /// What ``run(_:)`` did.
    package struct Outcome: Sendable {
        /// The versions applied (empty when the schema was current).
        package var applied: [Int] = []
        /// On Citus: one line per table placed (``CitusLayout/distribute(_:)``).
        package var placed: [String] = []
        /// On Citus: why the schema was left on the coordinator, and what to run.
        package var notice: String?
    }

    /// Brings the schema up to date; returns the versions it applied (empty when current).
    @discardableResult
    package func migrate(_ connection: PostgresConnection) throws -> [Int] {
        try run(connection).applied
    }

    /// Brings the schema up to date and, on Citus, lays it out (``CitusLayout``), all in one
    /// transaction.
    package func run(_ connection: PostgresConnection) throws -> Outcome {
        try SchemaName.validate(schema)
        let quoted = PostgresConnection.quoteIdentifier(schema)
        do {
            try connection.execute(LockTimeout.begin)
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", ["skype-parallel-load migrate " + schema])
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(quoted)")
            try connection.execute("SET LOCAL search_path TO \(quoted)")
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let present = Set(try connection.execute("SELECT version FROM schema_migrations").rows.compactMap { $0[0].flatMap { Int($0) } })
            let newest = migrations.map(\.version).max() ?? 0
            if let unknown = present.filter({ $0 > newest }).max() {
                _ = try? connection.execute("ROLLBACK")
                throw LoadError(.schema, "schema \(schema) is at version \(unknown), newer than this tool knows (\(newest))",
                                hint: "Use a newer skype-parallel-load, or another --schema")
            }
            var outcome = Outcome()
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !present.contains(migration.version) {
                for statement in migration.statements { try connection.execute(statement) }
                try connection.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                       [String(migration.version), migration.name])
                outcome.applied.append(migration.version)
            }
            if try CitusLayout.isInstalled(connection) {
                let layout = CitusLayout(schema: schema)
                // A schema made here now, one already distributed (tables of new migrations), or
                // one the user asked to convert; never one made for a single server silently.
                if try present.isEmpty || distribute || layout.isDistributed(connection) {
                    outcome.placed = try layout.distribute(connection)
                } else {
                    outcome.notice = "schema \(schema) is on a Citus database but laid out for one server (every table on the coordinator); "
                        + "`skype-parallel-load migrate --distribute` distributes it"
                }
            }
            try connection.execute("COMMIT")
            return outcome
        } catch let failure as PostgresConnection.Failure {
            // A broken connection or a restarting server: the caller may reconnect and retry.
            if RetryPolicy.isTransient(failure, connectionHealthy: connection.isHealthy) { throw failure }
            _ = try? connection.execute("ROLLBACK")
            throw LoadError(.schema, "cannot prepare schema \(schema): \(failure)",
                            hint: failure.sqlState == "42939" ? "Names starting with pg_ are reserved: choose another --schema"
                                : "The database user needs CREATE rights on the database (or an existing schema)")
        }
    }
}
