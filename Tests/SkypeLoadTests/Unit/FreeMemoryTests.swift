import CProcessShims
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A worker hands each loaded shard's memory back to the system (`sp_release_free_memory`)
/// from each of its connection threads, which may finish their first shards together.
@Suite struct FreeMemoryTests {
    static let child = "SKYPE_TEST_FREE_MEMORY_CHILD"

    /// Found by the suite under AddressSanitizer (scripts/asan-test): a worker died of SIGSEGV
    /// in glibc's malloc_trim (reading address 0x8) after loading a shard; the coordinator
    /// restarted it, so the load still passed. Under a sanitizer glibc's allocator never starts
    /// (the sanitizer's serves every malloc): the first malloc_trim sets it up, and a second
    /// thread calling it meanwhile walks arenas not yet set up (Docs/reliability.md gives how
    /// often). It can only happen on a process's first call, so this runs fresh processes of
    /// this test bundle, each making its first call from 8 threads at once.
    @Test func theFirstReleaseFromManyThreadsAtOnceIsSafe() throws {
        if ProcessInfo.processInfo.environment[Self.child] != nil {
            Self.releaseFromThreadsAtOnce(8)
            return
        }
        for attempt in 1...30 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            process.arguments = ["--testing-library", "swift-testing", "--filter", "FreeMemoryTests"]
            process.environment = ProcessInfo.processInfo.environment.merging([Self.child: "1"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try #require(process.terminationReason == .exit && process.terminationStatus == 0,
                         "attempt \(attempt): \(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)")
        }
    }

    /// Threads that wait for each other, then all go at once.
    final class Barrier: @unchecked Sendable {
        private let barrier = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)
        init(_ count: Int) { pthread_barrier_init(barrier, nil, UInt32(count)) }
        deinit {
            pthread_barrier_destroy(barrier)
            barrier.deallocate()
        }
        func wait() { pthread_barrier_wait(barrier) }
    }

    static func releaseFromThreadsAtOnce(_ count: Int) {
        let barrier = Barrier(count)
        let done = DispatchGroup()
        for _ in 0..<count {
            done.enter()
            Thread {
                barrier.wait()
                sp_release_free_memory()
                done.leave()
            }.start()
        }
        done.wait()
    }
}
