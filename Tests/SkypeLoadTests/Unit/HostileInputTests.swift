import Foundation
@testable import SkypeExport
@testable import SkypeRuntime
@testable import SkypeSupport
import SyntheticExport
import Testing

/// Every reader of untrusted bytes (tar, zstd, the splitter, the JSON parser and transform,
/// the shard codec and the pipe framing) ends any input, random or a mutation of a valid one,
/// in a result or a typed error with its offset: never a trap. And pathological inputs take
/// time linear in their size.
@Suite struct HostileInputTests {
    static let location = LoadError.Location(file: "fuzz")

    /// A small realistic export (every hazard the generator knows), as bytes.
    static let export: [UInt8] = {
        var options = SyntheticExportOptions()
        options.messages = 60
        options.conversations = 4
        options.seed = 11
        options.averageTextLength = 60
        var bytes: [UInt8] = []
        _ = try? SyntheticExportWriter(options: options).write { bytes += $0 }
        return bytes
    }()

    /// The export's shards, cut small.
    static let shards: [Shard] = {
        var shards: [Shard] = []
        var configuration = SplitterConfiguration()
        configuration.shardBytes = 2048
        _ = try? ExportSplitter(source: MemoryByteSource(export, chunk: 4096), configuration: configuration,
                                location: location) { shards.append($0) }.run()
        return shards
    }()

    static let messages: [[UInt8]] = shards.flatMap { shard in
        shard.parts.flatMap { part in
            var found: [[UInt8]] = []
            part.forEachMessage { _, _, bytes in found.append(Array(bytes)) }
            return found
        }
    }

    /// Runs `body`; passes when it returns or throws a ``LoadError`` with an offset.
    func expectTypedLocatedError(_ target: String, seed: UInt64, _ body: () throws -> Void) {
        do {
            try body()
        } catch let error as LoadError {
            #expect(error.location.offset != nil, "\(target) seed \(seed): \(error)")
        } catch {
            Issue.record("\(target) seed \(seed): an untyped error \(error)")
        }
    }

    // MARK: - Fuzzing

