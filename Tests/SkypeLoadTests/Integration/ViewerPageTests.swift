import Foundation
import SkypeViewer
import Testing

/// Every page of `serve` against the hand-made archive loaded into a real PostgreSQL: what each
/// shows, and that every string from the archive arrives as text.
@Suite struct ViewerPageTests {
    @Test func theListShowsBothAccountsAndTheirConversations() async throws {
        let fixture = try ViewerFixture.get()
        let page = try await fixture.get("/")
        #expect(page.status == 200)
        #expect(page.body.contains("live:owner") && page.body.contains("live:second"))
        // The hostile topic is text: its `<` escaped, no element made of it.
        #expect(page.body.contains("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;Team"))
        #expect(!page.body.contains("<img src=x"))
        #expect(page.body.contains(">15<"), "the message count of the conversation")
        #expect(page.body.contains("2024-05-01"))
        let filtered = try await fixture.get("/?filter=zed")
        #expect(filtered.body.contains("8%3Alive%3Azed") && !filtered.body.contains("hostile%40thread"))
        let oneAccount = try await fixture.get("/?account=\(ViewerFixture.encode(ViewerArchive.otherAccount))")
        #expect(oneAccount.body.contains("8%3Alive%3Azed") && !oneAccount.body.contains("hostile%40thread"))
    }

    @Test func aConversationRendersEveryKindOfMessage() async throws {
        let fixture = try ViewerFixture.get()
        let page = try await fixture.get(ViewerFixture.conversationTarget + "&oldest=1")
        #expect(page.status == 200)
        let body = page.body
        #expect(body.components(separatedBy: "<article class=\"message").count - 1 == 15, "all 15 messages on one page")
        // Markup rendered, entities kept as text.
        #expect(body.contains("<strong>bold</strong>") && body.contains("<em>italic</em>") && body.contains("<s>struck</s>"))
        #expect(body.contains("&amp; &lt;escaped&gt;"))
        // Hostile content is text.
        #expect(body.contains("&lt;script&gt;window.__pwned=5&lt;/script&gt; shown as text"))
        #expect(!body.contains("<script"), "no script element in the page")
        #expect(body.contains("&lt;img src=x onerror=window.__pwned=2&gt;Mallory"))
        #expect(!body.lowercased().contains("javascript:"), "no javascript: URL anywhere")
        #expect(body.contains("click me and tabbed and"), "an unsafe link keeps only its words")
        #expect(body.contains(#"<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer nofollow">safe site</a>"#))
        #expect(body.contains(#"href="mailto:ann@example.org""#))
        #expect(body.contains(#"class="mention""#) && body.contains("@Bob"))
        #expect(body.contains(#"class="emoticon""#) && body.contains(":)"))
        // The quote is a block linking to the quoted message; the reply's words follow it.
        #expect(body.contains(#"<blockquote class="quote">"#))
        #expect(body.contains("/message?account=8%3Alive%3Aowner&amp;conversation=19%3Ahostile%40thread.skype&amp;id=1001"))
        #expect(body.contains("I agree") && !body.contains("[1714557600]"))
        #expect(body.contains(">edited<") && body.contains(">deleted<") && body.contains("This message was deleted."))
        #expect(body.contains(#"class="reactions""#) && body.contains("heart") && body.contains("live:bob, live:cy"))
        #expect(body.contains(#"class="call""#) && body.contains("Ann, Bob"))
        #expect(body.contains("1:24"), "the call's duration")
        #expect(body.contains(#"class="message event""#), "thread events are quiet lines")
        // The picture inline from the stored media; the SVG and the HTML file only as downloads.
        #expect(body.contains(#"<img src="/media?account=8%3Alive%3Aowner&amp;doc=0-weu-d1-photo&amp;variant=original""#))
        #expect(body.contains("drawing.svg") && !body.contains(#"<img src="/media?account=8%3Alive%3Aowner&amp;doc=0-weu-d1-svg"#))
        #expect(body.contains("&quot;&gt;&lt;script&gt;window.__pwned=8&lt;/script&gt;.html"))
        #expect(body.contains("e\u{301}, zebra") && body.contains("&quot;double&quot;") || body.contains("\"double\""))
    }

    @Test func pagesAreKeysetWindowsWithAJumpToADate() async throws {
        let fixture = try ViewerFixture.get()
        let small = ViewerFixture.makeApplication(db: fixture.db) { $0.pageSize = 4 }
        let newest = try await fixture.get(ViewerFixture.conversationTarget, on: small)
        #expect(newest.body.components(separatedBy: "<article ").count - 1 == 4)
        #expect(newest.body.contains("zebra crossing") && !newest.body.contains("Hello <strong>"))
        guard let older = Self.link(in: newest.body, labelled: "‹ Older") else {
            Issue.record("no link to older messages: \(newest.body)")
            return
        }
        #expect(older.contains("before="))
        let second = try await fixture.get(older, on: small)
        #expect(second.body.components(separatedBy: "<article ").count - 1 == 4)
        #expect(!second.body.contains("zebra crossing"))
        let oldest = try await fixture.get(ViewerFixture.conversationTarget + "&oldest=1", on: small)
        #expect(oldest.body.contains("Hello <strong>bold</strong>") && oldest.body.contains("Newer"))
        let jump = try await fixture.get(ViewerFixture.conversationTarget + "&date=2024-05-02", on: small)
        #expect(jump.status == 200 && jump.body.contains("zebra crossing"), "a date after the last message shows the last ones")
        let before = try await fixture.get(ViewerFixture.conversationTarget + "&date=2020-01-01", on: small)
        #expect(before.body.contains("Hello <strong>bold</strong>"), "a date before the first shows the first ones")
        let bad = try await fixture.get(ViewerFixture.conversationTarget + "&date=2024-13-45", on: small)
        #expect(bad.status == 400)
    }

