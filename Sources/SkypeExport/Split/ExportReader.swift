import SkypeSupport

/// The one read path through an export, for `load`, `inspect` and `verify` alike: the opened
/// input's JSON bytes (decompressed and taken out of the tar on a thread of their own, at most
/// a few chunks ahead) cut into shards by the splitter. `load` hands the shards to workers,
/// whose transform reads each message with ``ShardTransformer/read(_:conversationID:account:offset:index:members:repairs:)``;
/// `inspect` and `verify` read them the same way, through a ``MessageScanner``.
package final class ExportReader {
    /// Where offsets in messages and errors point: inside the tar entry, or in the
    /// decompressed stream.
    let location: LoadError.Location
    private let reading: TimedByteSource
    private let readAhead: ReadAheadByteSource
    private let waits: TimedByteSource
    private let splitter: ExportSplitter

    /// - Parameter shard: called with each shard, in order, on the calling thread.
    package init(_ input: ExportInput, splitter configuration: SplitterConfiguration, shard: @escaping (Shard) throws -> Void) {
        let entry = input.entry ?? (input.formats.contains(.zstd) ? "decompressed JSON" : nil)
        location = LoadError.Location(file: input.path, entry: entry)
        reading = TimedByteSource(input.source)
        readAhead = ReadAheadByteSource(reading)
        waits = TimedByteSource(readAhead)
        splitter = ExportSplitter(source: waits, configuration: configuration, location: location, emit: shard)
    }

    deinit { readAhead.stop() }

    /// Called with each message over `--max-value-bytes`, which is stepped over and rejected.
    package var onOversizedMessage: ((RejectRecord) throws -> Void)? {
        get { splitter.onOversizedMessage }
        set { splitter.onOversizedMessage = newValue }
    }

    /// Reads the whole of `messages.json`. Afterwards (also after a failure) the read-ahead
    /// thread has ended, so the tar's later entries may be read from ``input``.
    package func run() throws -> ExportSummary {
        defer { readAhead.stop() }
        return try splitter.run()
    }

    /// What the splitter found so far; after ``run()`` threw, what it found before the error.
    package var summarySoFar: ExportSummary { splitter.summarySoFar }
    /// Nanoseconds spent reading the stored input (decompressing, the tar), on the read-ahead thread.
    package var readingNanoseconds: UInt64 { reading.nanoseconds }
    /// Nanoseconds the splitter waited for the read-ahead thread.
    package var waitingNanoseconds: UInt64 { waits.nanoseconds }
}
