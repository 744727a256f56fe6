import Foundation

/// `skype-parallel-load serve` running as a child process on a free loopback port, for the
/// tests that need the real server: its address is read from the line it prints once bound.
final class ServeProcess {
    let process = Process()
    let port: Int
    private let errors = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: TestEnvironment.loaderExecutable)
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let handle = errors.fileHandleForReading
        while !seen.contains("\n") {
            let data = handle.availableData
            guard !data.isEmpty else { throw TestFailure("serve exited before listening: \(seen)") }
            seen += String(decoding: data, as: UTF8.self)
        }
        guard let range = seen.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
              let port = Int(seen[range].split(separator: ":")[1]) else {
            throw TestFailure("serve did not say where it listens: \(seen)")
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// curl's view of a GET: the status and the body.
    func get(_ path: String, _ extra: [String] = []) throws -> (status: Int, body: String) {
        let output = try Shell.run("curl", ["-s", "-m", "30", "-o", "-", "-w", "\n%{http_code}"] + extra + [base + path])
        var lines = output.stdout.components(separatedBy: "\n")
        let status = Int(lines.removeLast()) ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// Sends `signal` and waits for the exit; returns the exit status and the rest of standard error.
    func stop(_ signal: Int32 = SIGTERM) -> (status: Int32, stderr: String) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let rest = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, rest)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
