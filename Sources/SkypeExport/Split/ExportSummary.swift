/// What the splitter learned about the export as a whole.
public struct ExportSummary: Sendable, Codable, Equatable {
    /// The account that made the export (`userId`), when present.
    package var userID: String?
    /// The account the export's rows belong to: `userID`, or "" when the export names none
    /// or names it only after its conversations (``Shard/account``).
    package var account = ""
    /// `exportDate` as written in the file.
    package var exportDate: String?
    package var conversations = 0
    package var messages = 0
    package var shards = 0
    /// Bytes of `messages.json`.
    package var jsonBytes: Int64 = 0

    package init() {}
}