    @Test func aPermalinkOpensThePageAroundTheMessageMarked() async throws {
        let fixture = try ViewerFixture.get()
        let small = ViewerFixture.makeApplication(db: fixture.db) { $0.pageSize = 5 }
        let target = "/message?account=8%3Alive%3Aowner&conversation=19%3Ahostile%40thread.skype&id=1001"
        let redirect = try await fixture.get(target, on: small)
        #expect(redirect.status == 303)
        let location = try #require(redirect.response.header("Location"))
        #expect(location.hasPrefix("/conversation?") && location.contains("around="))
        let fragment = try #require(location.split(separator: "#").last)
        let page = try await fixture.get(String(location.split(separator: "#")[0]), on: small)
        #expect(page.status == 200)
        #expect(page.body.contains(#"class="message marked" id="\#(fragment)""#))
        #expect(page.body.contains("Hello <strong>bold</strong>"))
        let missing = try await fixture.get("/message?account=8%3Alive%3Aowner&conversation=19%3Ahostile%40thread.skype&id=999", on: small)
        #expect(missing.status == 404)
    }

    @Test func mediaIsServedWithItsTypeOnlyWhenItIsAPicture() async throws {
        let fixture = try ViewerFixture.get()
        let photo = try await fixture.get("/media?account=8%3Alive%3Aowner&doc=0-weu-d1-photo&variant=original")
        #expect(photo.status == 200)
        #expect(photo.response.header("Content-Type") == "image/png")
        #expect(try await photo.response.collectedBody() == ViewerArchive.png)
        for doc in ["0-weu-d1-svg", "0-weu-d1-html"] {
            let file = try await fixture.get("/media?account=8%3Alive%3Aowner&doc=\(doc)&variant=original")
            #expect(file.status == 200)
            #expect(file.response.header("Content-Type") == "application/octet-stream", "\(doc)")
            #expect(file.response.header("Content-Disposition")?.hasPrefix("attachment;") == true, "\(doc)")
            #expect(file.response.header("Content-Security-Policy")?.contains("sandbox") == true, "\(doc)")
        }
        let html = try await fixture.get("/media?account=8%3Alive%3Aowner&doc=0-weu-d1-html")
        let disposition = try #require(html.response.header("Content-Disposition"))
        #expect(!disposition.contains("\"") && !disposition.contains("<"), "the file name is encoded: \(disposition)")
        #expect(try await fixture.get("/media?doc=0-weu-d1-nothing").status == 404)
        #expect(try await fixture.get("/media?doc=0-weu-d1-photo&variant=../../etc").status == 400)
    }

    @Test func theLoadsPageListsTheRuns() async throws {
        let fixture = try ViewerFixture.get()
        let page = try await fixture.get("/loads")
        #expect(page.status == 200)
        #expect(page.body.contains("viewer-first.tar") && page.body.contains("viewer-second.tar"))
        #expect(try await fixture.get("/health").body == "ok\n")
    }

    @Test func anotherHostNameIsRefusedWithoutAToken() async throws {
        // DNS rebinding: another site's name resolved to 127.0.0.1 reaches the viewer with that
        // name in Host; only loopback names and the listen address are answered.
        let fixture = try ViewerFixture.get()
        for host in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.0.0.2"] {
            let response = await fixture.application.respond(to: ViewerRequest(target: "/", host: host))
            #expect(response.status == 200, "Host: \(host)")
        }
        for host in ["rebind.example:8080", "127.0.0.1.example", "[::2]:8080", "0.0.0.0:8080"] {
            let response = await fixture.application.respond(to: ViewerRequest(target: "/", host: host))
            #expect(response.status == 421, "Host: \(host)")
            let body = String(decoding: try await response.collectedBody(), as: UTF8.self)
            #expect(!body.contains("live:owner"), "nothing of the archive in the refusal")
            #expect(response.header("Content-Security-Policy") != nil)
        }
        // With a token, the token is the defence: a proxy's name is answered (after sign-in).
        let guarded = ViewerFixture.makeApplication(db: fixture.db) { $0.authToken = "correct-horse-battery-staple" }
        let signedIn = await guarded.respond(to: ViewerRequest(target: "/", authorization: "Bearer correct-horse-battery-staple",
                                                               host: "skype.example.org"))
        #expect(signedIn.status == 200)
        let anonymous = await guarded.respond(to: ViewerRequest(target: "/", host: "skype.example.org"))
        #expect(anonymous.status == 401)
    }

    /// The target of the first link whose text is `label`, entities decoded.
    static func link(in body: String, labelled label: String) -> String? {
        guard let end = body.range(of: ">\(label)</a>") else { return nil }
        guard let start = body[..<end.lowerBound].range(of: "href=\"", options: .backwards) else { return nil }
        let raw = body[start.upperBound..<end.lowerBound].prefix { $0 != "\"" }
        return raw.replacingOccurrences(of: "&amp;", with: "&")
    }
}
