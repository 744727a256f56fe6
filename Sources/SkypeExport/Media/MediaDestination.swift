/// Where a load puts the bytes of the export's media files.
package enum MediaDestination: Sendable, Equatable {
    /// In the database, as content-addressed chunks stored by the workers (the default).
    case database
    /// In a folder, at content-addressed paths (`DIR/ab/cd/<sha256>`), recorded in the database.
    case folder(String)
    /// Not at all (`--no-media`): the metadata is kept, the report counts the files skipped.
    case skip
}
