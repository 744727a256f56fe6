package import SkypeExport

/// What a load did with the export's media files (the `media/` entries that hold bytes).
/// An entry is "stored" when its content was new, "already present" when the same bytes were
/// stored before (by an earlier load, or an earlier entry of this export), "skipped" when its
/// bytes were not kept (`--no-media`). A load that stops before recording them counts them as found only.
package struct MediaReport: Sendable, Codable, Equatable {
    /// Where the media files' bytes went.
    package enum Destination: String, Sendable, Codable {
        case database
        case folder
        /// Not kept (`--no-media`).
        case skipped
    }

    package var destination = Destination.database
    package var filesFound = 0
    package var bytesFound: Int64 = 0
    package var filesStored = 0
    package var bytesStored: Int64 = 0
    package var filesAlreadyPresent = 0
    package var bytesAlreadyPresent: Int64 = 0
    package var filesSkipped = 0
    package var bytesSkipped: Int64 = 0
    /// Entries whose document no message points at (kept all the same).
    package var filesUnreferenced = 0
    /// Entries that the database held already with other bytes for the same account and name
    /// (each keeps the newer export's state, whatever the load order).
    package var filesConflicting = 0
    /// Shards of chunks sent to the workers, and what they did with them.
    package var shards = 0
    package var shardsLoaded = 0
    package var shardsAlreadyLoaded = 0
    package var chunksStored = 0
    package var chunkBytesStored: Int64 = 0
    /// From the first media entry to the last record written.
    package var seconds = 0.0
    /// Bytes found per second over `seconds`.
    package var bytesPerSecond = 0.0

    package init() {}

    mutating func add(_ figures: MediaShardFigures, alreadyLoaded: Bool) {
        if alreadyLoaded { shardsAlreadyLoaded += 1 } else { shardsLoaded += 1 }
        chunksStored += figures.chunksStored
        chunkBytesStored += Int64(figures.bytesStored)
    }
}

extension MediaReport.Destination {
    /// How the report names where a load put the media files' bytes.
    package init(_ destination: MediaDestination) {
        switch destination {
        case .database: self = .database
        case .folder: self = .folder
        case .skip: self = .skipped
        }
    }
}
