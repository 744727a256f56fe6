import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Standard error shared by the progress block and log lines: a log line first erases the
/// block, then the block is drawn again under it, so the two never interleave.
package final class TerminalOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var blockLines: [String] = []
    /// True when standard error is a terminal (the block is redrawn in place).
    package let isTerminal: Bool

    package static let standardError = TerminalOutput(isTerminal: isatty(2) == 1)

    init(isTerminal: Bool) {
        self.isTerminal = isTerminal
    }

    /// Writes one log line (a newline is added).
    package func log(_ line: String) {
        lock.withLock {
            var text = eraseBlock()
            text += line + "\n"
            text += drawBlock()
            write(text)
        }
    }

    /// Replaces the progress block with `lines` (terminal), drawn in place.
    func showBlock(_ lines: [String]) {
        lock.withLock {
            var text = eraseBlock()
            blockLines = lines
            text += drawBlock()
            write(text)
        }
    }

    /// Removes the block, leaving the cursor where it started.
    func clearBlock() {
        lock.withLock {
            write(eraseBlock())
            blockLines = []
        }
    }

    /// A plain line (not a terminal).
    func line(_ text: String) {
        lock.withLock { write(text + "\n") }
    }

    private func eraseBlock() -> String {
        guard !blockLines.isEmpty else { return "" }
        // Up to the block's first line, then clear to the end of the screen.
        return "\u{1B}[\(blockLines.count)F\u{1B}[J"
    }

    private func drawBlock() -> String {
        blockLines.map { $0 + "\u{1B}[K\n" }.joined()
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
