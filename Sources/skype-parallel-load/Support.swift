import ArgumentParser
import Foundation
import Logging

func printError(_ message: String) {
    FileHandle.standardError.write(Data("skype-parallel-load: error: \(message)\n".utf8))
}

func makeLogger(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
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
