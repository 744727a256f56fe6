package import SkypeExport
import SkypeSupport

/// Compares an export with what the database holds, conversation by conversation: the number
/// of distinct messages and a checksum of their identities. It reads the export with the
/// loader's own splitter and identity rules, and the database through a cursor.
///
/// Memory: one 8-byte identity per distinct message of the export (to merge repeats), plus a
/// tally per conversation on the database side.
package struct Verifier {
    package var exportPath: String
    package var conninfo: String
    package var schema: String
    package var splitter = SplitterConfiguration()
    /// The folder a `--media-dir` load wrote media files to.
    package var mediaDirectory: String?
    /// Whether media files are compared (false for exports loaded with `--no-media`).
    package var checksMedia = true
    /// The largest zstd window accepted (``ZstdByteSource``).
    package var zstdWindowLogMax = ZstdByteSource.defaultWindowLog

    package init(exportPath: String, conninfo: String, schema: String) {
        self.exportPath = exportPath
        self.conninfo = conninfo
        self.schema = schema
    }

    package func run() throws -> VerificationReport {
        try SchemaName.validate(schema)
        let media = MediaVerifier()
        let (expected, rejected, account) = try tallyExport(media: media)
        let actual = try tallyDatabase(conversations: Set(expected.keys), account: account)
        var report = VerificationReport()
        report.conversations = expected.count
        report.rejectedMessages = rejected
        for (conversation, tally) in expected.sorted(by: { $0.key < $1.key }) {
            report.messages += tally.messages
            let stored = actual.tallies[conversation] ?? ConversationTally()
            if stored != tally {
                report.differences.append(.init(conversation: conversation, exportMessages: tally.messages,
                                                databaseMessages: stored.messages,
                                                checksumDiffers: stored.checksum != tally.checksum))
            }
        }
        report.onlyInDatabase = actual.others.sorted()
        if checksMedia && !media.exported.isEmpty {
            let connection = try connect()
            report.media = try media.compare(on: connection, schema: schema, account: account, mediaDirectory: mediaDirectory)
        }
        return report
    }

    /// Distinct identities per conversation in the export, the rejected messages, and the
    /// export's owner (the account whose rows it is compared with); `media` hashes the media
    /// entries on the way (before and after `messages.json`), in the same single read.
    func tallyExport(media: MediaVerifier = MediaVerifier()) throws -> ([String: ConversationTally], Int, String) {
        let input = try ExportInput(path: exportPath, zstdWindowLogMax: zstdWindowLogMax, streaming: checksMedia ? media.streaming : nil)
        var identities: [String: Set<UInt64>] = [:]
        var rejected = 0
        var scanner = MessageScanner()
        let reader = ExportReader(input, splitter: splitter) { shard in
            for part in shard.parts {
                if identities[part.conversationID] == nil { identities[part.conversationID] = [] }
                scanner.forEachMessage(in: part, account: shard.account) { parsed, _, _ in
                    guard case let .success(parsed) = parsed else {
                        rejected += 1
                        return
                    }
                    identities[part.conversationID, default: []].insert(
                        MessageIdentity.hash(messageID: parsed.record.messageID, fingerprint: parsed.record.fingerprint))
                }
            }
        }
        reader.onOversizedMessage = { _ in rejected += 1 }
        let summary = try reader.run()
        if checksMedia { try input.tar?.remainingEntries(streaming: media.streaming) { _ in } }
        var tallies: [String: ConversationTally] = [:]
        for (conversation, set) in identities {
            var tally = ConversationTally()
            for identity in set { tally.add(identity) }
            tallies[conversation] = tally
        }
        return (tallies, rejected, summary.account)
    }

    /// Tallies per conversation in the database, read in batches through a cursor.
    func tallyDatabase(conversations: Set<String>, account: String) throws -> (tallies: [String: ConversationTally], others: [String]) {
        let connection = try connect()
        let table = PostgresConnection.quoteIdentifier(schema) + ".messages"
        var tallies: [String: ConversationTally] = [:]
        var others = Set<String>()
        do {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try connection.execute("""
                DECLARE verify_rows NO SCROLL CURSOR FOR SELECT conversation_id, message_id, fingerprint FROM \(table) WHERE account = $1
                """, [account])
            while true {
                let batch = try connection.execute("FETCH 20000 FROM verify_rows").rows
                if batch.isEmpty { break }
                for row in batch {
                    guard row.count == 3, let conversation = row[0], let id = row[1],
                          let fingerprint = row[2].flatMap({ Int64($0) }) else { continue }
                    if conversations.contains(conversation) {
                        tallies[conversation, default: ConversationTally()].add(
                            MessageIdentity.hash(messageID: id, fingerprint: fingerprint))
                    } else {
                        others.insert(conversation)
                    }
                }
            }
            try connection.execute("COMMIT")
        } catch {
            // Every statement above throws PostgresConnection.Failure.
            throw LoadError(.database, "cannot read \(table): \(error)",
                            hint: error.sqlState == "42P01" ? "Nothing was loaded into schema \(schema) yet" : nil)
        }
        return (tallies, Array(others))
    }

    private func connect() throws -> PostgresConnection {
        try PostgresConnection.open(conninfo: conninfo, applicationName: "skype-parallel-load verify")
    }
}
