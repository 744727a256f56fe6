/// The viewer's own URLs. Ids go in the query (they hold `:`, `@`, `#`, `/`, `;`), encoded.
package struct ServerLinks: ArchiveLinks {
    package init() {}

    package var home: SafeURL { .local("/") }
    package var stylesheet: SafeURL { .local("/static/viewer.css") }

    package func conversation(account: String, id: String, window: MessageWindow) -> SafeURL {
        var query: [(String, String)] = [("account", account), ("id", id)]
        var fragment: String?
        switch window {
        case .newest: break
        case .oldest: query.append(("oldest", "1"))
        case .after(let cursor): query.append(("after", cursor.token))
        case .before(let cursor): query.append(("before", cursor.token))
        case .from(let date): query.append(("date", date))
        case .around(let cursor):
            query.append(("around", cursor.token))
            fragment = "m\(cursor.fingerprint)"
        }
        return .local("/conversation", query, fragment: fragment)
    }

    package func permalink(_ message: ArchiveMessage) -> SafeURL {
        .local("/message", [("account", message.account), ("conversation", message.conversationID), ("id", message.messageID),
                            ("fp", String(message.fingerprint))])
    }

    package func quoted(account: String, conversation: String, messageID: String) -> SafeURL? {
        .local("/message", [("account", account), ("conversation", conversation), ("id", messageID)])
    }

    package func media(account: String, attachment: ArchiveMessage.Attachment, variant: String) -> SafeURL? {
        guard let doc = attachment.docID else { return nil }
        return .local("/media", [("account", account), ("doc", doc), ("variant", variant)])
    }
}
