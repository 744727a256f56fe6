import CProcessShims
import Foundation
import SkypePostgres
import SkypeSupport

#if canImport(Glibc)
import Glibc
#endif

/// A worker process the coordinator started from its own executable, with a shard pipe to
/// its standard input and an event pipe from its descriptor 3.
final class WorkerProcess {
    let pid: pid_t
    let shards: FrameWriter
    let events: FrameReader
    private var reaped = false
    private var shardsClosed = false
    private(set) var exitDescription = "running"

    /// Spawns `executable worker` (posix_spawn, never a bare fork of this multithreaded process)
    /// with this process's environment less ``ConnectionString/credentialVariables``.
    init(index: Int, executable: String) throws {
        var shardPipe: [Int32] = [0, 0]
        var eventPipe: [Int32] = [0, 0]
        guard sp_pipe_cloexec(&shardPipe) == 0 else { throw Self.systemError("pipe") }
        guard sp_pipe_cloexec(&eventPipe) == 0 else {
            close(shardPipe[0]); close(shardPipe[1])
            throw Self.systemError("pipe")
        }
        let arguments = [executable, "worker"]
        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { cArguments.forEach { free($0) } }
        // The connection string reaches the worker over its pipe; its environment keeps no copy.
        var cEnvironment = ProcessInfo.processInfo.environment
            .filter { !ConnectionString.credentialVariables.contains($0.key) }
            .map { strdup("\($0.key)=\($0.value)") }
        cEnvironment.append(nil)
        defer { cEnvironment.forEach { free($0) } }
        let parentDescriptors: [Int32] = [shardPipe[0], eventPipe[1]]
        let childDescriptors: [Int32] = [WorkerRuntime.shardDescriptor, WorkerRuntime.eventDescriptor]
        var pid: pid_t = 0
        let status = sp_spawn(executable, cArguments, cEnvironment, parentDescriptors, childDescriptors, 2, &pid)
        close(shardPipe[0])
        close(eventPipe[1])
        guard status == 0 else {
            close(shardPipe[1]); close(eventPipe[0])
            throw LoadError(.workerFailed, "cannot start worker \(index) from \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        shards = FrameWriter(descriptor: shardPipe[1])
        events = FrameReader(descriptor: eventPipe[0])
    }

    /// Ends the shard stream: the worker finishes what it holds and exits.
    /// Closing twice would close whatever descriptor took the number meanwhile.
    func closeShards() {
        guard !shardsClosed else { return }
        shardsClosed = true
        shards.close()
    }

    /// Waits for the process to exit, at most `seconds` before killing it (its event pipe
    /// ended or broke, so it is exiting or misbehaving), and describes how it ended. Closes
    /// its shard pipe: a replaced worker leaves no descriptor behind.
    @discardableResult
    func reap(within seconds: Double = 5) -> String {
        guard !reaped else { return exitDescription }
        closeShards()
        var status: Int32 = 0
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        var result: pid_t = 0
        repeat {
            result = waitpid(pid, &status, WNOHANG)
            if result == 0 { usleep(10_000) }
        } while (result == 0 || (result < 0 && errno == EINTR)) && MonotonicClock.now() < deadline
        if result == 0 {
            _ = Glibc.kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        reaped = true
        let signal = status & 0x7f
        if signal == 0 {
            exitDescription = "exited with code \((status >> 8) & 0xff)"
        } else {
            exitDescription = "killed by signal \(signal)"
        }
        return exitDescription
    }

    func kill() {
        if !reaped { _ = Glibc.kill(pid, SIGKILL) }
    }

    private static func systemError(_ call: String) -> LoadError {
        LoadError(.system, "\(call) failed: \(String(cString: strerror(errno)))")
    }
}
