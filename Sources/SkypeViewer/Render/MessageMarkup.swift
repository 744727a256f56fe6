import SkypeExport

/// A chat message's `content` (Skype's HTML-ish markup) as safe HTML: bold, italic, strike,
/// underline and preformatted text kept; links kept only for `http`, `https` and `mailto` and
/// always with `rel="noopener noreferrer nofollow"`; mentions as `@Name`; emoticons as their
/// text. Every other tag is dropped and its text kept; quotes (shown from the `quotes` table)
/// and edit markers are left out. Text is escaped by ``HTML``, so nothing in the content can
/// become markup.
package enum MessageMarkup {
    /// What the content's own elements become.
    private enum Kept {
        case strong, em, strike, underline, pre, code, link, mention, emoticon
    }

    /// Renders `content`; `skipQuotes` leaves out `<quote>` elements (when the quotes table holds them).
    package static func render(_ content: String, skipQuotes: Bool, into html: inout HTML) {
        if content.isEmpty { return }
        // Plain text (most messages) is one text token: escape it without tokenizing.
        if !content.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) {
            html.text(content)
            return
        }
        var bytes = Array(content.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            render(MarkupScanner.tokens(UnsafeBufferPointer(buffer)), skipQuotes: skipQuotes, into: &html)
        }
    }

    private static func render(_ tokens: [MarkupScanner.Token], skipQuotes: Bool, into html: inout HTML) {
        var open: [Kept] = []
        // Elements whose whole content is left out (quotes, legacy quote prefixes, edit markers, objects).
        var skippedName: String?
        var skippedDepth = 0
        var mentionHasText = false
        for token in tokens {
            if let name = skippedName {
                switch token {
                case .start(name, _, let selfClosing) where !selfClosing: skippedDepth += 1
                case .end(name):
                    skippedDepth -= 1
                    if skippedDepth == 0 { skippedName = nil }
                default: break
                }
                continue
            }
            switch token {
            case .text(let text):
                if open.last == .mention { mentionHasText = mentionHasText || !text.isEmpty }
                html.text(text)
            case .start(let name, let attributes, let selfClosing):
                if Self.skipped(name, skipQuotes: skipQuotes) {
                    if !selfClosing {
                        skippedName = name
                        skippedDepth = 1
                    }
                    continue
                }
                if name == "br" {
                    html.void("br")
                    continue
                }
                guard !selfClosing, let kept = start(name, attributes, open: open, into: &html) else { continue }
                if kept == .mention { mentionHasText = false }
                open.append(kept)
            case .end(let name):
                guard let kept = keptElement(name), let position = open.lastIndex(of: kept) else { continue }
                while open.count > position {
                    let closing = open.removeLast()
                    if closing == .mention && !mentionHasText { html.text("everyone") }
                    close(closing, into: &html)
                }
            }
        }
        while let closing = open.popLast() { close(closing, into: &html) }
    }

    private static func skipped(_ name: String, skipQuotes: Bool) -> Bool {
        switch name {
        case "quote": skipQuotes
        case "legacyquote", "e_m", "uriobject", "partlist", "contacts", "script", "style", "title", "head": true
        default: false
        }
    }

    private static func keptElement(_ name: String) -> Kept? {
        switch name {
        case "b", "strong": .strong
        case "i", "em": .em
        case "s", "strike", "del": .strike
        case "u": .underline
        case "pre": .pre
        case "code": .code
        case "a": .link
        case "at": .mention
        case "ss": .emoticon
        default: nil
        }
    }

    /// Opens the element for a start tag, or returns nil to drop the tag (keeping its text).
    private static func start(_ name: String, _ attributes: [String: String], open: [Kept], into html: inout HTML) -> Kept? {
        guard let kept = keptElement(name) else { return nil }
        switch kept {
        case .strong: html.open("strong")
        case .em: html.open("em")
        case .strike: html.open("s")
        case .underline: html.open("u")
        case .pre: html.open("pre")
        case .code: html.open("code")
        case .link:
            // A link inside a link, or one whose scheme is not allowed, is its text only.
            guard !open.contains(.link), let url = attributes["href"].flatMap(SafeURL.external) else { return nil }
            html.open("a", [.href(url), .init("rel", "noopener noreferrer nofollow")])
        case .mention:
            html.open("span", [.class("mention"), .title(ArchiveMessage.readableID(attributes["id"] ?? ""))])
            html.text("@")
        case .emoticon:
            html.open("span", [.class("emoticon"), .title(attributes["type"] ?? "")])
        }
        return kept
    }

    private static func close(_ kept: Kept, into html: inout HTML) {
        switch kept {
        case .strong: html.close("strong")
        case .em: html.close("em")
        case .strike: html.close("s")
        case .underline: html.close("u")
        case .pre: html.close("pre")
        case .code: html.close("code")
        case .link: html.close("a")
        case .mention, .emoticon: html.close("span")
        }
    }
}
