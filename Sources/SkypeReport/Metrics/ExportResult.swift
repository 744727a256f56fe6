/// One export's line in the report of a load given several exports (they share the workers;
/// each keeps its own account, shards and ledger rows, so each resumes on its own).
package struct ExportResult: Sendable, Codable, Equatable {
    package var path: String
    /// The export's `userId`: the account its conversations belong to.
    package var user: String?
    package var exportDate: String?
    package var conversations = 0
    package var messages = 0
    package var shards = 0
    /// Its shards' figures, summed as the workers reported them.
    package var loaded = WorkerSummary(worker: nil)

    package init(path: String) { self.path = path }
}
