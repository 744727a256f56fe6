import Foundation
import SkypeViewer
import Testing

/// `/search` and the `search` command over the hand-made archive in a real PostgreSQL: the
/// websearch syntax, every filter, both orders, snippets escaped, and bad input as a 400 page.
@Suite struct ViewerSearchTests {
    /// The ids of the messages a search page links to, in the page's order.
    static func hitIDs(_ body: String) -> [String] {
        guard let list = body.range(of: #"<ol class="hits">"#) else { return [] }
        return body[list.upperBound...].components(separatedBy: "<li>").dropFirst().compactMap { item in
            // Each hit links to the conversation around it; the cursor token names the message.
            guard let href = item.range(of: #"href=""#) else { return nil }
            let link = item[href.upperBound...].prefix { $0 != "\"" }
            return link.components(separatedBy: "#m").last.map { String($0) }
        }
    }

    func search(_ query: String, _ extra: String = "") async throws -> (status: Int, body: String) {
        let page = try await ViewerFixture.get().get("/search?q=\(ViewerFixture.encode(query))\(extra)")
        return (page.status, page.body)
    }

    @Test func wordsPhrasesExclusionsAndAlternatives() async throws {
        let address = try await search("elm street")
        #expect(address.status == 200)
        #expect(address.body.contains("<mark>Elm</mark> <mark>Street</mark>"), "the matches highlighted")
        #expect(address.body.contains("1 messages match") || address.body.contains("1 message"))
        #expect(Self.hitIDs(address.body).count == 1)
        // "zebra" is in both accounts; the phrase only in the first.
        #expect(Self.hitIDs(try await search("zebra").body).count == 2)
        #expect(Self.hitIDs(try await search(#""zebra crossing""#).body).count == 1)
        #expect(Self.hitIDs(try await search(#""crossing zebra""#).body).isEmpty, "a phrase keeps its order")
        let excluded = try await search("zebra -crossing")
        #expect(Self.hitIDs(excluded.body).count == 1 && excluded.body.contains("other account"))
        #expect(Self.hitIDs(try await search("springfield or zebra").body).count == 3)
        let none = try await search("nonexistentword")
        #expect(none.status == 200 && none.body.contains("No message matches."))
    }

    @Test func filtersNarrowTheHits() async throws {
        let second = ViewerFixture.encode(ViewerArchive.otherAccount)
        #expect(Self.hitIDs(try await search("zebra", "&account=\(second)").body).count == 1)
        let conversation = ViewerFixture.encode(ViewerArchive.conversation)
        #expect(Self.hitIDs(try await search("zebra", "&conversation=\(conversation)").body).count == 1)
        // A sender by id, by id without `8:`, or by display name.
        #expect(Self.hitIDs(try await search("agree", "&from=live%3Abob").body).count == 1)
        #expect(Self.hitIDs(try await search("agree", "&from=8%3Alive%3Abob").body).count == 1)
        #expect(Self.hitIDs(try await search("agree", "&from=bob").body).count == 1)
        #expect(Self.hitIDs(try await search("agree", "&from=live%3Aann").body).isEmpty)
        // The archive's messages are all on 2024-05-01 (UTC, and the tests' time zone is UTC).
        #expect(Self.hitIDs(try await search("zebra", "&since=2024-05-01&until=2024-05-01").body).count >= 1)
        #expect(Self.hitIDs(try await search("zebra", "&since=2024-05-02").body).isEmpty)
        #expect(Self.hitIDs(try await search("zebra", "&until=2024-04-30").body).isEmpty)
    }

    @Test func newestFirstPagesOnAndRankOrdersByMatch() throws {
        // "and" matches several messages; newest first, two a page, each page older than the last.
        let fixture = try ViewerFixture.get()
        let reader = ArchiveReader(connection: try fixture.db.connect(), schema: fixture.db.schema, timeZone: "UTC")
        var request = SearchRequest(query: "and")
        request.limit = 2
        request.conversation = ViewerArchive.conversation
        let first = try reader.search(try request.validated())
        #expect(first.count == 2 && first[0].sentAt > first[1].sentAt)
        request.before = first.last?.cursor
        let second = try reader.search(try request.validated())
        #expect(!second.isEmpty && second.allSatisfy { $0.sentAt < first[1].sentAt })
        // Ranked: the message that says "and" three times comes before the newer one with it once.
        var ranked = SearchRequest(query: "and")
        ranked.order = .rank
        let byRank = try reader.search(try ranked.validated())
        #expect(byRank.first?.messageID == "1004", "\(byRank.map(\.messageID))")
        let newest = try reader.search(try SearchRequest(query: "and").validated())
        #expect(newest.first?.messageID == "1015", "\(newest.map(\.messageID))")
    }

    @Test func snippetsAreEscapedText() async throws {
        let page = try await search("script")
        #expect(Self.hitIDs(page.body).count >= 1)
        #expect(page.body.contains("&lt;script&gt;window.__pwned=5&lt;/script&gt;") || page.body.contains("<mark>script</mark>"))
        #expect(!page.body.contains("<script"))
        let hostileQuery = try await search(#"<img src=x onerror=alert(1)>"#)
        #expect(hostileQuery.status == 200 && !hostileQuery.body.contains("<img src=x"), "the query itself is echoed as text")
    }

    @Test func badSearchesAreA400Page() async throws {
        let long = try await search(String(repeating: "word ", count: 200))
        #expect(long.status == 400 && long.body.contains("longer than 512 bytes"))
        #expect(try await search("zebra", "&since=2024-13-01").status == 400)
        #expect(try await search("zebra", "&until=yesterday").status == 400)
        #expect(try await search("zebra", "&before=garbage").status == 400)
        // Syntax websearch_to_tsquery cannot parse does not exist: odd input is words or nothing.
        #expect(try await search(#"" - or ) ( ! & |"#).status == 200)
        let empty = try await search("   ")
        #expect(empty.status == 200 && !empty.body.contains(#"<ol class="hits">"#), "an empty search shows the form")
    }

    @Test func theSearchCommandWritesTextAndJSONLines() throws {
        let fixture = try ViewerFixture.get()
        let base = ["search", "--database", fixture.db.url, "--schema", fixture.db.schema, "--time-zone", "UTC"]
        let json = try Shell.run(TestEnvironment.loaderExecutable, base + ["zebra", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let lines = json.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["conversation_id", "conversation_title", "message_id", "sent_at", "sender_name", "snippet"] {
                #expect(object[key] is String, "\(key) in \(line)")
            }
            #expect((object["snippet"] as? String)?.lowercased().contains("zebra") == true)
        }
        let filtered = try Shell.run(TestEnvironment.loaderExecutable, base + ["zebra", "--json", "--account", ViewerArchive.otherAccount])
        #expect(filtered.stdout.split(separator: "\n").count == 1 && filtered.stdout.contains(#""conversation_id":"8:live:zed""#))
        let text = try Shell.run(TestEnvironment.loaderExecutable, base + ["elm street", "--from", "ann"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("2024-05-01 10:08") && text.stdout.contains("Elm Street") && !text.stdout.contains("\u{1B}["),
                "time, words, and no bold off a terminal: \(text.stdout)")
        #expect(text.stderr.contains("1 hit"))
        // A hostile title reaches the terminal without its control characters.
        let bad = try Shell.run(TestEnvironment.loaderExecutable, base + ["zebra", "--since", "2024-02-30x"])
        #expect(bad.status == 64 && bad.stderr.contains("since"))
    }

    @Test func theSearchCommandSaysWhatIsWrongWithTheDatabase() throws {
        let missing = try Shell.run(TestEnvironment.loaderExecutable, ["search", "--database", "postgres://postgres@127.0.0.1:1/none", "zebra"])
        #expect(missing.status != 0 && !missing.stderr.isEmpty)
        let fixture = try ViewerFixture.get()
        let noSchema = try Shell.run(TestEnvironment.loaderExecutable, ["search", "--database", fixture.db.url, "--schema", "no_such_schema", "zebra"])
        #expect(noSchema.status != 0 && noSchema.stderr.contains("no_such_schema"), "\(noSchema.stderr)")
    }
}
