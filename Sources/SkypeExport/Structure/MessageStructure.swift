/// What one message's markup and properties mean: its structure rows, and the names of people
/// the markup gives (a call's participants, a quote's author, a joining member), which the
/// readable text of thread events in the same shard can use.
package struct MessageStructure {
    var rows: [StructureRow] = []
    var names = NameDirectory()
    /// The content holds a `<URIObject>`: its readable text is the objects' names.
    var hasObject = false

    /// Whether the readable text needs the names the whole shard gives (thread events name
    /// people by id only).
    var needsNames: Bool { rows.contains { $0.table == .threadEvents } }
}
