/// Seconds spent in each phase of a load.
package struct PhaseSeconds: Sendable, Codable, Equatable {
    /// Reading the file and decompressing it (coordinator).
    package var decompress = 0.0
    /// Finding conversations and messages and cutting shards (coordinator).
    package var split = 0.0
    /// Waiting for a worker to have room for the next shard, and writing it to its pipe (coordinator).
    package var dispatch = 0.0
    /// Parsing messages and building COPY rows (workers).
    package var parse = 0.0
    /// Sending rows with COPY into staging tables (workers).
    package var copy = 0.0
    /// Merging staged rows into the tables, indexes included (workers).
    package var merge = 0.0
    /// Committing shard transactions (workers).
    package var commit = 0.0
    /// Refreshing conversation counts after the shards (coordinator).
    package var finalize = 0.0
    /// Building deferred indexes; 0 while indexes are kept during the load.
    package var indexBuild = 0.0

    package init() {}

    /// Every phase in the order of a load, with its name in the printed table and its
    /// `phase` label in the Prometheus text: a new phase is a property above and a row here.
    static let all: [(column: String, label: String, seconds: any KeyPath<PhaseSeconds, Double> & Sendable)] = [
        ("decompress", "decompress", \.decompress), ("split", "split", \.split), ("dispatch", "dispatch", \.dispatch),
        ("parse", "parse", \.parse), ("copy", "copy", \.copy), ("merge", "merge", \.merge), ("commit", "commit", \.commit),
        ("finalize", "finalize", \.finalize), ("index", "index_build", \.indexBuild),
    ]
}

/// How long each phase ran: on the wall clock (time during which at least one process was in
/// it) and summed over the processes (workers run phases side by side, so the sum can exceed
/// the wall time).
package struct PhaseTimes: Sendable, Codable, Equatable {
    package var wallSeconds = PhaseSeconds()
    package var summedSeconds = PhaseSeconds()

    package init() {}
}

/// Collects time intervals and measures their union: the wall-clock time of a phase that
/// several workers run at once.
package struct IntervalUnion {
    private var intervals: [(UInt64, UInt64)] = []

    package init() {}

    package mutating func add(start: UInt64, seconds: Double) {
        guard start > 0, seconds > 0 else { return }
        intervals.append((start, start + UInt64(seconds * 1e9)))
    }

    package var seconds: Double {
        let sorted = intervals.sorted { $0.0 < $1.0 }
        var total: UInt64 = 0
        var current: (UInt64, UInt64)?
        for interval in sorted {
            if let open = current, interval.0 <= open.1 {
                current = (open.0, max(open.1, interval.1))
            } else {
                if let open = current { total += open.1 - open.0 }
                current = interval
            }
        }
        if let open = current { total += open.1 - open.0 }
        return Double(total) / 1e9
    }
}
