/// People's display names by MRI, as an export shows them: a message's `displayName` for its
/// sender, a call participant's `<name>`, a quote's `authorname`, a joining member's
/// `friendlyname`, a one-to-one conversation's `displayName` for the other party. Thread events
/// name people by MRI only; their readable text takes the names from here.
///
/// One directory serves one shard, so a name is found when the shard shows it (a conversation
/// and its neighbours, or a slice of a large one): the same export cut the same way gives the
/// same text. The first name noted for an MRI wins; messages come newest first, so it is the
/// most recent one.
package struct NameDirectory {
    private var names: [String: String] = [:]

    var isEmpty: Bool { names.isEmpty }

    mutating func note(_ id: String, _ name: String) {
        guard !id.isEmpty, !name.isEmpty, names[id] == nil else { return }
        let trimmed = name.trimmingWhitespace()
        // A "name" that is the id itself (or empty) says nothing.
        guard !trimmed.isEmpty, trimmed != id else { return }
        names[id] = trimmed
    }

    mutating func add(_ other: NameDirectory) {
        for (id, name) in other.names { note(id, name) }
    }

    /// The display name of `id`, or `id` itself when the export gives none. A quote's author
    /// may lack the `8:` of the MRI others use (`live:name`).
    func name(of id: String) -> String {
        if let name = names[id] { return name }
        if id.hasPrefix("live:"), let name = names["8:" + id] { return name }
        if id.hasPrefix("8:live:"), let name = names[String(id.dropFirst(2))] { return name }
        return id
    }
}
