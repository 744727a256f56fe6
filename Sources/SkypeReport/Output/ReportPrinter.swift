package import Foundation
import SkypeExport

/// Renders a ``LoadReport`` for people (a short table) and for programs (JSON).
package enum ReportPrinter {
    package static func text(_ report: LoadReport) -> String {
        var lines: [String] = []
        let t = report.totals
        let outcome: String
        switch report.status {
        case .completed where t.shardsLoaded == 0 && t.shardsAlreadyLoaded > 0:
            outcome = "nothing to do: all \(t.shardsAlreadyLoaded) shards were already loaded"
        case .completed:
            outcome = "completed"
        case .interrupted:
            outcome = "INTERRUPTED: committed shards are kept; run the same command again to resume"
        case .failed:
            // The error itself is printed once, on standard error (and is in the JSON report).
            outcome = "FAILED: committed shards are kept; fix the error and run the same command again to resume"
        }
        lines.append("skype-parallel-load\(report.runID.map { " run \($0)" } ?? ""): \(outcome)")
        lines.append("export    \(report.export) (\(report.formats.map(\.rawValue).joined(separator: "+")))"
            + (report.exportUser.map { ", user \($0)" } ?? "") + (report.exportDate.map { ", exported \($0)" } ?? ""))
        lines.append("found     \(report.exportConversations) conversations, \(report.exportMessages) messages, \(report.shards) shards"
            + (report.exports.isEmpty ? "" : " in \(report.exports.count) exports"))
        for export in report.exports {
            let t = export.loaded
            lines.append("  \(export.path)" + (export.user.map { ", user \($0)" } ?? "")
                + ": \(export.conversations) conversations, \(export.messages) messages; \(t.rowsInserted) new, "
                + (t.rowsReplaced > 0 ? "\(t.rowsReplaced) replaced, " : "")
                + "\(t.duplicates) already present, \(t.rejects) rejected; shards \(t.shardsLoaded) loaded, "
                + "\(t.shardsAlreadyLoaded) already loaded of \(export.shards)")
        }
        lines.append("loaded    \(t.rowsInserted) new messages, " + (t.rowsReplaced > 0 ? "\(t.rowsReplaced) replaced by a later state, " : "")
            + "\(t.duplicates) already present, \(t.rejects) rejected; "
            + "shards \(t.shardsLoaded) loaded, \(t.shardsAlreadyLoaded) already loaded")
        lines.append("bytes     \(megabytes(report.storedBytes)) MB read, \(megabytes(report.jsonBytes)) MB of JSON, "
            + "\(megabytes(Int64(t.bytesIn))) MB into workers, \(megabytes(Int64(t.bytesOut))) MB sent by COPY")
        lines.append(String(format: "time      %.2f s, %.0f messages/s", report.elapsedSeconds, report.messagesPerSecond))
        let latency = report.shardLatency
        if latency.count > 0 {
            lines.append(String(format: "shards    p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s (receipt to commit, %d shards)",
                                latency.p50Seconds, latency.p95Seconds, latency.p99Seconds, latency.maxSeconds, latency.count))
        }
        if let media = mediaLine(report.media) { lines.append(media) }
        if report.repairs.total > 0 {
            lines.append("repaired  \(report.repairs.nulCharacters) NUL, \(report.repairs.invalidUTF8) invalid UTF-8, "
                + "\(report.repairs.loneSurrogates) lone surrogates")
        }
        if !report.rejects.isEmpty { lines.append("rejects   " + counts(report.rejects) + " (details in the reject file, if --rejects was given)") }
        if report.indexes == .deferred {
            lines.append("indexes   deferred: \(report.indexesRebuilt) built after the shards"
                + (report.indexesPending > 0 ? ", \(report.indexesPending) still to build (run the same command again, or `migrate`)" : ""))
        }
        if report.workerRestarts > 0 || report.quarantinedShards > 0 {
            lines.append("workers   \(report.workerRestarts) restarted after dying, \(report.quarantinedShards) shards quarantined")
        }
        if !report.retriesBySQLState.isEmpty { lines.append("retries   " + counts(report.retriesBySQLState)) }
        if !report.messageTypes.isEmpty {
            let top = report.messageTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append("types     " + top.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + (top.count > 8 ? ", \(top.count - 8) more" : ""))
        }
        lines.append("")
        lines.append(row(["phase", "wall s", "summed s"]))
        let wall = report.phases.wallSeconds
        let summed = report.phases.summedSeconds
        for (name, _, path) in PhaseSeconds.all {
            lines.append(row([name, String(format: "%.2f", wall[keyPath: path]), String(format: "%.2f", summed[keyPath: path])]))
        }
        lines.append("")
        let columns = WorkerSummary.metrics.filter { $0.column != nil }
        lines.append(row(["worker"] + columns.compactMap(\.column)))
        for summary in report.workers + [t] {
            lines.append(row([summary.worker.map(String.init) ?? "total"] + columns.map { $0.text(of: summary) }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    package static func json(_ report: LoadReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report)
    }

    /// One line on the media files; nil for an export without any.
    static func mediaLine(_ media: MediaReport) -> String? {
        guard media.filesFound > 0 else { return nil }
        func files(_ count: Int, _ bytes: Int64) -> String { "\(count) (\(megabytes(bytes)) MB)" }
        var line = "media     \(files(media.filesFound, media.bytesFound)) found, "
        if media.destination == .skipped {
            return line + "not kept (--no-media): \(files(media.filesSkipped, media.bytesSkipped)) skipped"
        }
        line += "\(files(media.filesStored, media.bytesStored)) stored in the \(media.destination.rawValue), "
            + "\(files(media.filesAlreadyPresent, media.bytesAlreadyPresent)) already present"
        if media.filesSkipped > 0 { line += ", \(files(media.filesSkipped, media.bytesSkipped)) skipped" }
        if media.filesUnreferenced > 0 { line += ", \(media.filesUnreferenced) pointed at by no message" }
        if media.filesConflicting > 0 { line += ", \(media.filesConflicting) held already with other bytes (the newer export's kept)" }
        return line + String(format: "; %.1f MB/s", media.bytesPerSecond / 1_000_000)
    }

    private static func counts(_ values: [String: Int]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private static func row(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == 0 ? cell.padding(toLength: 10, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(0, 9 - cell.count)) + cell
        }.joined(separator: " ")
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
