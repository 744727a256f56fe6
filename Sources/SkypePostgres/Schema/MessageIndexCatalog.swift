/// The secondary indexes of `messages` that this tool's migrations make, by name: the only
/// indexes a load drops and builds again, and always from the statements written here.
///
/// The statements are never read back from `deferred_indexes.definition`: any role that can
/// write the schema's tables could store SQL there, and the rebuild would run it with the
/// loader's rights. A recorded index is rebuilt only if its name (or its parent's) is one of
/// these and the table it names is `messages` or one of its partitions.
package enum MessageIndexCatalog {
    /// How one index is built: its access method and its key, as the migrations write them.
    package struct Shape: Sendable, Equatable {
        package var method: String
        package var key: String
    }

    package static let shapes: [String: Shape] = [
        "messages_timeline": Shape(method: "btree", key: "conversation_id, sent_at"),
        "messages_sent_at": Shape(method: "btree", key: "sent_at"),
        "messages_sender": Shape(method: "btree", key: "sender_id"),
        "messages_type": Shape(method: "btree", key: "message_type"),
        "messages_body_search": Shape(method: "gin", key: "to_tsvector('simple', coalesce(body_text, ''))"),
    ]

    /// The statement that builds `index` on `table` of `schema`, or nil when the index is not
    /// one of this tool's. `only`: a partitioned parent, made `ON ONLY` the table (no build)
    /// and completed by attaching its partitions' indexes.
    package static func statement(for index: IndexDeferral.DeferredIndex, schema: String, only: Bool) -> String? {
        guard let shape = shapes[index.attachTo ?? index.name] else { return nil }
        let table = PostgresConnection.quoteIdentifier(schema) + "." + PostgresConnection.quoteIdentifier(index.table)
        return "CREATE INDEX \(PostgresConnection.quoteIdentifier(index.name)) ON \(only ? "ONLY " : "")\(table)"
            + " USING \(shape.method) (\(shape.key))"
    }
}
