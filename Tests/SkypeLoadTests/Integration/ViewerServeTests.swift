import Foundation
import SkypePostgres
import SkypeViewer
import Testing

/// `serve` as a user meets it: the real HTTP server over loopback, its refusals, its tokens,
/// signals, a slow query, and a real browser.
@Suite(.serialized) struct ViewerServeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func serve(_ fixture: ViewerFixture, _ extra: [String] = []) throws -> ServeProcess {
        try ServeProcess(["--database", fixture.db.url, "--schema", fixture.db.schema, "--time-zone", "UTC"] + extra)
    }

    @Test func itAnswersOverHTTPReadOnlyAndStopsOnASignal() throws {
        let fixture = try ViewerFixture.get()
        for signal in [SIGTERM, SIGINT] {
            let server = try serve(fixture)
            let headers = try Shell.run("curl", ["-s", "-D", "-", "-o", "/dev/null", server.base + "/"]).stdout
            #expect(headers.hasPrefix("HTTP/1.1 200"))
            for header in ["content-security-policy: default-src 'none'", "x-content-type-options: nosniff", "x-frame-options: deny"] {
                #expect(headers.lowercased().contains(header), "\(header) in \(headers)")
            }
            #expect(try server.get("/", ["-I"]).status == 200, "HEAD")
            #expect(try server.get("/", ["-X", "POST", "-d", "x=1"]).status == 405)
            #expect(try server.get("/", ["-X", "DELETE"]).status == 405)
            #expect(try server.get("/?filter=" + String(repeating: "a", count: 5000)).status == 414)
            #expect(try server.get("/nowhere").status == 404)
            #expect(try server.get("/favicon.ico").status == 204)
            let stopped = server.stop(signal)
            #expect(stopped.status == 0, "signal \(signal): \(stopped.stderr)")
        }
    }

    @Test func offLoopbackItWantsATokenAndChecksIt() throws {
        let fixture = try ViewerFixture.get()
        let open = try Shell.run(TestEnvironment.loaderExecutable, ["serve", "--database", fixture.db.url, "--listen", "0.0.0.0:0"])
        #expect(open.status == 64 && open.stderr.contains("--auth-token-file"), "\(open.stderr)")
        let scratch = try ScratchDirectory()
        let tokenFile = scratch.path("token")
        try Data("correct-horse-battery-staple\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let short = scratch.path("short")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: short))
        let weak = try Shell.run(TestEnvironment.loaderExecutable, ["serve", "--database", fixture.db.url, "--auth-token-file", short])
        #expect(weak.status == 64)

        let server = try serve(fixture, ["--auth-token-file", tokenFile])
        #expect(try server.get("/").status == 401)
        #expect(try server.get("/", ["-H", "Authorization: Bearer wrong-horse-battery-staple"]).status == 401)
        #expect(try server.get("/", ["-H", "Authorization: Bearer correct-horse-battery-staple"]).status == 200)
        #expect(try server.get("/static/viewer.css").status == 200, "the sign-in page keeps its style")
        // The sign-in form sets a cookie that opens the archive; a wrong token sets none.
        let wrong = try Shell.run("curl", ["-s", "-D", "-", "-o", "/dev/null", "-d", "token=nope", server.base + "/login"]).stdout
        #expect(wrong.hasPrefix("HTTP/1.1 401") && !wrong.lowercased().contains("set-cookie"))
        let jar = scratch.path("cookies")
        let login = try Shell.run("curl", ["-s", "-c", jar, "-D", "-", "-o", "/dev/null", "-d", "token=correct-horse-battery-staple",
                                           server.base + "/login"]).stdout
        #expect(login.hasPrefix("HTTP/1.1 303") && login.lowercased().contains("httponly; samesite=strict"), "\(login)")
        #expect(try server.get("/", ["-b", jar]).status == 200)
        #expect(server.stop().status == 0)
    }

    @Test func aSlowQueryIsCancelledAndTheSessionsAreReadOnly() async throws {
        let fixture = try ViewerFixture.get()
        let application = ViewerFixture.makeApplication(db: fixture.db) { $0.pool.statementTimeoutMilliseconds = 300 }
        let readOnly = try await application.pool.withConnection { connection in
            try connection.execute("SHOW transaction_read_only").rows.first?.first ?? nil
        }
        #expect(readOnly == "on")
        let write = try await application.pool.withConnection { connection -> String? in
            do {
                _ = try connection.execute("CREATE TABLE \(fixture.db.schema).intruder (x int)")
                return nil
            } catch {
                return (error as? PostgresConnection.Failure)?.sqlState
            }
        }
        #expect(write == "25006", "a write is refused as read-only")
        // Another session holds a lock the page's query waits for: cancelled, a 504 page.
        let locker = try fixture.db.connect()
        _ = try locker.execute("BEGIN; LOCK TABLE \(fixture.db.schema).conversations IN ACCESS EXCLUSIVE MODE")
        let slow = try await fixture.get("/", on: application)
        _ = try locker.execute("ROLLBACK")
        #expect(slow.status == 504 && slow.body.contains("cancelled"))
        #expect(try await fixture.get("/", on: application).status == 200)
        application.pool.shutDown()
    }

    @Test func aBrowserSeesTheArchiveAndNoScriptFromItRuns() throws {
        let fixture = try ViewerFixture.get()
        let scratch = try ScratchDirectory()
        let out = scratch.path("exported")
        let export = try Shell.run(TestEnvironment.loaderExecutable, ["export-html", "--database", fixture.db.url, "--schema", fixture.db.schema,
                                                                      "--out", out, "--quiet", "--time-zone", "UTC"])
        #expect(export.status == 0, "\(export.stderr)")
        let page = try #require(ExportHTMLTests.files(under: out).first { $0.hasSuffix("page-0001.html") && ExportHTMLTests.text(out + "/" + $0).contains("Elm Street") })
        let server = try serve(fixture)
        defer { _ = server.stop() }
        let shots = TestEnvironment.buildDirectory.appendingPathComponent("viewer-screenshots").path
        let urls = [server.base + "/", server.base + ViewerFixture.conversationTarget + "&oldest=1",
                    server.base + "/search?q=zebra", "file://" + out + "/index.html", "file://" + out + "/" + page]
        let check = try Shell.run("python3", [Self.repository + "/scripts/browser-check.py", shots] + urls)
        #expect(check.status == 0, "\(check.stderr)")
        let pages = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]])
        #expect(pages.count == 5)
        for seen in pages {
            #expect(seen["pwned"] as? String == "undefined", "no script from the archive ran: \(seen["url"] ?? "")")
            #expect(seen["scripts"] as? Int == 0 && seen["handlers"] as? Int == 0 && seen["javascriptLinks"] as? Int == 0)
            #expect((seen["problems"] as? [String])?.isEmpty == true, "console: \(seen["problems"] ?? "") at \(seen["url"] ?? "")")
        }
        #expect((pages[0]["text"] as? String)?.contains("onerror") == true, "the hostile topic shown as text")
        #expect(pages[1]["messages"] as? Int == 15 && pages[1]["pictures"] as? Int == 1, "\(pages[1])")
        #expect(pages[2]["hits"] as? Int == 2)
        #expect((pages[3]["text"] as? String)?.contains("Zed") == true)
        #expect(pages[4]["messages"] as? Int == 15 && pages[4]["pictures"] as? Int == 1, "the exported page with its picture")
    }
}