    @Test func tarReaderEndsEveryInputInATypedError() throws {
        var valid = TarBuilder()
        valid.file("media/0-weu-d8-a.json", #"{"filename":"a.jpg"}"#)
        valid.pax(TarBuilder.paxRecord("path", "media/0-weu-d8-b.json") + TarBuilder.paxRecord("size", "2"))
        valid.raw(TarBuilder.header(name: "x", size: 0) + TarBuilder.padded(Array("{}".utf8)))
        valid.longName("media/" + String(repeating: "l", count: 200) + ".1.jpg")
        valid.file("y", "jpeg")
        valid.raw(TarBuilder.header(name: "messages.json", size: 0, layout: .gnu,
                                    sizeField: TarBuilder.base256(Self.export.count)))
        valid.raw(TarBuilder.padded(Self.export))
        valid.file("media/0-weu-d8-c.json", "{}")
        valid.end()
        let count = Fuzzer.run("tar") { seed, rng in
            let input = seed % 8 == 0 ? Fuzzer.randomBytes(4096, &rng) : Fuzzer.mutate(valid.bytes, &rng)
            let chunk = Fuzzer.int(1..<5000, &rng)
            expectTypedLocatedError("tar", seed: seed) {
                let tar = try TarEntrySource(MemoryByteSource(input, chunk: chunk), wanted: "messages.json",
                                             location: Self.location, keep: MediaCatalog.wantsBytes)
                var buffer = [UInt8](repeating: 0, count: 4096)
                while try buffer.withUnsafeMutableBytes({ try tar.read(into: $0) }) > 0 {}
                var catalog = MediaCatalog()
                for entry in tar.entriesBefore { catalog.add(entry) }
                try tar.remainingEntries { catalog.add($0) }
                _ = catalog.rows(account: "", exportedAt: nil)
            }
        }
        #expect(count >= Fuzzer.fixedSeeds.count)
    }

    @Test func zstdReaderEndsEveryInputInATypedError() throws {
        let directory = try ScratchDirectory()
        let plain = directory.path("m.json")
        try Data(Self.export).write(to: URL(fileURLWithPath: plain))
        try Shell.run("zstd", ["-q", "-f", "-19", plain, "-o", plain + ".zst"])
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain + ".zst")))
        Fuzzer.run("zstd") { seed, rng in
            let input = seed % 8 == 0 ? [0x28, 0xB5, 0x2F, 0xFD] + Fuzzer.randomBytes(2048, &rng) : Fuzzer.mutate(valid, &rng)
            let chunk = Fuzzer.int(1..<3000, &rng)
            expectTypedLocatedError("zstd", seed: seed) {
                let zstd = try ZstdByteSource(MemoryByteSource(input, chunk: chunk), location: Self.location)
                var buffer = [UInt8](repeating: 0, count: Fuzzer.int(1..<70000, &rng))
                while try buffer.withUnsafeMutableBytes({ try zstd.read(into: $0) }) > 0 {}
            }
        }
    }

    @Test func splitterAndTransformEndEveryInputInATypedError() throws {
        let directory = try ScratchDirectory()
        Fuzzer.run("splitter") { seed, rng in
            let input = seed % 10 == 0 ? Fuzzer.randomBytes(2048, &rng) : Fuzzer.mutate(Self.export, &rng)
            var configuration = SplitterConfiguration()
            configuration.shardBytes = Fuzzer.int(64..<8192, &rng)
            configuration.maximumValueBytes = Fuzzer.int(256..<100_000, &rng)
            configuration.spillDirectory = directory.url.path
            let chunk = Fuzzer.int(1..<5000, &rng)
            expectTypedLocatedError("splitter", seed: seed) {
                let splitter = ExportSplitter(source: MemoryByteSource(input, chunk: chunk), configuration: configuration,
                                              location: Self.location) { shard in
                    // What a worker does with it: the codec, then the transform.
                    _ = ShardTransformer().transform(try ShardCodec.decode(ShardCodec.encode(shard)))
                }
                _ = try splitter.run()
            }
        }
    }

    @Test func jsonParserEndsEveryInputInASyntaxErrorWithinIt() throws {
        Fuzzer.run("json") { seed, rng in
            let message = Self.messages[Int(seed % UInt64(Self.messages.count))]
            let input = seed % 10 == 0 ? Fuzzer.randomBytes(512, &rng) : Fuzzer.mutate(message, &rng)
            input.withUnsafeBytes { bytes in
                var repairs = RepairCounts()
                do {
                    _ = try JSONParser.parse(bytes, repairs: &repairs)
                } catch let error as JSONParser.SyntaxError {
                    #expect((0...bytes.count).contains(error.offset), "json seed \(seed): offset \(error.offset)")
                } catch {
                    Issue.record("json seed \(seed): an untyped error \(error)")
                }
                var members: [JSONMember?] = []
                // The whole of a message's reading, as a load does it: parse, structure, key limits.
                _ = ShardTransformer.read(bytes, conversationID: "8:fuzz", account: "8:live:me", offset: 0, index: 0,
                                          members: &members, repairs: &repairs)
            }
        }
    }

    @Test func shardCodecEndsEveryFrameInATypedError() throws {
        Fuzzer.run("shard codec") { seed, rng in
            let shard = Self.shards[Int(seed % UInt64(Self.shards.count))]
            let input = seed % 10 == 0 ? Fuzzer.randomBytes(1024, &rng) : Fuzzer.mutate(ShardCodec.encode(shard), &rng)
            expectTypedLocatedError("shard codec", seed: seed) {
                // A frame that decodes is loaded as it is: the transform must take whatever it holds.
                _ = ShardTransformer().transform(try ShardCodec.decode(input))
            }
        }
    }

    @Test func frameReaderEndsEveryStreamInAnError() throws {
        let directory = try ScratchDirectory()
        let path = directory.path("frames")
        Fuzzer.run("frames") { seed, rng in
            var stream: [UInt8] = []
            for _ in 0..<Fuzzer.int(0..<4, &rng) {
                let payload = Fuzzer.randomBytes(300, &rng)
                stream += withUnsafeBytes(of: UInt32(payload.count).littleEndian, Array.init) + [1] + payload
            }
            stream = Fuzzer.mutate(stream, &rng)
            _ = FileManager.default.createFile(atPath: path, contents: Data(stream))
            let descriptor = open(path, O_RDONLY)
            defer { close(descriptor) }
            let reader = FrameReader(descriptor: descriptor)
            do {
                while try reader.read() != nil {}
            } catch is FrameReader.Truncated {
            } catch let error as LoadError {
                #expect(error.code == .workerProtocol)
            } catch {
                Issue.record("frames seed \(seed): an untyped error \(error)")
            }
        }
    }

    // MARK: - Time linear in the input

    /// Generous: these inputs took minutes or crashed when the readers were quadratic or
    /// recursed without a bound; linear, they take well under a second.
    static let bound = 10 * TestEnvironment.timeScale

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    /// `prefix`, `unit` `count` times, then `suffix`.
    static func repeated(_ prefix: String, _ unit: String, _ count: Int, _ suffix: String = "") -> [UInt8] {
        let unitBytes = Array(unit.utf8)
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(bytes.count + unitBytes.count * count + suffix.utf8.count)
        for _ in 0..<count { bytes.append(contentsOf: unitBytes) }
        return bytes + Array(suffix.utf8)
    }

    @Test(arguments: [
        ("deep nesting", "", "[", 1 << 20, ""),
        ("nested objects", "", #"{"a":"#, 1 << 18, ""),
        ("NUL escapes", "\"", #"\u0000"#, 1 << 17, "\""),
        ("lone surrogates", "\"", #"\ud83d"#, 1 << 17, "\""),
        ("invalid UTF-8", "\"", "\u{C3}", 1 << 19, "\""),
        ("many members", "{", #""a":1,"#, 1 << 17, #""b":2}"#),
    ])
    func jsonParserIsLinear(_ name: String, _ prefix: String, _ unit: String, _ count: Int, _ suffix: String) {
        var input = Self.repeated(prefix, unit, count, suffix)
        if name == "invalid UTF-8" {
            // U+00C3 is two bytes in UTF-8; keep only the lead byte of each, a lone lead byte.
            input = input.filter { $0 != 0x83 }
        }
        let elapsed = seconds {
            input.withUnsafeBytes { bytes in
                var repairs = RepairCounts()
                _ = try? JSONParser.parse(bytes, repairs: &repairs)
                var members: [JSONMember?] = []
                _ = ShardTransformer.parse(bytes, conversationID: "8:x", offset: 0, index: 0, members: &members, repairs: &repairs)
            }
        }
        #expect(elapsed < Self.bound, "\(name): \(elapsed) s")
    }

    @Test func deepNestingIsAnErrorOnAWorkerThread() throws {
        // Workers parse on threads of their own (8 MiB stacks): the depth limit must hold there.
        let done = DispatchSemaphore(value: 0)
        let outcome = Locked<[String]>([])
        let thread = Thread {
            for depth in [JSONParser.maximumDepth - 1, JSONParser.maximumDepth + 1] {
                let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                outcome.withLock { $0.append((try? JSONParser.parse(text)) == nil ? "error" : "parsed") }
            }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        #expect(outcome.withLock { $0 } == ["parsed", "error"])
    }

    @Test(arguments: [
        ("deep nesting in a message", "[" as String, 1 << 20),
        ("escapes in a message", #""\\"#, 1 << 20),
        ("tiny messages", "{},", 1 << 18),
    ])
    func splitterIsLinear(_ name: String, _ unit: String, _ repeats: Int) throws {
        let input = Self.repeated(#"{"conversations":[{"id":"8:a","MessageList":["#, unit, repeats)
        let elapsed = seconds {
            let splitter = ExportSplitter(source: MemoryByteSource(input, chunk: 1 << 16), configuration: SplitterConfiguration(),
                                          location: Self.location) { _ in }
            #expect(throws: LoadError.self) { try splitter.run() }
        }
        #expect(elapsed < Self.bound, "\(name): \(elapsed) s")
    }

    @Test func tarReaderIsLinear() throws {
        var tar = TarBuilder()
        // 256 KiB of the smallest pax records, then 5,000 empty entries.
        tar.pax(Self.repeated("", "6 a=b\n", (1 << 18) / 6))
        tar.file("z", "")
        for index in 0..<5_000 { tar.file("media/\(index).json", "") }
        tar.file("messages.json", "{}")
        tar.end()
        let elapsed = try seconds {
            let source = try TarEntrySource(MemoryByteSource(tar.bytes, chunk: 1 << 16), wanted: "messages.json",
                                            location: Self.location, keep: MediaCatalog.wantsBytes)
            #expect(source.entriesBefore.count == 5_001)
        }
        #expect(elapsed < Self.bound, "\(elapsed) s")
    }

    /// A count the transform sized a set by: four billion claimed messages asked for 68 GB
    /// (found by the fuzzer, as a crash in a parallel test run).
    @Test func aShardFrameClaimingMoreMessagesThanItHoldsIsAnError() throws {
        let shard = try #require(Self.shards.first { $0.parts.count == 1 })
        var frame = ShardCodec.encode(shard)
        // ordinal, account, part count, then the part: id, slice, message count.
        let countOffset = 8 + 4 + shard.account.utf8.count + 4 + 4 + shard.parts[0].conversationID.utf8.count + 4
        for index in 0..<4 { frame[countOffset + index] = 0xFF }
        #expect { try ShardCodec.decode(frame) } throws: {
            ($0 as? LoadError)?.code == .workerProtocol && ($0 as? LoadError)?.location.offset != nil
        }
        var claimed = shard
        claimed.parts[0].messageCount = Int(UInt32.max)
        _ = ShardTransformer().transform(claimed)
    }

    @Test func aShardFrameClaimingMorePartsThanItHoldsFailsAtOnce() {
        // Ordinal 1, an empty account, then four billion parts and nothing more.
        let frame = withUnsafeBytes(of: UInt64(1).littleEndian, Array.init) + [0, 0, 0, 0]
            + withUnsafeBytes(of: UInt32.max.littleEndian, Array.init)
        #expect { try ShardCodec.decode(frame) } throws: { ($0 as? LoadError)?.location.offset == 16 }
    }
}
