import Foundation

extension Coordinator {
    func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: configuration.conninfo)
        } catch {
            throw LoadError(.database, error.message,
                            hint: "Set DATABASE_URL, pass --database, or set the PG* variables")
        }
    }

    func startRun(on connection: PostgresConnection) throws -> Int64 {
        let statements = LoadStatements(schema: configuration.schema)
        do {
            let result = try connection.execute(statements.startRun, [configuration.exportPath, String(configuration.workers)])
            guard let text = result.rows.first?.first ?? nil, let id = Int64(text) else {
                throw LoadError(.database, "the load_runs insert returned no id")
            }
            return id
        } catch let failure as PostgresConnection.Failure {
            throw LoadError(.database, "cannot record the load run: \(failure)")
        }
    }

    /// Refreshes the counts of the conversations the committed shards touched, even after a
    /// failure: what committed is complete and should be consistent.
    func finalize(on connection: PostgresConnection) {
        let finalizeStart = MonotonicClock.now()
        do {
            try connection.execute(LoadStatements(schema: configuration.schema).finalize)
        } catch {
            record(LoadError(.database, "cannot refresh conversation counts: \(error)",
                             hint: "Rerun the same command; the counts are refreshed at the end of every load"))
        }
        report.finalizeSeconds = MonotonicClock.seconds(since: finalizeStart)
        report.phases.wallSeconds.finalize = report.finalizeSeconds
        report.phases.summedSeconds.finalize = report.finalizeSeconds
    }

    func storeReport(on connection: PostgresConnection, runID: Int64) {
        let json = (try? ReportPrinter.json(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        _ = try? connection.execute(LoadStatements(schema: configuration.schema).finishRun, [
            String(runID), report.status.rawValue, report.exportUser, report.exportDate, json,
        ])
    }
}
