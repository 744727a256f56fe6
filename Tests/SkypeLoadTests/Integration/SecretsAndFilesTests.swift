import Foundation
import Testing
import SkypePostgres

/// No part of a password in any output, whatever goes wrong; private files created 0600 and
/// never written through a link.
@Suite struct SecretsAndFilesTests {
    /// One conversation whose one message has no readable time: rejected, so it goes to the
    /// reject file, raw.
    static let exportWithAReject = #"{"conversations":[{"id":"8:a","MessageList":[{"id":"1","content":"private words","originalarrivaltime":"garbage"},{"id":"2","content":"hi","originalarrivaltime":"2025-01-01T00:00:00Z"}]}]}"#

    /// The loader under `umask 022`, as a user's shell has it.
    func runLoader(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Output {
        try Shell.run("/bin/sh", ["-c", "umask 022; exec \"$0\" \"$@\"", TestEnvironment.loaderExecutable] + arguments,
                      environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    static func writeExport(in directory: ScratchDirectory) throws -> String {
        let path = directory.path("m.json")
        try Data(exportWithAReject.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func fiftyPercentOffIsNeverPrinted() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try Self.writeExport(in: directory)
        guard let port = URLComponents(string: db.url)?.port else { throw TestFailure("no port in \(db.url)") }
        let failing = [
            "postgres://u:50%off@127.0.0.1:\(port)/db",  // not a valid URL: libpq quotes the token
            "postgres://nobody:50%25off@127.0.0.1:\(port)/postgres",  // no such role
            "postgres://u:50%25off@nosuch.invalid/db",  // no such host
            "host=127.0.0.1 port=\(port) user=nobody password=50%off",
            "host=127.0.0.1 port=\(port) password=50 off",  // libpq quotes "off" as a key
        ]
        for url in failing {
            for arguments in [["--database", url], []] {
                let output = try runLoader(arguments + ["--schema", db.schema, "--log-level", "debug", export],
                                           environment: arguments.isEmpty ? ["DATABASE_URL": url] : [:])
                #expect(output.status == 1, "\(url): \(output.stderr)")
                let shown = output.stdout + output.stderr
                #expect(!shown.contains("50%off") && !shown.contains("50%25off") && !shown.contains("\"off\""), "\(url): \(shown)")
                #expect(shown.contains("cannot connect"), "\(url): \(shown)")
            }
        }
        // The test server trusts local connections: this one loads, and still shows nothing.
        let good = db.url.replacingOccurrences(of: "postgres@", with: "postgres:50%25off@")
        let files = ["--metrics-json", directory.path("m.json.out"), "--metrics-prom", directory.path("m.prom"),
                     "--rejects", directory.path("rejects.jsonl")]
        let output = try runLoader(["--database", good, "--schema", db.schema, "--log-level", "debug"] + files + [export])
        #expect(output.status == 3, "\(output.stderr)")
        var shown = output.stdout + output.stderr
        for path in ["m.json.out", "m.prom", "rejects.jsonl"] { shown += try String(contentsOfFile: directory.path(path), encoding: .utf8) }
        #expect(!shown.contains("50%off") && !shown.contains("50%25off"))
    }

    @Test func privateFilesAre0600UnderUmask022AndNeverWrittenThroughALink() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try Self.writeExport(in: directory)
        let base = ["--database", db.url, "--schema", db.schema, "--quiet"]

        let rejects = directory.path("rejects.jsonl")
        let json = directory.path("metrics.json")
        let prom = directory.path("metrics.prom")
        let first = try runLoader(base + ["--rejects", rejects, "--metrics-json", json, "--metrics-prom", prom, export])
        #expect(first.status == 3, "\(first.stderr)")
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).contains("private words"))
        for path in [rejects, json, prom] { #expect(try mode(path) == 0o600, "\(path)") }

        // A file left 0644 by an older version is narrowed when written again.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: json)
        let again = try runLoader(base + ["--metrics-json", json, export])
        #expect(again.status == 3, "\(again.stderr)")  // a rerun reports the same reject again
        #expect(try mode(json) == 0o600)

        // Links planted at the paths: refused, and their targets never created or touched.
        let target = directory.path("target")
        for option in ["--metrics-json", "--metrics-prom"] {
            let link = directory.path("link\(option)")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let output = try runLoader(base + [option, link, export])
            #expect(output.status == 1)
            #expect(output.stderr.contains("symbolic link"), "\(output.stderr)")
        }
        let rejectLink = directory.path("rejects-link")
        try FileManager.default.createSymbolicLink(atPath: rejectLink, withDestinationPath: target)
        try db.connect().execute("DROP SCHEMA \(db.schema) CASCADE")
        let linked = try runLoader(base + ["--rejects", rejectLink, export])
        #expect(linked.status == 1)
        #expect(linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
        // Refused before loading: nothing committed whose rejects the file could not take.
        #expect(try db.scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '$schema'") == "0")

        // A second name for a file (a hard link) is refused too: it could be someone else's file.
        let hard = directory.path("hard")
        try FileManager.default.linkItem(atPath: prom, toPath: hard)
        #expect(try runLoader(base + ["--metrics-prom", hard, export]).status == 1)
    }
}
