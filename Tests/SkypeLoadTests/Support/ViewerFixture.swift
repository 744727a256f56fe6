import Foundation
import SkypeRuntime
import SkypeViewer
import Testing

/// ``ViewerArchive`` loaded once into a schema of its own (by the loader itself, both accounts),
/// shared by the viewer's tests, which only read it. The schema stays in the throw-away test
/// cluster: the suites that read it run in parallel and none knows which is last.
struct ViewerFixture: Sendable {
    let db: DatabaseFixture
    let application: ViewerApplication

    private static let shared: Result<ViewerFixture, TestFailure> = {
        do {
            let db = try DatabaseFixture()
            let directory = try ScratchDirectory()
            for path in try ViewerArchive.write(in: directory) {
                let outcome = db.load(path, workers: 1)
                guard outcome.exitCode == 0 else { return .failure(TestFailure("loading \(path) failed: \(outcome)")) }
            }
            return .success(ViewerFixture(db: db, application: makeApplication(db: db)))
        } catch {
            return .failure(TestFailure("the viewer's archive could not be loaded: \(error)"))
        }
    }()

    static func get() throws -> ViewerFixture {
        try shared.get()
    }

    static func makeApplication(db: DatabaseFixture, configure: (inout ViewerConfiguration) -> Void = { _ in }) -> ViewerApplication {
        var configuration = ViewerConfiguration(conninfo: db.url)
        configuration.schema = db.schema
        configuration.pool.size = 2
        configure(&configuration)
        return ViewerApplication(configuration: configuration, pool: ConnectionPool(settings: configuration.pool))
    }

    /// A GET of `target`, its status, headers and body as text.
    func get(_ target: String, on application: ViewerApplication? = nil) async throws -> (status: Int, response: ViewerResponse, body: String) {
        let response = await (application ?? self.application).respond(to: ViewerRequest(target: target))
        let body = String(decoding: try await response.collectedBody(), as: UTF8.self)
        return (response.status, response, body)
    }

    /// `/conversation?...` of the hostile conversation.
    static var conversationTarget: String {
        "/conversation?account=\(encode(ViewerArchive.account))&id=\(encode(ViewerArchive.conversation))"
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
