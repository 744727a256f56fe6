import Foundation
import Logging
import SkypeExport
import SkypePostgres
import SkypeSupport
import SkypeReport

extension Coordinator {
    /// Reads the tar's `media/` entries after `messages.json`: metadata into the catalog, the
    /// files' bytes through a ``MediaCollector`` (chunks to the workers, or a folder). Media
    /// entries that came before `messages.json` were passed while seeking it: the export is
    /// opened again to read them (from standard input, they were held in a ``MediaSpool``).
    func loadMedia(_ input: ExportInput) throws {
        guard let tar = input.tar else { return }
        readingMedia = true
        defer { readingMedia = false }
        let started = MonotonicClock.now()
        let collector = try MediaCollector(destination: configuration.media, shardBytes: configuration.splitter.shardBytes,
                                           firstOrdinal: nextOrdinal + 1) { [unowned self] shard in
            try self.dispatch(InFlightShard(shard))
            self.report.media.shards += 1
        }
        let exportMedia = ExportMedia(summary: exportSummary, collector: collector)
        media = collector
        mediaOfExports.append(exportMedia)
        defer {
            report.media.seconds += MonotonicClock.seconds(since: started)
            report.mediaFiles = mediaOfExports.reduce(0) { $0 + $1.catalog.records.count }
        }
        report.media.destination = MediaReport.Destination(configuration.media)
        for entry in tar.entriesBefore { exportMedia.catalog.add(entry) }
        do {
            try tar.remainingEntries(streaming: collector.streaming) { entry in
                exportMedia.catalog.add(entry)
                // Workers still load meanwhile: their events are handled, and a stop stops this too.
                pump(waiting: 0)
                try checkOutcome(during: "while reading media entries")
            }
        } catch let error as LoadError where error.code == .inputTruncated || error.code == .inputCorrupt {
            // A cut or damaged archive: the media files read whole before the damage are still
            // stored and recorded (``storeMedia()`` reports the error after recording them).
            mediaInputError = error
        }
        let before = tar.entriesBefore.filter { MediaCollector.holdsBytes($0.name) }
        if !before.isEmpty {
            if configuration.media == .skip {
                before.forEach(collector.skip)
            } else if let mediaSpool {
                try mediaSpool.replay(collector.read)
            } else {
                _ = try ExportInput(path: input.path, zstdWindowLogMax: configuration.zstdWindowLogMax,
                                    streaming: collector.streaming)
            }
        }
        try collector.flush()
        // Summed over the exports read so far.
        let collectors = mediaOfExports.map(\.collector)
        report.media.filesFound = collectors.reduce(0) { $0 + $1.filesFound }
        report.media.bytesFound = collectors.reduce(0) { $0 + $1.bytesFound }
        report.media.filesSkipped = collectors.reduce(0) { $0 + $1.filesSkipped }
        report.media.bytesSkipped = collectors.reduce(0) { $0 + $1.bytesSkipped }
        report.repairs.add(exportMedia.catalog.repairs)
    }

