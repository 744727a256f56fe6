import Foundation

extension Coordinator {
    /// Reads the tar's `media/` entries after `messages.json`: metadata into the catalog, the
    /// files' bytes through a ``MediaCollector`` (chunks to the workers, or a folder). Media
    /// entries that came before `messages.json` were passed while seeking it: the export is
    /// opened again to read them (from standard input, they were held in a ``MediaSpool``).
    func loadMedia(_ input: ExportInput) throws {
        guard let tar = input.tar else { return }
        let started = MonotonicClock.now()
        defer {
            report.media.seconds = MonotonicClock.seconds(since: started)
            report.mediaFiles = mediaCatalog.records.count
        }
        let collector = try MediaCollector(destination: configuration.media, shardBytes: configuration.splitter.shardBytes,
                                           firstOrdinal: report.shards + 1) { [unowned self] shard in
            try self.dispatch(InFlightShard(shard))
            self.report.media.shards += 1
        }
        media = collector
        report.media.destination = configuration.media.name
        for entry in tar.entriesBefore { mediaCatalog.add(entry) }
        do {
            try tar.remainingEntries(streaming: collector.streaming) { entry in
                mediaCatalog.add(entry)
                tickProgress()
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
        report.media.filesFound = collector.filesFound
        report.media.bytesFound = collector.bytesFound
        report.media.filesSkipped = collector.filesSkipped
        report.media.bytesSkipped = collector.bytesSkipped
        report.repairs.add(mediaCatalog.repairs)
    }

    /// Once every media shard is committed: records each content (its digest and its chunks'
    /// digests, or its path in the folder), each entry and the documents' metadata, in one
    /// transaction. Recording only now means a content row always has all its chunks stored.
    func storeMedia() throws {
        let started = MonotonicClock.now()
        defer { report.media.seconds += MonotonicClock.seconds(since: started) }
        let collector = media
        let entries = collector?.entries ?? []
        guard !entries.isEmpty || !mediaCatalog.records.isEmpty else {
            if let mediaInputError { throw mediaInputError }
            return
        }
        if let collector, report.media.shardsLoaded + report.media.shardsAlreadyLoaded < collector.shardsSent {
            throw LoadError(.workerFailed, "\(collector.shardsSent - report.media.shardsLoaded - report.media.shardsAlreadyLoaded) media shards were not stored (quarantined)",
                            hint: "The media files are not recorded; fix the cause and rerun the same command")
        }
        let sql = MediaStatements(schema: configuration.schema)
        let metadata = LoadStatements(schema: configuration.schema).media
        let rows = mediaCatalog.rows()
        let variants = Self.variants(of: entries)
        let isNew: [Bool] = try withDatabase("cannot record the media files") { connection in
            do {
                try connection.execute("BEGIN")
                if !mediaCatalog.records.isEmpty {
                    try connection.execute(metadata.create)
                    try connection.copyIn(metadata.copy, data: rows)
                    try connection.execute(metadata.merge)
                }
                var isNew: [Bool] = []
                for (index, entry) in entries.enumerated() {
                    let inFolder = entry.path != nil
                    let blob = try connection.executeBinary(sql.insertBlob, [
                        entry.sha256, Array(String(entry.size).utf8), inFolder ? nil : entry.chunkHashes,
                        entry.path.map { Array($0.utf8) }, Array(String(runID).utf8),
                    ])
                    isNew.append(blob.rows.first?.first.flatMap { $0 } == Array("true".utf8))
                    try connection.executeBinary(sql.upsertEntry, [
                        Array(entry.name.utf8), Array(entry.docID.utf8), Array(variants[index].utf8),
                        entry.sha256, Array(String(entry.size).utf8),
                    ])
                }
                try connection.execute("COMMIT")
                return isNew
            } catch {
                if connection.isHealthy { _ = try? connection.execute("ROLLBACK") }
                throw error
            }
        }
        for (entry, new) in zip(entries, isNew) {
            if new {
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
