import Foundation
import SkypeExport
import SkypeReport
import SkypeRuntime
import SkypeSupport

/// The seed corpora of the protocol targets, made with the protocol's own encoders from the
/// splitter's seed export, so that they stay what the coordinator and the workers send:
/// `SKYPE_FUZZ_WRITE_SEEDS=Fuzz/corpus .build-fuzz/debug/skype-fuzz` writes them again.
enum ProtocolSeeds {
    static func write(to directory: String) {
        let shards = splitterShards(from: directory + "/splitter/export.json")
        let media = [
            MediaShard(ordinal: 40, chunks: [
                .init(sha256: digest(Array("abc".utf8)), data: Array("abc".utf8)),
                .init(sha256: digest([]), data: []),
            ]),
            MediaShard(ordinal: 41, chunks: [.init(sha256: digest([UInt8](repeating: 7, count: 300)),
                                                    data: [UInt8](repeating: 7, count: 300))]),
            MediaShard(ordinal: 0),
        ]
        for (index, shard) in shards.enumerated() { save(ShardCodec.encode(shard), directory, "shard", "shard-\(index).bin") }
        for (index, shard) in media.enumerated() { save(shard.encoded(), directory, "media", "media-\(index).bin") }

        // What a worker reads: its settings, then shards and media shards.
        var toWorker = frame(1, settings())
        for shard in shards.prefix(2) { toWorker += frame(2, ShardCodec.encode(shard)) }
        toWorker += frame(3, media[0].encoded())
        save(toWorker, directory, "frames", "to-worker.bin")
        // What the coordinator reads: a worker's events.
        var metrics = ShardMetrics(ordinal: 1, shardKey: "0123456789abcdef-120-8:a[0]", worker: 0)
        metrics.messages = 3
        metrics.retriesBySQLState = ["57P01": 1]
        metrics.rejects = ["key_too_long": 1]
        let events: [WorkerEvent] = [
            .ready(pid: 4242, protocolVersion: WorkerProtocol.version),
            .shardStarted(ordinal: 1, label: "#1 8:a[0]"),
            .shardLoaded(metrics),
            .shardFailed(ordinal: 2, label: "#2 8:b[0]", message: "permission denied", sqlState: "42501"),
            .finished,
        ]
        save(events.flatMap { frame(1, try! WorkerProtocol.encode($0)) }, directory, "frames", "to-coordinator.bin")
    }

    static func splitterShards(from path: String) -> [Shard] {
        guard let export = FileManager.default.contents(atPath: path) else { fatalError("no \(path)") }
        var configuration = SplitterConfiguration()
        configuration.shardBytes = 512
        configuration.spillDirectory = NSTemporaryDirectory()
        var shards: [Shard] = []
        let splitter = ExportSplitter(source: FuzzSource(Array(export)), configuration: configuration,
                                      location: .init(file: path)) { shards.append($0) }
        do { _ = try splitter.run() } catch { fatalError("\(path): \(error)") }
        return shards
    }

    /// Settings as a coordinator sends them (checked to decode, so that a changed field shows here).
    static func settings() -> [UInt8] {
        let json = Array(#"""
            {"protocolVersion":\#(WorkerProtocol.version),"worker":1,"conninfo":"postgres://me@localhost/chats",
             "schema":"skype","runID":7,"connections":2,"retry":{"initialDelay":0.2,"maximumDelay":10,"timeout":300}}
            """#.utf8)
        do { _ = try WorkerProtocol.decode(WorkerSettings.self, from: json) } catch { fatalError("settings: \(error)") }
        return json
    }

    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let hash = SHA256()
        bytes.withUnsafeBytes { hash.update($0) }
        return hash.finish()
    }

    static func frame(_ kind: UInt8, _ payload: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt32(payload.count).littleEndian, Array.init) + [kind] + payload
    }

    static func save(_ bytes: [UInt8], _ directory: String, _ target: String, _ name: String) {
        let folder = directory + "/" + target
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes)) else {
            fatalError("cannot write \(folder)/\(name)")
        }
    }
}
