/// What a conversation is, read from its id's prefix.
package enum ConversationKind: String, Sendable, Codable, CaseIterable {
    /// `8:` — a chat with one other person.
    case oneToOne = "one_to_one"
    /// `19:` — a group thread.
    case group
    /// `28:` — a bot.
    case bot
    /// `48:` — the account's own lists (`48:calllogs`, `48:notes`, `48:drafts`).
    case ownList = "own_list"
    case other

    package init(conversationID: String) {
        if conversationID.hasPrefix("8:") { self = .oneToOne }
        else if conversationID.hasPrefix("19:") { self = .group }
        else if conversationID.hasPrefix("28:") { self = .bot }
        else if conversationID.hasPrefix("48:") { self = .ownList }
        else { self = .other }
    }
}
