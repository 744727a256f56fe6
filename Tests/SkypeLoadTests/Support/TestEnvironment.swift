import Foundation
import Testing

/// Where the tests find the database and the built executables.
enum TestEnvironment {
    /// Set by `scripts/test`, which starts a throw-away PostgreSQL cluster. Integration tests
    /// fail (never skip) without it, so that a run without a database cannot look green.
    static var databaseURL: String? {
        ProcessInfo.processInfo.environment["SKYPE_TEST_DATABASE_URL"]
    }

    static func requireDatabaseURL() throws -> String {
        guard let url = databaseURL, !url.isEmpty else {
            Issue.record("SKYPE_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            throw TestFailure("no database")
        }
        return url
    }

    /// How much slower than a plain debug build this one runs, for the few bounds on time that
    /// catch quadratic behaviour: `scripts/asan-test` sets SKYPE_TEST_TIME_SCALE (AddressSanitizer
    /// makes every allocation and access dearer, unevenly).
    static var timeScale: Double {
        ProcessInfo.processInfo.environment["SKYPE_TEST_TIME_SCALE"].flatMap(Double.init) ?? 1
    }

    /// A local Citus cluster's coordinator, set by `scripts/test` where ../shared/citus is
    /// present (PostgreSQL 15 runs only).
    static var citusURL: String? {
        ProcessInfo.processInfo.environment["SKYPE_TEST_CITUS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether Citus tests can run; when not, why (they are skipped, saying so).
    static var citusAbsence: String? {
        citusURL == nil ? "no Citus cluster: SKYPE_TEST_CITUS_URL is unset (scripts/test starts one on PostgreSQL 15 where ../shared/citus is present)" : nil
    }

    /// The build folder holding this test bundle and the executables it depends on.
    static var buildDirectory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The XCTest runner may live inside the .xctest bundle directory on some layouts.
        if url.path.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        return url
    }

    static var loaderExecutable: String {
        buildDirectory.appendingPathComponent("skype-parallel-load").path
    }

    static var generatorExecutable: String {
        buildDirectory.appendingPathComponent("skype-export-generator").path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
