import Foundation
package import SkypeExport
package import SkypeSupport

/// Appends ``RejectRecord``s as JSON lines to the `--rejects` file, created (mode 0600, see
/// ``PrivateFile``) on the first one. Each line is written whole or not at all: a full disk
/// leaves no partial line for a rerun to append after.
package final class RejectLog {
    private let path: String?
    private var handle: FileHandle?
    private(set) var written = 0

    package init(path: String?) { self.path = path }

    deinit { try? handle?.close() }

    /// What a rerun does about a reject file that could not be written.
    static let rerunHint = "then rerun the same command: it writes every reject again (those of the shards already committed too), "
        + "and committed shards are kept"

    package func write(_ record: RejectRecord) throws(LoadError) {
        guard let path else { return }
        do throws(LoadError) {
            let handle: FileHandle
            if let open = self.handle {
                handle = open
            } else {
                // Appended to across reruns; created 0600: it holds raw private messages.
                handle = try PrivateFile.open(path, .append, purpose: "reject file")
                self.handle = handle
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var line: [UInt8]
            do {
                line = Array(try encoder.encode(record))
            } catch {
                throw LoadError(.system, "cannot write a reject record as JSON: \(error)")
            }
            line.append(0x0A)
            try PrivateFile.append(line, to: handle, path: path, purpose: "reject file")
            written += 1
        } catch {
            var error = error
            error.hint = error.hint.map { "\($0); \(Self.rerunHint)" } ?? "Fix the cause, \(Self.rerunHint)"
            throw error
        }
    }
}
