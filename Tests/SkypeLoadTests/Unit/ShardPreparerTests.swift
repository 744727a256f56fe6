import Foundation
@testable import SkypeExport
@testable import SkypeRuntime
import SkypePostgres
import SkypeSupport
import Testing

/// The worker's preparing stage: every shard comes out once, transformed ahead while the load
/// is fresh, passed through untransformed while the ledger keeps skipping shards (a rerun).
@Suite struct ShardPreparerTests {
    static func shard(_ ordinal: Int) -> Shard {
        let json = Array(#"{"id":"\#(ordinal)","originalarrivaltime":"2025-03-08T17:33:29Z","messagetype":"RichText","from":"8:live:a","content":"hello \#(ordinal)"}"#.utf8)
        var part = ConversationPart(conversationID: "19:c\(ordinal)@thread.skype", slice: 0, header: nil)
        json.withUnsafeBytes { part.appendMessage($0, offset: 0, index: 0) }
        return Shard(ordinal: ordinal, parts: [part])
    }

    /// Pushes `ordinals` from another thread (pushes wait while the stage is full) and takes
    /// every output, calling `ended` after each as a connection would.
    static func run(_ preparer: ShardPreparer, _ ordinals: [Int], ended: (ShardPreparer.Prepared) -> Void = { _ in })
        -> [ShardPreparer.Prepared] {
        let feeder = Thread {
            for ordinal in ordinals { preparer.push(.messages(shard(ordinal))) }
            preparer.finish()
        }
        feeder.start()
        var out: [ShardPreparer.Prepared] = []
        while let prepared = preparer.output.pop() {
            out.append(prepared)
            ended(prepared)
        }
        return out
    }

    @Test func everyShardComesOutOnceWithItsRows() {
        let out = Self.run(ShardPreparer(threads: 2, capacity: 2), Array(0..<40))
        #expect(out.map(\.item.ordinal).sorted() == Array(0..<40))
        #expect(out.allSatisfy { $0.rows?.rows.messages == 1 && $0.rows?.rows.rows == 1 })
    }

    @Test func shardsPassThroughUnparsedWhileTheLedgerSkipsThem() {
        let preparer = ShardPreparer(threads: 1, capacity: 1)
        // Every shard is "already loaded": after the first few, nothing more is parsed.
        let out = Self.run(preparer, Array(0..<20)) { _ in preparer.shardEnded(alreadyLoaded: true) }
        #expect(out.count == 20)
        #expect(out.filter { $0.rows != nil }.count <= 3)
        // A shard that loads again turns preparing back on.
        let fresh = ShardPreparer(threads: 1, capacity: 1)
        let mixed = Self.run(fresh, Array(0..<20)) { fresh.shardEnded(alreadyLoaded: $0.item.ordinal < 10) }
        #expect(mixed.suffix(5).allSatisfy { $0.rows != nil })
    }

    @Test func mediaShardsAreNeverTransformed() {
        let preparer = ShardPreparer(threads: 1, capacity: 1)
        Thread {
            preparer.push(.media(MediaShard(ordinal: 7, chunks: [])))
            preparer.finish()
        }.start()
        var out: [ShardPreparer.Prepared] = []
        while let prepared = preparer.output.pop() { out.append(prepared) }
        #expect(out.count == 1 && out[0].rows == nil && out[0].item.ordinal == 7)
    }
}
