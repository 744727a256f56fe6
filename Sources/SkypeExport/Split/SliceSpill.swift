import Foundation
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// Holds slices of a conversation whose `id` is not known yet (its `MessageList` came before
/// its `id` key) in an unlinked temporary file, so that memory stays bounded however large
/// the conversation is.
final class SliceSpill {
    private let descriptor: Int32
    private let directory: String
    private var writeOffset: Int64 = 0
    private var slices: [(offset: Int64, length: Int, slice: Int, count: Int)] = []

    init(directory: String) throws {
        self.directory = directory
        descriptor = try UnlinkedTemporaryFile.create(in: directory, prefix: "skype-parallel-load-spill",
                                                      hint: "Set TMPDIR to a writable directory with room for the largest conversation")
    }

    deinit { close(descriptor) }

    var isEmpty: Bool { slices.isEmpty }

    func append(_ part: ConversationPart) throws {
        try part.messages.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var done = 0
            while done < bytes.count {
                let count = pwrite(descriptor, base + done, bytes.count - done, off_t(writeOffset) + off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw LoadError(.system, "cannot write a temporary file in \(directory): \(String(cString: strerror(errno)))",
                                    hint: "Free space there, or set TMPDIR to a folder with room for the largest conversation; then rerun the same command")
                }
                done += count
            }
        }
        slices.append((writeOffset, part.messages.count, part.slice, part.messageCount))
        writeOffset += Int64(part.messages.count)
    }

    /// Reads the slices back in order, one at a time, and forgets them.
    func drain(conversationID: String, _ body: (ConversationPart) throws -> Void) throws {
        for entry in slices {
            var messages = [UInt8](repeating: 0, count: entry.length)
            try messages.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                var done = 0
                while done < entry.length {
                    let count = pread(descriptor, base + done, entry.length - done, off_t(entry.offset) + off_t(done))
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else {
                        throw LoadError(.system, "cannot read back a temporary file", hint: "Check TMPDIR")
                    }
                    done += count
                }
            }
            try body(ConversationPart(conversationID: conversationID, slice: entry.slice, header: nil,
                                      messages: messages, messageCount: entry.count))
        }
        slices = []
        writeOffset = 0
        _ = ftruncate(descriptor, 0)
    }
}
