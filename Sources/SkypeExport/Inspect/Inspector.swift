import SkypeSupport

/// Reads an export the way a load would (same splitter, parser and transform) and counts what
/// it holds, what would be repaired and what would be rejected; no database involved.
///
/// Memory: 8 bytes per distinct message of the largest conversation being read (to count
/// repeats), and a small tally per conversation.
package struct Inspector {
    package var exportPath: String
    package var splitter = SplitterConfiguration()
    /// How many of the largest conversations to list.
    package var largestCount = 10
    /// The largest zstd window accepted (``ZstdByteSource``).
    package var zstdWindowLogMax = ZstdByteSource.defaultWindowLog

    package init(exportPath: String) { self.exportPath = exportPath }

    package func run() throws -> InspectionReport {
        let input = try ExportInput(path: exportPath, zstdWindowLogMax: zstdWindowLogMax)
        var report = InspectionReport(export: exportPath)
        report.formats = input.formats
        var sizes: [String: (title: String, messages: Int)] = [:]
        var seen: [String: Set<UInt64>] = [:]
        // Compared as instants: the text of times in different zones does not sort.
        var first: SkypeTimestamp?
        var last: SkypeTimestamp?
        var scanner = MessageScanner()
        let reader = ExportReader(input, splitter: splitter) { shard in
            for part in shard.parts {
                scanner.forEachMessage(in: part, account: shard.account) { parsed, structureRows, repairs in
                    switch parsed {
                    case let .success(parsed):
                        let record = parsed.record
                        report.repairs.add(repairs)
                        report.messagesByType[record.messageType ?? "(none)", default: 0] += 1
                        let identity = MessageIdentity.hash(messageID: record.messageID, fingerprint: record.fingerprint)
                        if !seen[part.conversationID, default: []].insert(identity).inserted { report.repeatedMessages += 1 }
                        let sent = record.sentAtUnixMicroseconds
                        if first.map({ sent < $0.unixMicroseconds }) ?? true { first = record.sentTime }
                        if last.map({ sent > $0.unixMicroseconds }) ?? true { last = record.sentTime }
                        for row in structureRows {
                            report.structure[row.table.rawValue, default: 0] += 1
                        }
                    case let .failure(reason):
                        report.rejects[reason.rawValue, default: 0] += 1
                    }
                }
                sizes[part.conversationID, default: (part.conversationID, 0)].messages += part.messageCount
                if let header = part.header {
                    let (conversation, rejects) = ShardTransformer.readConversation(header, id: part.conversationID, account: shard.account,
                                                                                      repairs: &report.repairs)
                    for reason in rejects { report.rejects[reason.rawValue, default: 0] += 1 }
                    sizes[part.conversationID]?.title = conversation.title
                    report.conversationsByKind[conversation.kind.rawValue, default: 0] += 1
                    // A finished conversation's repeats can no longer occur.
                    seen[part.conversationID] = nil
                }
            }
        }
        reader.onOversizedMessage = { report.rejects[$0.reason, default: 0] += 1 }
        let summary = try reader.run()
        // The entries after messages.json are read as a load reads them, so that a damaged
        // archive fails here too, and media are counted.
        if let tar = input.tar {
            var catalog = MediaCatalog()
            for entry in tar.entriesBefore { catalog.add(entry) }
            try tar.remainingEntries { catalog.add($0) }
            if !catalog.records.isEmpty { report.structure["media_files"] = catalog.records.count }
        }
        report.owner = summary.userID
        report.exportDate = summary.exportDate
        report.jsonBytes = summary.jsonBytes
        report.conversations = summary.conversations
        report.messages = summary.messages
        report.firstMessageAt = first?.postgresText
        report.lastMessageAt = last?.postgresText
        report.largestConversations = sizes.sorted { $0.value.messages != $1.value.messages ? $0.value.messages > $1.value.messages : $0.key < $1.key }
            .prefix(largestCount)
            .map { InspectionReport.Largest(conversation: $0.key, title: $0.value.title, messages: $0.value.messages) }
        return report
    }
}
