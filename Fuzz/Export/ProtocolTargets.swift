import Foundation
import SkypeExport
import SkypeRuntime
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

// The targets for what crosses the pipes between the coordinator and its workers: every byte a
// process receives from the other goes through one of these decoders. The peer is our own
// binary, but a worker killed mid-write, a wrong build or a bug on the other side must end in a
// typed error (`LoadError` `.workerProtocol`, or `FrameReader.Truncated`), never in a crash or
// an allocation sized by a length field.
enum ProtocolTargets {
    /// A stream on a real pipe, written in pieces of varying size by a thread while it is read as
    /// both ends read theirs: the first frame of kind 1 as a worker's settings, later ones as a
    /// worker's events; kind 2 a shard, 3 a media shard, anything else ends the stream.
    static func frames(_ bytes: [UInt8]) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let writing = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { close(writeEnd); writing.signal() }
            var position = 0
            var step = 1
            while position < bytes.count {
                step = step % 8191 + 13
                let count = min(step, bytes.count - position)
                let wrote = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + position, count) }
                guard wrote > 0 else { return }  // the reader stopped and closed its end (EPIPE)
                position += wrote
            }
        }
        writer.start()
        let reader = FrameReader(descriptor: readEnd)
        var first = true
        reading: while let frame = try? reader.read() {
            defer { first = false }
            switch frame.kind {
            case WorkerProtocol.ToWorker.configure.rawValue where first:
                _ = try? WorkerProtocol.decode(WorkerSettings.self, from: frame.payload)
            case WorkerProtocol.ToCoordinator.event.rawValue:
                _ = try? WorkerProtocol.decode(WorkerEvent.self, from: frame.payload)
            case WorkerProtocol.ToWorker.shard.rawValue: shard(frame.payload)
            case WorkerProtocol.ToWorker.mediaShard.rawValue: media(frame.payload)
            default: break reading
            }
        }
        reader.close()
        writing.wait()
    }

    /// A shard frame, then what a worker does with one before its database sees it: the ledger
    /// key, the label, the transform into COPY rows. What decodes must be exactly what the
    /// codec makes: encoding it again gives the same bytes.
    static func shard(_ bytes: [UInt8]) {
        guard let shard = try? ShardCodec.decode(bytes) else { return }
        guard ShardCodec.encode(shard) == bytes else { fatalError("a shard frame decoded into a shard that encodes otherwise") }
        _ = ShardKey.of(shard)
        _ = shard.label
        _ = ShardTransformer().transform(shard)
    }

    /// A media shard frame, then its ledger key and label; encoding it again gives the same bytes.
    static func media(_ bytes: [UInt8]) {
        guard let shard = try? MediaShard.decode(bytes) else { return }
        guard shard.encoded() == bytes else { fatalError("a media shard frame decoded into one that encodes otherwise") }
        _ = shard.key
        _ = shard.label
    }
}
