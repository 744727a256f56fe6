import Foundation
package import Logging

/// A swift-log handler that writes one line per message to standard error through
/// ``TerminalOutput``, so that log lines never land inside the progress block.
package struct TerminalLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    private let label: String
    private let output: TerminalOutput

    package init(label: String, level: Logger.Level, output: TerminalOutput = .standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        output.log("\(stamp) \(event.level) \(label):\(details) \(event.message)")
    }
}
