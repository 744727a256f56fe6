import Foundation
@testable import SkypeExport
@testable import SkypeRuntime
@testable import SkypeSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the libFuzzer targets of the pipe protocol (`scripts/fuzz frames shard media`) found,
/// each input as it was found: a frame one process receives from the other decodes into exactly
/// what the sender encoded, or ends in a typed error naming its byte; never a trap.
@Suite struct PipeProtocolTests {
    static func isProtocolError(_ error: any Error, at offset: Int64) -> Bool {
        guard let error = error as? LoadError else { return false }
        return error.code == .workerProtocol && error.location.offset == offset
    }

    static func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    /// Found by the `media` target: two bytes after the last (here: no) chunk were ignored, so a
    /// frame decoded into a shard that encodes into other bytes.
    @Test func aMediaShardFrameWithBytesAfterItsLastChunkIsAnError() {
        let frame: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x72, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect { try MediaShard.decode(frame) } throws: { Self.isProtocolError($0, at: 12) }
        #expect(throws: Never.self) { try MediaShard.decode(Array(frame.dropLast(2))) }
    }

    /// An ordinal beyond `Int` trapped (`Int(UInt64)`), killing the worker that read it.
    @Test func aMediaShardOrdinalBeyondIntIsAnError() {
        let frame = Self.little(UInt64.max) + Self.little(UInt32(0))
        #expect { try MediaShard.decode(frame) } throws: { Self.isProtocolError($0, at: 0) }
    }

    @Test func aMediaShardClaimingMoreChunksThanItHoldsFailsAtOnce() {
        let frame = Self.little(UInt64(3)) + Self.little(UInt32.max) + [UInt8](repeating: 1, count: 32)
        #expect { try MediaShard.decode(frame) } throws: { Self.isProtocolError($0, at: 44) }
    }

    /// Found by the `shard` target: a conversation id that is not UTF-8 was decoded leniently
    /// (U+FFFD for the bad byte), so the worker would load the part under another id than the
    /// one sent. The input as found: two parts, the second's id `1\xB9:abc@thread.skype`.
    @Test func aShardFrameWhoseConversationIdIsNotUTF8IsAnError() throws {
        let part = ConversationPart(conversationID: "8:live:a", slice: 0, header: nil)
        var frame = ShardCodec.encode(Shard(ordinal: 1, parts: [part], account: "8:live:me"))
        let idOffset = 8 + 4 + 9 + 4
        #expect(frame[(idOffset + 4)...].starts(with: Array("8:live:a".utf8)))
        frame[idOffset + 4 + 1] = 0xB9
        #expect { try ShardCodec.decode(frame) } throws: { Self.isProtocolError($0, at: Int64(idOffset)) }
        var account = ShardCodec.encode(Shard(ordinal: 1, parts: [part], account: "8:live:me"))
        account[8 + 4] = 0xFF
        #expect { try ShardCodec.decode(account) } throws: { Self.isProtocolError($0, at: 8) }
    }

    @Test func whatDecodesEncodesIntoTheSameBytes() throws {
        var part = ConversationPart(conversationID: "19:ä@thread.skype", slice: 2, header: Array(#"{"id":"x"}"#.utf8))
        Array(#"{"id":"1"}"#.utf8).withUnsafeBytes { part.appendMessage($0, offset: 99, index: 0) }
        let shard = Shard(ordinal: 12, parts: [part], account: "8:live:ö")
        #expect(ShardCodec.encode(try ShardCodec.decode(ShardCodec.encode(shard))) == ShardCodec.encode(shard))
        let media = MediaShard(ordinal: 5, chunks: [.init(sha256: [UInt8](repeating: 9, count: 32), data: [1, 2])])
        #expect(try MediaShard.decode(media.encoded()).encoded() == media.encoded())
    }

    /// A frame header claiming a gigabyte, then a few bytes: the reader holds at most one chunk
    /// (8 MiB) for bytes that never come, and says the stream ended inside the frame. Found by
    /// the `frames` target, which this made slow: the chunk was zeroed first, byte by byte in a
    /// debug build (now it is not zeroed at all).
    @Test func aFrameClaimingAGigabyteEndsAsTruncatedWithoutItsClaim() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let stream = Self.little(UInt32(1 << 30)) + [2] + [UInt8](repeating: 7, count: 100)
        #expect(stream.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == stream.count)
        close(ends[1])
        let reader = FrameReader(descriptor: ends[0])
        defer { reader.close() }
        #expect(throws: FrameReader.Truncated.self) { try reader.read() }
    }
}
