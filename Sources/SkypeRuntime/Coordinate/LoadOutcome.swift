package import SkypeReport
package import SkypeSupport

/// How a load ended: the report (always, even after a failure) and the error, if any.
package struct LoadOutcome: Sendable {
    package var report: LoadReport
    package var error: LoadError?
    /// The signal that interrupted the load, if one did.
    package var signal: Int32?

    /// Whether the load got as far as recording its run in the database: before that nothing
    /// was loaded (a wrong path, an unreachable server), and the report has nothing to say.
    package var started: Bool { report.runID != nil }

    /// The process exit code: 0 for a clean load, 3 for a load that completed but rejected
    /// messages or quarantined shards (see the reject file), 128 + the signal after an
    /// interruption (130 for SIGINT, 143 for SIGTERM), 1 for a failure.
    package var exitCode: Int32 {
        if let signal { return 128 + signal }
        if error != nil { return 1 }
        // `rejects` counts by reason what the workers rejected, the quarantined shards and the
        // messages the splitter stepped over.
        return report.totals.rejects + report.rejects.values.reduce(0, +) > 0 ? Self.loadedWithRejects : 0
    }

    /// "Loaded with rejects": everything loadable is loaded; the rest is in the reject file.
    package static let loadedWithRejects: Int32 = 3
}
