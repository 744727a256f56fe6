import ArgumentParser
import SkypeRuntime

/// The worker mode the coordinator starts this executable in. Settings arrive over the pipe.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Internal: a worker process started by the coordinator.",
        shouldDisplay: false
    )

    func run() throws {
        let code = WorkerRuntime().run()
        if code != 0 { throw ExitCode(code) }
    }
}
