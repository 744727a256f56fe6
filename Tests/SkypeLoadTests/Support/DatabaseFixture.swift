import Foundation
import Logging
import SkypePostgres
import SkypeRuntime
import SkypeExport
import SkypeReport

/// A schema of its own for one test, so that tests run in parallel without meeting.
struct DatabaseFixture {
    let url: String
    let schema: String

    init() throws {
        try self.init(url: TestEnvironment.requireDatabaseURL())
    }

    /// A schema on another server, such as a Citus coordinator.
    init(url: String) throws {
        self.url = url
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(conninfo: url)
    }

    /// One value of the first row of `sql`.
    func scalar(_ sql: String) throws -> String? {
        try connect().execute(sql.replacingOccurrences(of: "$schema", with: schema)).rows.first?.first ?? nil
    }

    func count(_ table: String) throws -> Int {
        Int(try scalar("SELECT count(*) FROM $schema.\(table)") ?? "") ?? -1
    }

    func configuration(export: String, workers: Int = 3, shardBytes: Int = 256 << 10) -> LoadConfiguration {
        var configuration = LoadConfiguration(exportPath: export, conninfo: url,
                                              workerExecutable: TestEnvironment.loaderExecutable)
        configuration.schema = schema
        configuration.workers = workers
        configuration.splitter.shardBytes = shardBytes
        configuration.progress = .none
        return configuration
    }

    func load(_ export: String, workers: Int = 3, shardBytes: Int = 256 << 10) -> LoadOutcome {
        load(configuration(export: export, workers: workers, shardBytes: shardBytes))
    }

    /// A load with its configuration as the test made it, logging only what is critical.
    func load(_ configuration: LoadConfiguration) -> LoadOutcome {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Coordinator(configuration: configuration, logger: logger).run()
    }

    func drop() {
        _ = try? connect().execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }
}
