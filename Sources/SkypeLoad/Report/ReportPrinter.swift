import Foundation

/// Renders a ``LoadReport`` for people (a short table) and for programs (JSON).
public enum ReportPrinter {
    public static func text(_ report: LoadReport) -> String {
        var lines: [String] = []
        let t = report.totals
        let outcome: String
        switch report.status {
        case .completed where t.shardsLoaded == 0 && t.shardsAlreadyLoaded > 0:
            outcome = "nothing to do: all \(t.shardsAlreadyLoaded) shards were already loaded"
        case .completed:
            outcome = "completed"
        case .failed:
            outcome = "FAILED: \(report.error ?? "unknown error")"
        }
        lines.append("skype-parallel-load \(report.runID.map { "run \($0)" } ?? ""): \(outcome)")
        lines.append("export   \(report.export) (\(report.formats.map(\.rawValue).joined(separator: "+")))"
            + (report.exportUser.map { ", user \($0)" } ?? "") + (report.exportDate.map { ", exported \($0)" } ?? ""))
        lines.append("found    \(report.exportConversations) conversations, \(report.exportMessages) messages, \(report.shards) shards, "
            + "\(megabytes(report.jsonBytes)) MB of JSON")
        lines.append("loaded   \(t.rowsInserted) new messages, \(t.duplicates) already present, \(t.rejects) rejected; "
            + "shards \(t.shardsLoaded) loaded, \(t.shardsAlreadyLoaded) already loaded")
        lines.append(String(format: "time     %.2f s, %.0f messages/s (finalize %.2f s)",
                            report.elapsedSeconds, report.messagesPerSecond, report.finalizeSeconds))
        if report.repairs.total > 0 {
            lines.append("repaired \(report.repairs.nulCharacters) NUL, \(report.repairs.invalidUTF8) invalid UTF-8, "
                + "\(report.repairs.loneSurrogates) lone surrogates")
        }
        if !report.rejects.isEmpty {
            lines.append("rejects  " + report.rejects.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("")
        lines.append(row(["worker", "shards", "skipped", "messages", "inserted", "dupes", "parse s", "copy s", "merge s", "commit s"]))
        for summary in report.workers + [t] {
            lines.append(row([
                summary.worker.map(String.init) ?? "total", String(summary.shardsLoaded), String(summary.shardsAlreadyLoaded),
                String(summary.messages), String(summary.rowsInserted), String(summary.duplicates),
                String(format: "%.2f", summary.parseSeconds), String(format: "%.2f", summary.copySeconds),
                String(format: "%.2f", summary.mergeSeconds), String(format: "%.2f", summary.commitSeconds),
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ report: LoadReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report)
    }

    private static func row(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            let width = index == 0 ? 7 : 9
            return index == 0 ? cell.padding(toLength: width, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: " ")
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
