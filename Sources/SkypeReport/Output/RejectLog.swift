import Foundation
package import SkypeExport
import SkypeSupport

/// Appends ``RejectRecord``s as JSON lines to the `--rejects` file, created (mode 0600, see
/// ``PrivateFile``) on the first one.
package final class RejectLog {
    private let path: String?
    private var handle: FileHandle?
    private(set) var written = 0

    package init(path: String?) { self.path = path }

    deinit { try? handle?.close() }

    package func write(_ record: RejectRecord) throws {
        guard let path else { return }
        if handle == nil {
            // Appended to across reruns; created 0600: it holds raw private messages.
            handle = try PrivateFile.open(path, .append, purpose: "reject file")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(record)
        line.append(0x0A)
        try handle?.write(contentsOf: line)
        written += 1
    }
}
