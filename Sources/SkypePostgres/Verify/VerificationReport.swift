import Foundation

/// What `verify` found.
package struct VerificationReport: Sendable, Codable {
    /// A conversation whose rows differ from the export.
    package struct Difference: Sendable, Codable, Equatable {
        package var conversation: String
        package var exportMessages: Int
        package var databaseMessages: Int
        /// True when the counts agree but the identities do not.
        package var checksumDiffers: Bool
    }

    package var conversations = 0
    /// Distinct messages in the export (rejected ones excluded).
    package var messages = 0
    /// Messages the loader would reject (unreadable time, broken JSON): expected absent.
    package var rejectedMessages = 0
    package var differences: [Difference] = []
    /// Conversations in the database that this export does not contain (from other exports).
    package var onlyInDatabase: [String] = []
    /// The media files' comparison; nil for an export without any.
    package var media: MediaVerification?

    package var matches: Bool { differences.isEmpty && media?.matches ?? true }

    package init() {}

    package var text: String {
        var lines: [String] = []
        for difference in differences.prefix(50) {
            let what = difference.checksumDiffers && difference.exportMessages == difference.databaseMessages
                ? "same count (\(difference.exportMessages)) but different messages"
                : "export \(difference.exportMessages) messages, database \(difference.databaseMessages)"
            lines.append("differs   \(difference.conversation): \(what)")
        }
        if differences.count > 50 { lines.append("differs   ... and \(differences.count - 50) more conversations") }
        if !onlyInDatabase.isEmpty {
            lines.append("note      \(onlyInDatabase.count) conversations are in the database but not in this export (another export's?)")
        }
        if let media {
            for (label, names) in [("missing", media.missing), ("differs", media.differing), ("damaged", media.damaged)] {
                for name in names.prefix(20) { lines.append("\(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(name)") }
                if names.count > 20 { lines.append("\(label.padding(toLength: 10, withPad: " ", startingAt: 0))... and \(names.count - 20) more media files") }
            }
            let problems = media.missing.count + media.differing.count + media.damaged.count
            lines.append("media     \(media.matched) of \(media.files) files (\(media.bytes) bytes) stored with the export's SHA-256"
                + (problems > 0 ? ": \(media.missing.count) missing, \(media.differing.count) different, \(media.damaged.count) damaged" : ""))
        }
        let verdict = matches ? "MATCH"
            : differences.isEmpty ? "DIFFERENT (media files)" : "DIFFERENT (\(differences.count) of \(conversations) conversations)"
        lines.append("verify: \(verdict): \(conversations) conversations, \(messages) distinct messages"
            + (rejectedMessages > 0 ? ", \(rejectedMessages) rejected messages not expected in the database" : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
