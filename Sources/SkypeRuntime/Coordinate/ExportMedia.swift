import SkypeExport

/// One export's media, as read from its tar: whose they are and from when (an entry's state is
/// kept by export date, so two accounts' files of one name, or an account's older export loaded
/// after its newer one, never replace the right bytes), what the tar said of each document, and
/// what its collector stored.
final class ExportMedia {
    /// The account the export's rows belong to (``ExportSummary/account``).
    let account: String
    /// `exportDate` as PostgreSQL text, nil when the export gives none or none readable.
    let exportedAt: String?
    var catalog = MediaCatalog()
    let collector: MediaCollector

    init(summary: ExportSummary, collector: MediaCollector) {
        account = summary.account
        exportedAt = summary.exportDate.flatMap(SkypeTimestamp.init)?.postgresText
        self.collector = collector
    }
}
