/// The shape of a generated export.
public struct SyntheticExportOptions: Sendable {
    /// Messages in the export, duplicates included.
    public var messages: Int = 10_000
    /// Conversations; one of them is made giant (a quarter of all messages) when there are enough.
    public var conversations: Int = 50
    /// The seed: the same seed and sizes give byte-identical output.
    public var seed: UInt64 = 42
    /// Include the hazards real files contain (NUL and lone-surrogate escapes, invalid UTF-8,
    /// tabs, backslashes, repeated ids, exact duplicate messages, `MessageList` before `id`).
    public var hazards: Bool = true
    /// Average characters of message text.
    public var averageTextLength: Int = 300
    /// Makes the same account's later export of the same seed and sizes instead: the same
    /// messages, some of them edited, deleted or reacted to since.
    public var later: LaterExport?
    /// Media files to add, by size in bytes (see ``SyntheticMedia``); photo messages point at
    /// most of them. Empty: the messages are exactly those of an export without media.
    public var mediaSizes: [Int] = []

    public init() {}
}

/// What changed between an export and the same account's later one: plain text messages
/// spread over the export, chosen the same way for the same seed.
public struct LaterExport: Sendable, Equatable {
    /// Messages whose text was edited (new text starting "Edited later:", `properties.edittime`,
    /// an `<e_m>` marker, a higher `version`).
    public var edits: Int
    /// Messages deleted (empty content, `properties.deletetime`, a higher `version`).
    public var deletes: Int
    /// Messages that gained a `laugh` reaction by `8:live:reactor` (nothing else changes, not
    /// even the version).
    public var reactions: Int

    public init(edits: Int, deletes: Int, reactions: Int) {
        self.edits = edits
        self.deletes = deletes
        self.reactions = reactions
    }
}

/// What was generated, so that a test can check a load against it.
public struct SyntheticExportManifest: Sendable, Codable, Equatable {
    public var conversations = 0
    /// Every element of every MessageList.
    public var messages = 0
    /// Messages that repeat an earlier one exactly (same conversation, id, time, sender, type, content).
    public var exactDuplicates = 0
    /// Messages that share an id with another message of their conversation but differ.
    public var sharedIDs = 0
    /// The largest conversation's message count.
    public var largestConversation = 0
    public var bytes = 0
    /// In a later export (``SyntheticExportOptions/later``): what was changed.
    public var edited = 0
    public var deleted = 0
    public var reacted = 0
    /// Plain text messages seen, counted to choose the ones a later export changes.
    var plainTexts = 0

    /// Rows `messages` must hold after a load.
    public var distinctMessages: Int { messages - exactDuplicates }
}
