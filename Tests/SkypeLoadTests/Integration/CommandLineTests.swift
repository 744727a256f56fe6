import Foundation
@testable import SkypeSupport
import Testing
import SkypeExport
import SyntheticExport

/// The executable as a user runs it: exit codes, one-line errors, standard input.
@Suite struct CommandLineTests {
    func runLoader(_ arguments: [String], db: DatabaseFixture, stdin: String? = nil) throws -> Shell.Output {
        try Shell.run(TestEnvironment.loaderExecutable,
                      ["--database", db.url, "--schema", db.schema, "--quiet"] + arguments, stdin: stdin)
    }

    @Test func loadsFromStandardInput() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 1500, conversations: 6)
        let path = try export.wrapped([.tar, .zstd], in: directory)
        let output = try runLoader(["--workers", "2", "-"], db: db, stdin: path)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("completed"))
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }

    @Test func aSecondRunSaysNothingWasLeftToDo() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 500, conversations: 4)
        #expect(try runLoader(["--workers", "2", export.messagesJSON], db: db).status == 0)
        let again = try runLoader(["--workers", "2", export.messagesJSON], db: db)
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing to do"))
    }

    @Test func truncatedExportFailsWithFileAndOffsetAndLeavesNoPartialShard() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 6000, conversations: 10)
        let good = try export.wrapped([.tar, .zstd], in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: good))
        let cut = directory.path("cut.tar.zst")
        try data.prefix(data.count * 2 / 3).write(to: URL(fileURLWithPath: cut))

        let output = try runLoader(["--workers", "2", "--shard-size", "64K", cut], db: db)
        #expect(output.status == 1)
        let errorLines = output.stderr.split(separator: "\n").filter { $0.contains("error:") }
        #expect(errorLines.count == 1)
        #expect(errorLines.first?.contains(cut) == true)
        #expect(errorLines.first?.contains("byte") == true)
        #expect(output.stdout.contains("FAILED"))
        // Every committed shard is whole: the ledger's counts match the rows.
        #expect(try db.scalar("SELECT coalesce(sum(rows_inserted), 0) FROM $schema.shard_ledger") == String(try db.count("messages")))
        // The good file then completes the load.
        #expect(try runLoader(["--workers", "2", "--shard-size", "64K", good], db: db).status == 0)
        #expect(try db.count("messages") == export.manifest.distinctMessages)
    }

    @Test func aFileThatIsNotAnExportFailsBeforeTouchingTheDatabase() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let notes = directory.path("notes.txt")
        try Data("dear diary".utf8).write(to: URL(fileURLWithPath: notes))
        let output = try runLoader([notes], db: db)
        #expect(output.status == 1)
        #expect(output.stderr.contains(notes))
        #expect(output.stderr.contains("at byte 0"))
        #expect(output.stderr.contains("not a Skype export"))
        #expect(try db.scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '$schema'") == "0")
    }

    @Test func badDatabaseURLSaysWhatToDo() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 50, conversations: 2)
        let output = try Shell.run(TestEnvironment.loaderExecutable,
                                   ["--database", "postgres://nobody:s3cret@127.0.0.1:1/none", "--quiet", export.messagesJSON])
        #expect(output.status == 1)
        #expect(output.stderr.contains("DATABASE_URL"))
        #expect(!output.stderr.contains("s3cret"))
    }

    @Test func migrateCreatesTheSchemaOnce() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let first = try Shell.run(TestEnvironment.loaderExecutable, ["migrate", "--database", db.url, "--schema", db.schema])
        #expect(first.status == 0)
        #expect(first.stdout.contains("applied"))
        let second = try Shell.run(TestEnvironment.loaderExecutable, ["migrate", "--database", db.url, "--schema", db.schema])
        #expect(second.stdout.contains("up to date"))
    }
}

/// What a newcomer meets first: the version, the help, and errors printed once.
@Suite struct FirstContactTests {
    let loader = TestEnvironment.loaderExecutable

    @Test func versionComesFromOnePlaceAndIsStoredWithEachRun() throws {
        let version = try Shell.run(loader, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == ToolVersion.current + "\n")

        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 200, conversations: 2)
        let load = try Shell.run(loader, ["--database", db.url, "--schema", db.schema, "--quiet", export.messagesJSON])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(try db.scalar("SELECT string_agg(DISTINCT tool_version, ',') FROM $schema.load_runs") == ToolVersion.current)
    }

    @Test(arguments: [
        ["--workers", "0"],
        ["--connections-per-worker", "17"],
        ["--shard-size", "12Q"],
        ["--retry-timeout", "-5"],
        ["--quiet", "--progress-interval", "5"],
        ["--metrics-json", "out.json", "--metrics-prom", "./out.json"],
        ["--no-such-option"],
    ])
    func usageErrorsAreOneLineAndExit64BeforeAnythingRuns(_ options: [String]) throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 50, conversations: 1)
        let output = try Shell.run(loader, ["--database", db.url, "--schema", db.schema] + options + [export.messagesJSON],
                                   directory: directory.url.path)
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.hasPrefix("skype-parallel-load: error: ") == true)
        #expect(lines.first?.contains("help load") == true)
        // Nothing ran: not even the schema was created.
        #expect(try db.scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '$schema'") == "0")
    }

    @Test func anOutputOnTheExportIsRefused() throws {
        let directory = try ScratchDirectory()
        let export = try TestExport.generate(in: directory, messages: 50, conversations: 1)
        let before = try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON))
        let output = try Shell.run(loader, ["--rejects", export.messagesJSON, export.messagesJSON])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--rejects would overwrite the export"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: export.messagesJSON)) == before)
    }

    @Test func aMissingExportIsOneErrorLineAndNoReport() throws {
        let db = try DatabaseFixture()
        defer { db.drop() }
        let output = try Shell.run(loader, ["--database", db.url, "--schema", db.schema, "/nonexistent/export.tar.zst"])
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty, "no report when no load started: \(output.stdout)")
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.contains("/nonexistent/export.tar.zst") == true)
        #expect(lines.first?.contains("Check the path") == true)
    }

    @Test(arguments: ["", "load", "inspect", "verify", "migrate", "export-media"])
    func everyHelpIsCleanAndHasAnExample(_ subcommand: String) throws {
        let output = try Shell.run(loader, ["help"] + (subcommand.isEmpty ? [] : [subcommand]))
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE:"))
        #expect(output.stdout.contains("Example"))
        let continued = output.stdout.split(separator: "\n").filter { $0.hasSuffix("\\") }
        #expect(continued.isEmpty, "lines ending in a backslash: \(continued)")
        // `--help` after the subcommand prints the same text.
        let flag = try Shell.run(loader, (subcommand.isEmpty ? [] : [subcommand]) + ["--help"])
        #expect(flag.stdout == output.stdout)
    }
}
