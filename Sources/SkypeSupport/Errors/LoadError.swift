/// An error that ends a load or a command, saying what happened, where, and what to do.
///
/// Modelled on swift-service-lifecycle's errors: a struct with an extensible ``Code`` rather
/// than an enum, so new kinds of failure do not break callers that switch on them.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case inputUnreadable
            case inputTruncated
            case inputCorrupt
            case notAnExport
            case messageTooLarge
            case database
            case schema
            case workerProtocol
            case workerFailed
            case configuration
            case system
            case interrupted
        }
        fileprivate let base: Base

        /// The export file could not be opened or read.
        package static let inputUnreadable = Code(base: .inputUnreadable)
        /// The export ended before its structure was complete (truncated download or copy).
        package static let inputTruncated = Code(base: .inputTruncated)
        /// The bytes of the export are damaged (zstd, tar or JSON syntax errors).
        package static let inputCorrupt = Code(base: .inputCorrupt)
        /// The file is not a Skype export (no `messages.json`, or JSON of another shape).
        package static let notAnExport = Code(base: .notAnExport)
        /// One JSON value is larger than the configured limit.
        package static let messageTooLarge = Code(base: .messageTooLarge)
        /// PostgreSQL refused a connection or a statement.
        package static let database = Code(base: .database)
        /// The database schema could not be created or is of an unknown version.
        package static let schema = Code(base: .schema)
        /// A worker and the coordinator disagree on the pipe protocol.
        package static let workerProtocol = Code(base: .workerProtocol)
        /// A worker process died or could not be started.
        package static let workerFailed = Code(base: .workerFailed)
        /// The options or environment do not describe a runnable load.
        package static let configuration = Code(base: .configuration)
        /// A system call failed.
        package static let system = Code(base: .system)
        /// The user stopped the load (SIGINT or SIGTERM).
        package static let interrupted = Code(base: .interrupted)

        package var description: String { base.rawValue }
    }

    /// Where in the input the failure was found. Every field is optional: a database error has
    /// no byte offset, an input error has no shard.
    public struct Location: Sendable, Equatable {
        /// The path of the export as the user named it (`-` for standard input).
        package var file: String?
        /// The name of the entry inside the export, such as `messages.json` inside a tar.
        package var entry: String?
        /// Byte offset within `entry` (or the file when there is no entry).
        package var offset: Int64?
        /// Byte offset within the file as stored (the compressed stream), when it differs.
        package var storedOffset: Int64?
        /// The conversation being read or loaded.
        package var conversation: String?
        /// The shard being loaded.
        package var shard: String?

        /// A place; what is not known stays nil.
        public init(file: String? = nil, entry: String? = nil, offset: Int64? = nil,
                    storedOffset: Int64? = nil, conversation: String? = nil, shard: String? = nil) {
            self.file = file
            self.entry = entry
            self.offset = offset
            self.storedOffset = storedOffset
            self.conversation = conversation
            self.shard = shard
        }
    }

    package var code: Code
    /// What happened, in one sentence.
    package var message: String
    package var location: Location
    /// What the user can do about it.
    package var hint: String?
    /// A few bytes around the failure, made printable, for syntax errors.
    package var context: String?

    package init(_ code: Code, _ message: String, location: Location = Location(),
                hint: String? = nil, context: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        self.context = context
    }

    /// One line: `file: entry at byte N (stored byte M), conversation C, shard S: message. hint`
    public var description: String {
        var place: [String] = []
        if let file = location.file { place.append(file) }
        var at: [String] = []
        if let entry = location.entry { at.append(entry) }
        if let offset = location.offset { at.append("at byte \(offset)") }
        if let stored = location.storedOffset, stored != location.offset {
            at.append("(stored byte \(stored))")
        }
        if !at.isEmpty { place.append(at.joined(separator: " ")) }
        if let conversation = location.conversation { place.append("conversation \(conversation)") }
        if let shard = location.shard { place.append("shard \(shard)") }
        var text = place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
        if let context { text += " near «\(context)»" }
        if let hint { text += (text.last.map { ".?!".contains($0) } == true ? " " : ". ") + hint }
        return text
    }
}
