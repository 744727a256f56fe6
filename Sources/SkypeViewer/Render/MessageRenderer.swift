/// One message as an `<article>`: sender, local time, its text with the markup it carries,
/// quotes, attachments (images and videos inline), the call, reactions and the edited and
/// deleted marks; thread events and calls as quiet lines. `serve` and `export-html` share it.
package struct MessageRenderer: Sendable {
    package let links: any ArchiveLinks

    package init(links: any ArchiveLinks) {
        self.links = links
    }

    /// Chat text whose `content` is markup to render; other types show their `body_text`.
    static func isChatText(_ type: String) -> Bool {
        type == "RichText" || type == "Text" || type == "RichText/Html" || type.isEmpty
    }

    /// The element id of a message on its page, the target of permalinks.
    package static func anchor(_ message: ArchiveMessage) -> String {
        "m\(message.fingerprint)"
    }

    package func render(_ message: ArchiveMessage, marked: Bool = false, into html: inout HTML) {
        let quiet = message.messageType.hasPrefix("ThreadActivity/") || message.messageType == "Control/ThreadActivity"
            || message.messageType == "Event/Call" || message.call != nil
        var classes = quiet ? "message event" : "message"
        if message.isDeleted { classes += " deleted" }
        if marked { classes += " marked" }
        html.element("article", [.class(classes), .id(Self.anchor(message))]) { html in
            header(message, into: &html)
            html.element("div", [.class("body")]) { html in
                body(message, into: &html)
            }
            if !message.reactions.isEmpty { reactions(message.reactions, into: &html) }
        }
    }

    private func header(_ message: ArchiveMessage, into html: inout HTML) {
        html.element("header") { html in
            html.element("span", [.class("sender"), .title(message.senderID ?? "")], text: message.senderLabel)
            html.raw(" ")
            html.element("a", [.class("time"), .href(links.permalink(message)), .title("Link to this message")]) { html in
                html.element("time", [.init("datetime", message.cursor.sentAt)], text: message.localTime)
            }
            if message.isEdited && !message.isDeleted {
                html.raw(" ")
                html.element("span", [.class("mark"), .title(message.editedAt.map { "edited \($0)" } ?? "edited")], text: "edited")
            }
            if message.isDeleted {
                html.raw(" ")
                html.element("span", [.class("mark"), .title(message.deletedAt.map { "deleted \($0)" } ?? "deleted")], text: "deleted")
            }
        }
    }

    private func body(_ message: ArchiveMessage, into html: inout HTML) {
        if message.isDeleted {
            html.element("p", [.class("quiet")], text: "This message was deleted.")
            return
        }
        for quote in message.quotes { render(quote, of: message, into: &html) }
        if message.call != nil || message.messageType == "Event/Call" {
            html.element("p", [.class("call")], text: callText(message))
        } else if !message.attachments.isEmpty {
            // The sender's own words outside the objects come first in body_text, on their own line.
            let lines = message.bodyText.split(separator: "\n", maxSplits: 1)
            if lines.count > 1 { html.element("p", text: lines[0]) }
            for attachment in message.attachments { render(attachment, of: message, into: &html) }
        } else if Self.isChatText(message.messageType) && !message.content.hasPrefix("{") {
            html.element("p", [.class("text")]) { html in
                MessageMarkup.render(message.content, skipQuotes: !message.quotes.isEmpty, into: &html)
            }
        } else {
            html.element("p", [.class(message.messageType.hasPrefix("ThreadActivity/") ? "quiet" : "text")], text: message.bodyText)
        }
    }

    private func callText(_ message: ArchiveMessage) -> String {
        var text = message.bodyText.isEmpty ? "Call" : message.bodyText
        if let seconds = message.call?.seconds, seconds.isFinite, seconds >= 1 {
            text += ", " + Self.duration(seconds)
        }
        if let names = message.call?.participants, !names.isEmpty {
            text += " (" + names.joined(separator: ", ") + ")"
        }
        return text
    }

    /// "1:24" or "2:03:09": how long the call lasted, as a clock would show it.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(min(seconds, 1e9).rounded(.down))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
    }

    private func render(_ quote: ArchiveMessage.Quote, of message: ArchiveMessage, into html: inout HTML) {
        html.element("blockquote", [.class("quote")]) { html in
            html.element("footer") { html in
                let who = quote.authorName.flatMap { $0.isEmpty ? nil : $0 } ?? ArchiveMessage.readableID(quote.authorID ?? "")
                let label = [who, quote.quotedAt ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
                if let id = quote.messageID,
                   let url = links.quoted(account: message.account, conversation: quote.conversationID ?? message.conversationID,
                                          messageID: id) {
                    html.element("a", [.href(url)], text: label.isEmpty ? "quoted message" : label)
                } else {
                    html.text(label)
                }
            }
            html.element("p", text: quote.text ?? "")
        }
    }

    private func render(_ attachment: ArchiveMessage.Attachment, of message: ArchiveMessage, into html: inout HTML) {
        let name = attachment.name.flatMap { $0.isEmpty ? nil : $0 } ?? "attachment"
        let kind = MediaKind(contentType: attachment.contentType, fileName: attachment.archiveEntry ?? attachment.name)
        let original = attachment.hasOriginal ? links.media(account: message.account, attachment: attachment, variant: "original") : nil
        let thumbnail = attachment.hasThumbnail ? links.media(account: message.account, attachment: attachment, variant: "thumbnail") : nil
        html.element("figure", [.class("attachment")]) { html in
            switch (kind, original) {
            case (.image, let url?):
                html.element("a", [.href(url)]) { html in
                    html.void("img", [.src(thumbnail ?? url), .init("alt", name), .init("loading", "lazy")])
                }
            case (.video, let url?):
                html.element("video", [.src(url), .flag("controls"), .init("preload", "metadata")]) { $0.text(name) }
            case (.audio, let url?):
                html.element("audio", [.src(url), .flag("controls"), .init("preload", "none")]) { $0.text(name) }
            default:
                if original == nil, kind == .image, let thumbnail {
                    html.void("img", [.src(thumbnail), .init("alt", name), .init("loading", "lazy")])
                }
            }
            html.element("figcaption") { html in
                if let original {
                    html.element("a", [.href(original), .init("download", name)], text: name)
                } else {
                    html.text(name)
                    html.element("span", [.class("quiet")], text: " (not in the archive)")
                }
                if let size = attachment.sizeBytes, size > 0 { html.element("span", [.class("size")], text: " " + Self.size(size)) }
            }
        }
    }

    private func reactions(_ reactions: [ArchiveMessage.Reaction], into html: inout HTML) {
        var order: [String] = []
        var people: [String: [String]] = [:]
        for reaction in reactions {
            if people[reaction.reaction] == nil { order.append(reaction.reaction) }
            people[reaction.reaction, default: []].append(ArchiveMessage.readableID(reaction.user))
        }
        html.element("ul", [.class("reactions")]) { html in
            for reaction in order {
                let who = people[reaction] ?? []
                html.element("li", [.title(who.joined(separator: ", "))]) { html in
                    html.element("span", [.class("reaction")], text: reaction)
                    html.text(" " + who.joined(separator: ", "))
                }
            }
        }
    }

    /// A byte count as people read it: `820 B`, `14 KB`, `3.5 MB`.
    package static func size(_ bytes: Int64) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        if bytes < 1_000_000 { return "\(bytes / 1000) KB" }
        let tenths = bytes / 100_000
        return tenths >= 1000 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
    }
}
