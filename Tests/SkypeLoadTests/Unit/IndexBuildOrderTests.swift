@testable import SkypePostgres
import Testing

/// The deferred builds are handed out longest first, so that none starts last and runs alone.
@Suite struct IndexBuildOrderTests {
    private func index(_ name: String, on table: String, gin: Bool = false) -> IndexDeferral.DeferredIndex {
        let method = gin ? "gin (to_tsvector('simple', body_text))" : "btree (sent_at)"
        return IndexDeferral.DeferredIndex(name: name, definition: "CREATE INDEX \(name) ON s.\(table) USING \(method)",
                                           attachTo: "parent", table: table)
    }

    @Test func fullTextFirstThenLargestTableFirstThenByName() {
        let jobs = [
            index("p0_sent", on: "messages_p0"), index("p0_text", on: "messages_p0", gin: true),
            index("p1_sent", on: "messages_p1"), index("p1_text", on: "messages_p1", gin: true),
            index("p2_sent", on: "messages_p2"), index("p2_text", on: "messages_p2", gin: true),
            index("p3_text", on: "messages_p3", gin: true),
        ]
        let sizes: [String: Int64] = ["messages_p0": 100, "messages_p1": 900, "messages_p2": 100, "messages_p3": 100]
        #expect(IndexDeferral.buildOrder(jobs, tableBytes: sizes).map(\.name) == [
            "p1_text", "p0_text", "p2_text", "p3_text", "p1_sent", "p0_sent", "p2_sent",
        ])
    }

    @Test func recordsWithoutTheirPartitionKeepNameOrder() {
        // Made before the partition was recorded: every table reads `messages`.
        let jobs = [index("b", on: "messages"), index("a", on: "messages", gin: true), index("c", on: "messages", gin: true)]
        #expect(IndexDeferral.buildOrder(jobs, tableBytes: [:]).map(\.name) == ["a", "c", "b"])
    }

    @Test func postgres18GivesTheCoresLeftOverToEachFullTextBuild() {
        let workers = IndexDeferral.parallelWorkersPerFullTextBuild
        // Before 18 GIN builds run on one core whatever the setting: it is left alone.
        #expect(workers(15_00_07, 64, 8, 2) == nil)
        #expect(workers(18_00_06, 64, 0, 2) == nil)
        // One build per connection already fills the cores: the server's setting stays.
        #expect(workers(18_00_06, 2, 8, 2) == nil)
        #expect(workers(18_00_06, 8, 8, 0) == nil)
        // Fewer partitions than cores: the rest join the builds, when that is more than the
        // server allows already.
        #expect(workers(18_00_06, 16, 8, 2) == nil)
        #expect(workers(18_00_06, 16, 8, 0) == 1)
        #expect(workers(18_00_06, 32, 8, 2) == 3)
        #expect(workers(18_00_06, 4, 1, 2) == 3)
    }
}
