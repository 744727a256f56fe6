import Foundation
import Benchmark
import SkypeExport
import SyntheticExport

/// The client side of a load, without PostgreSQL: splitting, parsing and transforming, COPY
/// encoding. One iteration handles one generated export of 20,000 messages (about 12.6 MB of
/// JSON), so MB/s = 12.6 / seconds per iteration and allocations per message = mallocs / 20,000.
let benchmarks: @Sendable () -> Void = {
    let export: [UInt8] = {
        var options = SyntheticExportOptions()
        options.messages = 20_000
        options.conversations = 20
        var bytes: [UInt8] = []
        _ = try? SyntheticExportWriter(options: options).write { chunk in bytes += chunk }
        return bytes
    }()
    func split() -> [Shard] {
        var shards: [Shard] = []
        let splitter = ExportSplitter(source: BufferByteSource(export), configuration: SplitterConfiguration(),
                                      location: .init(file: "benchmark")) { shards.append($0) }
        _ = try? splitter.run()
        return shards
    }
    let shards = split()
    // The same export as a .tar.zst on disk, made by the tar and zstd tools (as
    // scripts/generate-export makes them) in the benchmark's setup: the runner also starts this
    // process just to list the benchmarks.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skype-benchmark-\(getpid())")
    let archive = directory.appendingPathComponent("export.tar.zst").path
    @Sendable func makeArchive() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(export).write(to: directory.appendingPathComponent("messages.json"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "tar -C \"$1\" -cf - messages.json | zstd -q -f -o \"$2\"", "sh", directory.path, archive]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                                maxDuration: .seconds(10), maxIterations: 20)

    Benchmark("split 20,000 messages (12.6 MB)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(split())
        }
    }

    var archiveConfiguration = configuration
    archiveConfiguration.setup = makeArchive
    archiveConfiguration.teardown = { try? FileManager.default.removeItem(at: directory) }
    Benchmark("decompress+split 20,000 messages (12.6 MB, .tar.zst)", configuration: archiveConfiguration) { benchmark in
        // As a load reads: zstd and tar on the read-ahead thread, the splitter on this one.
        for _ in benchmark.scaledIterations {
            let input = try ExportInput(path: archive)
            let readAhead = ReadAheadByteSource(input.source)
            defer { readAhead.stop() }
            var count = 0
            let splitter = ExportSplitter(source: readAhead, configuration: SplitterConfiguration(),
                                          location: .init(file: archive)) { count += $0.messageCount }
            _ = try splitter.run()
            blackHole(count)
        }
    }

    Benchmark("parse+transform 20,000 messages (12.6 MB)", configuration: configuration) { benchmark in
        let transformer = ShardTransformer()
        for _ in benchmark.scaledIterations {
            for shard in shards { blackHole(transformer.transform(shard)) }
        }
    }

    Benchmark("binary COPY encoding 20,000 rows", configuration: configuration) { benchmark in
        let text = "Hello\tworld \\ with a backslash, a newline\nand 東京 😀 " + String(repeating: "lorem ipsum ", count: 30)
        for _ in benchmark.scaledIterations {
            var writer = BinaryCopyWriter(reservingCapacity: 20_000 * 520)
            for row in 0..<20_000 {
                writer.beginRow(fields: 4)
                writer.text("19:conversation@thread.skype")
                writer.int8(Int64(row))
                writer.text(text)
                writer.bool(true)
            }
            blackHole(writer.finish())
        }
    }

    Benchmark("COPY encoding 20,000 rows", configuration: configuration) { benchmark in
        let text = "Hello\tworld \\ with a backslash, a newline\nand 東京 😀 " + String(repeating: "lorem ipsum ", count: 30)
        for _ in benchmark.scaledIterations {
            var writer = CopyWriter()
            for row in 0..<20_000 {
                writer.field("19:conversation@thread.skype")
                writer.field(Int64(row))
                writer.field(text)
                writer.field(true)
                writer.endRow()
            }
            blackHole(writer.buffer)
        }
    }
}
