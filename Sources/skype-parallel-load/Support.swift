import ArgumentParser
import Foundation
import Logging
import SkypeReport

/// Prints an error as one line on standard error (a server's message may hold several lines).
func printError(_ message: String) {
    let line = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: " ")
    TerminalOutput.standardError.log("skype-parallel-load: error: \(line)")
}

/// Turns SIGINT and SIGTERM into a graceful stop: the handlers run on a dispatch queue, not in
/// signal context, and the default action (death) is disabled while they are installed.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            // Signals that arrive before the handler runs are coalesced: `data` counts them,
            // and a second Ctrl-C must not be lost in a first one.
            source.setEventHandler { for _ in 0..<max(1, source.data) { handler(number) } }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

func makeLogger(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in TerminalLogHandler(label: label, level: level) }
    var logger = Logger(label: "skype-parallel-load")
    logger.logLevel = level
    return logger
}

/// The path of this executable, so that workers run exactly the same build.
func executablePath() throws -> String {
    let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    return path
}

/// `4M`, `512K`, `1048576`.
func byteCount(_ text: String, option: String) throws -> Int {
    let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = text.uppercased()
    var multiplier = 1
    if digits.hasSuffix("B") { digits.removeLast() }
    if let last = digits.last, let value = multipliers[last] {
        multiplier = value
        digits.removeLast()
    }
    guard let number = Int(digits), number > 0 else {
        throw ValidationError("\(option) takes a size such as 4M, 512K or 1048576, not \(text)")
    }
    return number * multiplier
}

/// Prints a command's result for people, or as pretty JSON for programs.
func show<Report: Encodable>(_ report: Report, text: String, asJSON: Bool) throws {
    if asJSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
        print(text, terminator: "")
    }
}

/// `--time-zone`, checked: a name the viewer's queries would hand to PostgreSQL, which answers
/// an unknown one with an error on every page. Nil stays nil (this machine's zone).
func validateTimeZone(_ name: String?) throws {
    guard let name else { return }
    guard name.utf8.count <= 64, TimeZone(identifier: name) != nil else {
        throw ValidationError("--time-zone takes an IANA name such as Europe/Berlin or UTC, not \(name.prefix(64))")
    }
}
