/// One export's line in the report of a load given several exports (they share the workers;
/// each keeps its own account, shards and ledger rows, so each resumes on its own).
public struct ExportResult: Sendable, Codable, Equatable {
    public var path: String
    /// The export's `userId`: the account its conversations belong to.
    public var user: String?
    public var exportDate: String?
    public var conversations = 0
    public var messages = 0
    public var shards = 0
    /// Its shards' figures, summed as the workers reported them.
    public var loaded = WorkerSummary(worker: nil)

    public init(path: String) { self.path = path }
}
