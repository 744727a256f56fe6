import Foundation

/// A small hand-made export for the viewer's tests: one conversation with every kind of message
/// the viewer renders (markup, quotes, mentions, reactions, a call, thread events, edits, a
/// deletion, pictures and files) and hostile content in every string a page shows: a topic and
/// a display name that are HTML, `<script>` as text and as markup, `javascript:` links, an SVG
/// and an HTML file among the media. A second account holds one conversation of its own.
enum ViewerArchive {
    static let account = "8:live:owner"
    static let otherAccount = "8:live:second"
    static let conversation = "19:hostile@thread.skype"
    static let hostileTopic = #"<img src=x onerror="window.__pwned=1">Team"#
    static let hostileName = #"<img src=x onerror=window.__pwned=2>Mallory"#
    /// The words only one message holds, to search for.
    static let addressText = "Ann's new address: 12 Elm Street, Springfield"
    /// A 24×16 PNG, so that a browser has a real picture to show.
    static let png = [UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAUUlEQVR42q3CERaFAABE0becMAwGwjAMwzAMw49h2HJmWX8T755LhyjpGCWdoqRzlHSJkq5R0i1KukdJjyjpGSW9oqR3lPQXJX2ipG+U9IvyD0OIHB9qF807AAAAAElFTkSuQmCC") ?? Data())
    static let svg = Array(#"<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned=3</script><circle r="4"/></svg>"#.utf8)
    static let htmlFile = Array("<html><body><script>window.__pwned=4</script>page</body></html>".utf8)

    struct Message {
        var id: String
        var type = "RichText"
        var from = "8:live:ann"
        var name = "Ann"
        var content: String
        var properties: [String: Any] = [:]
        var references: [String] = []
    }

    /// The messages, oldest first, one minute apart from 2024-05-01 10:00 UTC.
    static var messages: [Message] {
        [
            Message(id: "1001", content: "Hello <b>bold</b> and <i>italic</i>, <s>struck</s> &amp; &lt;escaped&gt;"),
            Message(id: "1002", from: "8:live:mallory", name: hostileName, content: "&lt;script&gt;window.__pwned=5&lt;/script&gt; shown as text"),
            Message(id: "1003", content: "<script>window.__pwned=6</script>raw script element"),
            Message(id: "1004", content: #"<a href="javascript:window.__pwned=7">click me</a> and <a href="jav&#x09;ascript:alert(1)">tabbed</a> and <a href="https://example.org/?a=1&amp;b=2">safe site</a>"#),
            Message(id: "1005", content: #"Hi <at id="8:live:bob">Bob</at> <ss type="smile">:)</ss> see <a href="mailto:ann@example.org">mail</a>"#),
            Message(id: "1006", from: "8:live:bob", name: "Bob", content: #"<quote author="8:live:ann" authorname="Ann" timestamp="1714557600" conversation="19:hostile@thread.skype" messageid="1001"><legacyquote>[1714557600] Ann: </legacyquote>Hello bold<legacyquote>&lt;&lt;&lt; </legacyquote></quote>I agree"#),
            Message(id: "1007", content: "first version, now edited", properties: ["edittime": "1714558000000"]),
            Message(id: "1008", content: "", properties: ["deletetime": "1714558100000"]),
            Message(id: "1009", content: addressText, properties: ["emotions": [["key": "heart", "users": [["mri": "8:live:bob", "time": 1714558200000], ["mri": "8:live:cy", "time": 1714558200100]]]]]),
            Message(id: "1010", type: "Event/Call", content: #"<partlist type="ended" alt="" callId="c-1"><part identity="8:live:ann"><name>Ann</name><duration>84.82</duration></part><part identity="8:live:bob"><name>Bob</name><duration>84.50</duration></part></partlist>"#),
            Message(id: "1011", type: "ThreadActivity/AddMember", content: "<addmember><eventtime>1714558320000</eventtime><initiator>8:live:ann</initiator><target>8:live:cy</target></addmember>"),
            Message(id: "1012", type: "RichText/UriObject", content: #"<URIObject type="Picture.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d1-photo" doc_id="0-weu-d1-photo">To view this shared photo, go to: <a href="https://login.skype.com/x">https://login.skype.com/x</a><OriginalName v="holiday.png"/><FileSize v="138"/></URIObject>"#, references: ["0-weu-d1-photo"]),
            Message(id: "1013", type: "RichText/Media_GenericFile", content: #"<URIObject type="File.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d1-svg" doc_id="0-weu-d1-svg"><OriginalName v="drawing.svg"/><FileSize v="99"/></URIObject>"#, references: ["0-weu-d1-svg"]),
            Message(id: "1014", type: "RichText/Media_GenericFile", content: #"<URIObject type="File.1" uri="https://api.asm.skype.com/v1/objects/0-weu-d1-html" doc_id="0-weu-d1-html"><OriginalName v="&quot;&gt;&lt;script&gt;window.__pwned=8&lt;/script&gt;.html"/><FileSize v="60"/></URIObject>"#, references: ["0-weu-d1-html"]),
            Message(id: "1015", content: "Quotes \"double\" and 'single', e\u{301}, zebra crossing"),
        ]
    }

    /// The media entries: metadata and bytes of each document.
    static let media: [(docID: String, fileName: String, contentType: String, ext: String, bytes: [UInt8])] = [
        ("0-weu-d1-photo", "holiday.png", "image/png", "png", png),
        ("0-weu-d1-svg", "drawing.svg", "image/svg+xml", "svg", svg),
        ("0-weu-d1-html", #""><script>window.__pwned=8</script>.html"#, "text/html", "html", htmlFile),
    ]

    static func messagesJSON(account: String, conversation: String, topic: String, messages: [Message]) throws -> [UInt8] {
        let start = 1_714_557_600_000  // 2024-05-01T10:00:00Z
        let list: [[String: Any]] = messages.enumerated().map { index, message in
            var item: [String: Any] = [
                "id": message.id, "messagetype": message.type, "from": message.from, "displayName": message.name,
                "content": message.content, "version": start + index * 60_000, "conversationid": conversation,
                "originalarrivaltime": iso(start + index * 60_000), "properties": message.properties,
            ]
            if !message.references.isEmpty { item["amsreferences"] = message.references }
            return item
        }
        let conversations: [[String: Any]] = [[
            "id": conversation, "displayName": topic, "version": 1,
            "properties": [:] as [String: Any],
            "threadProperties": ["topic": topic, "members": #"["8:live:ann","8:live:bob","8:live:mallory"]"#],
            "MessageList": list,
        ]]
        // The owner first, as every export Microsoft made: the splitter takes the account from it
        // only when it comes before the conversations.
        let head = try JSONSerialization.data(withJSONObject: ["userId": account, "exportDate": "2024-06-01T00:00"])
        let body = try JSONSerialization.data(withJSONObject: conversations, options: [.sortedKeys])
        return [UInt8](head.dropLast()) + Array(#","conversations":"#.utf8) + [UInt8](body) + Array("}".utf8)
    }

    static func iso(_ milliseconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Writes both accounts' exports (tars) into `directory`, returns their paths.
    static func write(in directory: ScratchDirectory) throws -> [String] {
        var first = TarBuilder()
        first.file("messages.json", try messagesJSON(account: account, conversation: conversation, topic: hostileTopic, messages: messages))
        for file in media {
            first.file("media/\(file.docID).json", Array(#"{"filename":\#(jsonString(file.fileName)),"content_type":"\#(file.contentType)"}"#.utf8))
            first.file("media/\(file.docID).1.\(file.ext)", file.bytes)
        }
        first.end()
        var second = TarBuilder()
        let theirs = [Message(id: "2001", from: "8:live:zed", name: "Zed", content: "zebra in the other account")]
        second.file("messages.json", try messagesJSON(account: otherAccount, conversation: "8:live:zed", topic: "Zed", messages: theirs))
        second.end()
        let paths = [directory.path("viewer-first.tar"), directory.path("viewer-second.tar")]
        try Data(first.bytes).write(to: URL(fileURLWithPath: paths[0]))
        try Data(second.bytes).write(to: URL(fileURLWithPath: paths[1]))
        return paths
    }

    private static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8), as: UTF8.self).dropFirst().dropLast().description
    }
}
