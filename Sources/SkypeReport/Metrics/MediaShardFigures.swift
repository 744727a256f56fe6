/// What a worker did with one media shard.
package struct MediaShardFigures: Sendable, Codable, Equatable {
    package var chunks = 0
    package var bytes = 0
    /// Chunks (and their bytes) that were new to the database.
    package var chunksStored = 0
    package var bytesStored = 0

    package init() {}
}
