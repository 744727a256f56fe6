/// What the splitter learned about the export as a whole.
public struct ExportSummary: Sendable, Codable, Equatable {
    /// The account that made the export (`userId`), when present.
    public var userID: String?
    /// The account the export's rows belong to: `userID`, or "" when the export names none
    /// or names it only after its conversations (``Shard/account``).
    public var account = ""
    /// `exportDate` as written in the file.
    public var exportDate: String?
    public var conversations = 0
    public var messages = 0
    public var shards = 0
    /// Bytes of `messages.json`.
    public var jsonBytes: Int64 = 0

    public init() {}
}
