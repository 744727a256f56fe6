import Foundation
import HTTPTypes
import Hummingbird
package import Logging
import NIOCore
import UnixSignals

/// `serve`: the viewer's routes behind Hummingbird's HTTP server, until SIGINT or SIGTERM.
package struct ViewerServer: Sendable {
    package let configuration: ViewerConfiguration
    package let logger: Logger

    package init(configuration: ViewerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until a signal stops it; `onListening` gets the bound port (for `--listen 127.0.0.1:0`).
    package func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try configuration.validate()
        let pool = ConnectionPool(settings: configuration.pool)
        defer { pool.shutDown() }
        let application = ViewerApplication(configuration: configuration, pool: pool)
        let router = Router()
        // Every method and path goes to the viewer's own routing: it answers 404 and 405 itself.
        router.on("**", method: .get) { request, _ in try await Self.respond(application, request) }
        router.on("/", method: .get) { request, _ in try await Self.respond(application, request) }
        for method in [HTTPRequest.Method.head, .post, .put, .delete, .patch, .options, .trace] {
            router.on("**", method: method) { request, _ in try await Self.respond(application, request) }
            router.on("/", method: method) { request, _ in try await Self.respond(application, request) }
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port),
                                 serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    static func respond(_ application: ViewerApplication, _ request: Request) async throws -> Response {
        let target = request.uri.string
        guard target.utf8.count <= ViewerRequest.maximumTargetBytes else {
            let error = ViewerError(.tooLarge, "the address is longer than \(ViewerRequest.maximumTargetBytes) bytes")
            return Self.response(.page(ErrorPage(error: error).render(in: application.layout), status: 414), head: false)
        }
        var body: [UInt8] = []
        if request.method == .post {
            var buffer = try await request.body.collect(upTo: ViewerRequest.maximumBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        let viewerRequest = ViewerRequest(
            method: request.method.rawValue, target: target, authorization: request.headers[.authorization],
            cookie: request.headers[values: .cookie].joined(separator: "; "),
            forwardedProto: request.headers[HTTPField.Name("X-Forwarded-Proto")!],
            host: request.head.authority, body: body)
        return Self.response(await application.respond(to: viewerRequest), head: request.method == .head)
    }

    static func response(_ response: ViewerResponse, head: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let status = HTTPResponse.Status(code: response.status)
        if head { return Response(status: status, headers: fields) }
        switch response.body {
        case .html(let html):
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: html.utf8)))
        case .bytes(let bytes):
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let length, let pieces, let piece):
            let body = ResponseBody(contentLength: Int(length)) { writer in
                for index in 0..<pieces { try await writer.write(ByteBuffer(bytes: try await piece(index))) }
                try await writer.finish(nil)
            }
            return Response(status: status, headers: fields, body: body)
        }
    }
}
