import Foundation
import Logging

/// A swift-log handler that writes one line per message to standard error through
/// ``TerminalOutput``, so that log lines never land inside the progress block.
public struct TerminalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let output: TerminalOutput

    public init(label: String, level: Logger.Level, output: TerminalOutput = .standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        output.log("\(stamp) \(event.level) \(label):\(details) \(event.message)")
    }
}
