import CZstd
package import SkypeSupport

/// Decompresses a zstd stream as it is read, frame after frame, in bounded memory.
///
/// Files written by `zstd -T`, `pzstd` or concatenation hold several frames; `zstd --long=31`
/// files need a window of 2 GiB, which the decoder refuses unless `windowLogMax` is raised.
/// The window is the one unavoidable memory cost of such files, and a frame's header alone
/// asks for it: a few bytes of a hostile file could make the decoder take 2 GiB. So the
/// default limit is 2^27 (128 MiB, every level of `zstd` without `--long`), raised only when
/// the user asks (`--zstd-window-log`).
package final class ZstdByteSource: ByteSource {
    private let upstream: any ByteSource
    private let stream: OpaquePointer
    private var input: [UInt8]
    private var inputPosition = 0
    private var inputSize = 0
    private var upstreamEnded = false
    /// True between the first byte of a frame and its end: the stream may not end there.
    private var frameInProgress = false
    private let location: LoadError.Location
    private let windowLogMax: Int32

    /// The window accepted unless the user raises it: 2^27 bytes, 128 MiB.
    package static let defaultWindowLog: Int32 = 27
    /// The largest zstd defines (2 GiB), what `zstd --long=31` writes.
    package static let largestWindowLog: Int32 = 31

    /// - Parameters:
    ///   - windowLogMax: the largest window the decoder accepts, as a power of two (the default
    ///     27 is 128 MiB; 31 opens `--long=31` files).
    ///   - location: the file, for error messages.
    package init(_ upstream: any ByteSource, windowLogMax: Int32 = ZstdByteSource.defaultWindowLog,
                 location: LoadError.Location) throws {
        guard let stream = ZSTD_createDStream() else {
            throw LoadError(.system, "cannot allocate a zstd decoder", location: location)
        }
        self.upstream = upstream
        self.stream = stream
        self.windowLogMax = windowLogMax
        self.location = location
        self.input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
        let result = ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, windowLogMax)
        if ZSTD_isError(result) != 0 {
            ZSTD_freeDStream(stream)
            throw LoadError(.system, "cannot configure the zstd decoder: \(Self.describe(result))", location: location)
        }
    }

    deinit { ZSTD_freeDStream(stream) }

    package var storedBytesRead: Int64 { upstream.storedBytesRead }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var output = ZSTD_outBuffer(dst: base, size: buffer.count, pos: 0)
        while output.pos == 0 {
            if inputPosition == inputSize && !upstreamEnded {
                let count = try input.withUnsafeMutableBytes { try upstream.read(into: $0) }
                inputPosition = 0
                inputSize = count
                if count == 0 { upstreamEnded = true }
            }
            if inputPosition == inputSize && upstreamEnded && !frameInProgress {
                return 0
            }
            let before = output.pos
            let result = input.withUnsafeBytes { bytes -> Int in
                var inBuffer = ZSTD_inBuffer(src: bytes.baseAddress, size: inputSize, pos: inputPosition)
                let result = ZSTD_decompressStream(stream, &output, &inBuffer)
                inputPosition = inBuffer.pos
                return result
            }
            if ZSTD_isError(result) != 0 {
                var where_ = location
                where_.storedOffset = upstream.storedBytesRead - Int64(inputSize - inputPosition)
                where_.offset = where_.storedOffset
                if ZSTD_getErrorCode(result) == ZSTD_error_frameParameter_windowTooLarge {
                    throw LoadError(.inputUnreadable, "the zstd frame asks for a window larger than 2^\(windowLogMax) bytes",
                                    location: where_,
                                    hint: windowLogMax < Self.largestWindowLog
                                        ? "It was compressed with zstd --long: rerun with --zstd-window-log 31 if you trust the file (its window then takes up to 2 GiB of memory)"
                                        : "No zstd file needs a larger window: the file is damaged or not a zstd file")
                }
                throw LoadError(.inputCorrupt, "the zstd stream is damaged: \(Self.describe(result))",
                                location: where_,
                                hint: "Check the file with `zstd -t`; re-copy or re-download it")
            }
            frameInProgress = result != 0
            if upstreamEnded && inputPosition == inputSize && frameInProgress && output.pos == before {
                var where_ = location
                where_.offset = upstream.storedBytesRead
                throw LoadError(.inputTruncated, "the zstd stream ends in the middle of a frame",
                                location: where_,
                                hint: "The file is truncated: copy or download it again")
            }
        }
        return output.pos
    }

    private static func describe(_ code: Int) -> String {
        guard let name = ZSTD_getErrorName(code) else { return "error \(code)" }
        return String(cString: name)
    }
}
