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
    /// Media files to add, by size in bytes (see ``SyntheticMedia``); photo messages point at
    /// most of them. Empty: the messages are exactly those of an export without media.
    public var mediaSizes: [Int] = []

    public init() {}
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

    /// Rows `messages` must hold after a load.
    public var distinctMessages: Int { messages - exactDuplicates }
}
