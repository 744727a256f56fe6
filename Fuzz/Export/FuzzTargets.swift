import Foundation
import SkypeExport
import SkypeSupport

// libFuzzer entry points for the readers of an export and for the pipe protocol between the
// coordinator and its workers (ProtocolTargets.swift), built only by scripts/fuzz (SKYPE_FUZZ=1
// adds this target; `--sanitize=fuzzer --sanitize=address`). One binary holds every target;
// SKYPE_FUZZ_TARGET chooses which one an input goes to. A target may throw on
// bad input (that is its job): what it must never do is crash, hang, leak or read out of
// bounds, which the sanitizers and libFuzzer's limits report.

/// An input in memory, handed out in pieces of varying size (the readers' refills are
/// where bugs hide).
final class FuzzSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private var step = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var storedBytesRead: Int64 { Int64(position) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        step = step % 4093 + 7
        let count = min(step, buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[position..<(position + count)]))
        }
        position += count
        return count
    }
}

enum FuzzTarget: String, CaseIterable {
    case splitter, json, markup, tar, zstd, input
    case frames, shard, media

    static let chosen: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SKYPE_FUZZ_TARGET"] ?? "splitter"
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("SKYPE_FUZZ_TARGET must be one of \(allCases.map(\.rawValue))\n".utf8))
            exit(64)
        }
        return target
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .splitter:
            var configuration = SplitterConfiguration()
            configuration.shardBytes = 4096
            configuration.maximumValueBytes = 1 << 16
            configuration.spillDirectory = NSTemporaryDirectory()
            var messages = 0
            let splitter = ExportSplitter(source: FuzzSource(bytes), configuration: configuration,
                                          location: .init(file: "fuzz")) { shard in
                for part in shard.parts { part.forEachMessage { _, _, _ in messages += 1 } }
            }
            splitter.onOversizedMessage = { _ in }
            _ = try? splitter.run()
        case .json:
            var repairs = RepairCounts()
            _ = bytes.withUnsafeBytes { try? JSONParser.parse($0, repairs: &repairs) }
        case .markup:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = PlainText.from(html: text)
            _ = bytes.withUnsafeBufferPointer { MarkupScanner.tokens($0) }
        case .tar:
            guard let entry = try? TarEntrySource(FuzzSource(bytes), wanted: "messages.json", location: .init(file: "fuzz"),
                                                  keep: { $0.hasPrefix("media/") }) else { return }
            drain(entry)
        case .zstd:
            guard let source = try? ZstdByteSource(FuzzSource(bytes), location: .init(file: "fuzz")) else { return }
            drain(source)
        case .input:
            // The whole peeling by magic bytes, from a file as a load opens it.
            let path = NSTemporaryDirectory() + "/fuzz-input-\(getpid())"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
            defer { unlink(path) }
            if let input = try? ExportInput(path: path) { drain(input.source) }
        case .frames: ProtocolTargets.frames(bytes)
        case .shard: ProtocolTargets.shard(bytes)
        case .media: ProtocolTargets.media(bytes)
        }
    }

    private func drain(_ source: any ByteSource) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while total < 64 << 20, let count = try? buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), count > 0 {
            total += count
        }
    }
}

/// Before the first input: SIGPIPE ignored (the `frames` target's writer meets a closed pipe
/// as a worker's does), and with SKYPE_FUZZ_WRITE_SEEDS=DIR the protocol targets' seeds are
/// written to DIR/TARGET (`Fuzz/corpus`) instead of fuzzing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    signal(SIGPIPE, SIG_IGN)
    if let directory = ProcessInfo.processInfo.environment["SKYPE_FUZZ_WRITE_SEEDS"] {
        ProtocolSeeds.write(to: directory)
        exit(0)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.chosen.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
