import Foundation

/// Appends ``RejectRecord``s as JSON lines to the `--rejects` file, created on the first one.
final class RejectLog {
    private let path: String?
    private var handle: FileHandle?
    private(set) var written = 0

    init(path: String?) { self.path = path }

    deinit { try? handle?.close() }

    func write(_ record: RejectRecord) throws {
        guard let path else { return }
        if handle == nil {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw LoadError(.configuration, "cannot create the reject file \(path)",
                                    hint: "Check that its directory exists and is writable")
                }
            }
            guard let opened = FileHandle(forWritingAtPath: path) else {
                throw LoadError(.configuration, "cannot open the reject file \(path)")
            }
            try opened.seekToEnd()
            handle = opened
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(record)
        line.append(0x0A)
        try handle?.write(contentsOf: line)
        written += 1
    }
}
