import Foundation

/// Fault injection for tests: the load pauses once at a named point, so that a fault (a
/// signal, a server restart, a terminated backend) is injected there and nowhere else,
/// without sleeps. At the point the load creates ``file`` (holding the point's name), waits
/// until it is removed (at most two minutes), and goes on.
package struct TestPause: Sendable, Equatable {
    package enum Point: String, Sendable, CaseIterable {
        /// After the first shard is sent (the splitter is running, workers are loading).
        case splitting
        /// After the input ended, while workers still hold shards.
        case draining
        /// Inside the first deferred index build, after its `CREATE INDEX` and before its commit.
        case indexBuild = "index-build"
        /// Inside finalisation, after its statement and before its commit.
        case finalize
    }

    package var point: Point
    package var file: String

    package init(point: Point, file: String) {
        self.point = point
        self.file = file
    }

    /// Parses `POINT:FILE` (the `SKYPE_LOAD_TEST_PAUSE` variable, read at the edge).
    package init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let point = Point(rawValue: String(text[..<colon])) else { return nil }
        let file = String(text[text.index(after: colon)...])
        guard !file.isEmpty else { return nil }
        self.init(point: point, file: file)
    }

    /// Creates the file and waits for its removal.
    func wait() {
        _ = FileManager.default.createFile(atPath: file, contents: Data(point.rawValue.utf8))
        let deadline = Date().addingTimeInterval(120)
        while FileManager.default.fileExists(atPath: file) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}

/// Pauses at most once: a retried operation must not pause again.
package final class OneShotPause: @unchecked Sendable {
    private let pause: TestPause?
    private let done = Locked(false)

    package init(_ pause: TestPause?) { self.pause = pause }

    /// Pauses if `point` is the configured one and it has not paused yet.
    package func at(_ point: TestPause.Point) {
        guard let pause, pause.point == point else { return }
        let first = done.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { pause.wait() }
    }

    package func isSet(for point: TestPause.Point) -> Bool {
        pause?.point == point && !done.withLock { $0 }
    }
}