    /// Once every media shard is committed: records each content (its digest and its chunks'
    /// digests, or its path in the folder), each entry and the documents' metadata, under each
    /// export's account and date, in one transaction. Recording only now means a content row
    /// always has all its chunks stored.
    func storeMedia() throws {
        let started = MonotonicClock.now()
        defer { report.media.seconds += MonotonicClock.seconds(since: started) }
        let entries = mediaOfExports.flatMap(\.collector.entries)
        let shardsSent = mediaOfExports.reduce(0) { $0 + $1.collector.shardsSent }
        let documents = mediaOfExports.reduce(0) { $0 + $1.catalog.records.count }
        guard !entries.isEmpty || documents > 0 else {
            if let mediaInputError { throw mediaInputError }
            return
        }
        if report.media.shardsLoaded + report.media.shardsAlreadyLoaded < shardsSent {
            throw LoadError(.workerFailed, "\(shardsSent - report.media.shardsLoaded - report.media.shardsAlreadyLoaded) media shards were not stored (quarantined)",
                            hint: "The media files are not recorded; fix the cause and rerun the same command")
        }
        let sql = MediaStatements(schema: configuration.schema)
        let metadata = LoadStatements(schema: configuration.schema).media
        var rows: [UInt8] = []
        var blobRows: [UInt8] = []
        var entryRows: [UInt8] = []
        for export in mediaOfExports {
            rows += export.catalog.rows(account: export.account, exportedAt: export.exportedAt)
            let staged = Self.stagingRows(export)
            blobRows += staged.blobs
            entryRows += staged.entries
        }
        let (newContents, conflicts): (Set<String>, Int) = try withDatabase("cannot record the media files") { connection in
            do {
                try connection.execute("BEGIN")
                if documents > 0 {
                    try connection.execute(metadata.create)
                    try connection.copyIn(metadata.copy, data: rows)
                    try connection.execute(metadata.merge)
                }
                var new = Set<String>()
                var conflicts = 0
                if !entries.isEmpty {
                    try connection.execute(sql.createStaging)
                    try connection.copyIn(sql.copyBlobs, data: blobRows)
                    try connection.copyIn(sql.copyEntries, data: entryRows)
                    for row in try connection.execute(sql.mergeBlobs, [String(runID)]).rows where row.last == "t" {
                        if let digest = row.first ?? nil { new.insert(digest) }
                    }
                    conflicts = Int(try connection.execute(sql.conflictingEntries).rows.first?.first.flatMap { $0 } ?? "") ?? 0
                    try connection.execute(sql.mergeEntries)
                }
                try connection.execute("COMMIT")
                return (new, conflicts)
            } catch {
                if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
                throw error
            }
        }
        report.media.filesConflicting = conflicts
        if conflicts > 0 {
            logger.notice("\(conflicts) media entries were stored already with other bytes for the same account and name: each keeps the newer export's")
        }
        // The first entry of a content new to the database stored it; any other entry found it there.
        var counted = Set<String>()
        for entry in entries {
            let digest = SHA256.hex(entry.sha256)
            if newContents.contains(digest) && counted.insert(digest).inserted {
                report.media.filesStored += 1
                report.media.bytesStored += entry.size
            } else {
                report.media.filesAlreadyPresent += 1
                report.media.bytesAlreadyPresent += entry.size
            }
        }
        let unreferenced = try withDatabase("cannot count the media files no message points at") { connection in
            try connection.execute(sql.unreferencedEntries)
        }
        report.media.filesUnreferenced = Int(unreferenced.rows.first?.first.flatMap { $0 } ?? "") ?? 0
        let seconds = report.media.seconds + MonotonicClock.seconds(since: started)
        report.media.bytesPerSecond = Double(report.media.bytesFound) / max(0.001, seconds)
        if let mediaInputError { throw mediaInputError }
    }

    /// COPY rows of one export for the staging tables; digests as `\x` hex, as COPY's text
    /// form of `bytea`.
    static func stagingRows(_ export: ExportMedia) -> (blobs: [UInt8], entries: [UInt8]) {
        var blobs = CopyWriter()
        var rows = CopyWriter()
        let entries = export.collector.entries
        for (entry, variant) in zip(entries, variants(of: entries)) {
            let digest = "\\x" + SHA256.hex(entry.sha256)
            blobs.field(digest)
            blobs.field(entry.size)
            blobs.field(entry.path == nil ? "\\x" + SHA256.hex(entry.chunkHashes) : nil)
            blobs.field(entry.path)
            blobs.endRow()
            rows.field(export.account)
            rows.field(entry.name)
            rows.field(entry.docID)
            rows.field(variant)
            rows.field(digest)
            rows.field(entry.size)
            rows.field(export.exportedAt)
            rows.endRow()
        }
        return (blobs.buffer, rows.buffer)
    }

    /// `original` for the largest file of each document, `thumbnail` for the others.
    static func variants(of entries: [MediaCollector.StoredEntry]) -> [String] {
        var largest: [String: (size: Int64, name: String)] = [:]
        for entry in entries {
            if let current = largest[entry.docID], (current.size, entry.name) > (entry.size, current.name) { continue }
            largest[entry.docID] = (entry.size, entry.name)
        }
        return entries.map { largest[$0.docID]?.name == $0.name ? "original" : "thumbnail" }
    }
}
