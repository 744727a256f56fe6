import Foundation

/// A conversation's messages, one page of them, with the way to older and newer pages.
package struct ConversationPage: Sendable {
    /// The links around the page: nil where there is nothing to go to.
    package struct Navigation: Sendable {
        package var oldest: SafeURL?
        package var older: SafeURL?
        package var newer: SafeURL?
        package var newest: SafeURL?
        /// A list of the conversation's pages (the exported archive's).
        package var pages: SafeURL?
        /// Whether the page offers the "jump to a date" form (only a server can answer it).
        package var dateForm: Bool

        package init(oldest: SafeURL? = nil, older: SafeURL? = nil, newer: SafeURL? = nil, newest: SafeURL? = nil,
                     pages: SafeURL? = nil, dateForm: Bool) {
            self.oldest = oldest
            self.older = older
            self.newer = newer
            self.newest = newest
            self.pages = pages
            self.dateForm = dateForm
        }
    }

    package var conversation: ConversationSummary
    package var messages: [ArchiveMessage]
    package var navigation: Navigation
    /// The message a permalink asked for, marked on the page.
    package var marked: MessageCursor?
    package var date: String = ""

    package init(conversation: ConversationSummary, messages: [ArchiveMessage], navigation: Navigation) {
        self.conversation = conversation
        self.messages = messages
        self.navigation = navigation
    }

    package func render(in layout: PageLayout) -> HTML {
        let renderer = MessageRenderer(links: layout.links)
        return layout.page(title: conversation.title) { html in
            html.element("h1", [.title(conversation.id)], text: conversation.title)
            html.element("p", [.class("quiet")], text: summary)
            pager(into: &html)
            if messages.isEmpty { html.element("p", [.class("quiet")], text: "No messages.") }
            var day = ""
            html.element("section", [.class("messages")]) { html in
                for message in messages {
                    if message.localDate != day {
                        day = message.localDate
                        html.element("h2", [.class("day")], text: day)
                    }
                    renderer.render(message, marked: message.cursor == marked, into: &html)
                }
            }
            pager(into: &html)
        }
    }

    private var summary: String {
        var parts = [conversation.kindLabel, "\(conversation.messageCount) messages"]
        if let first = conversation.firstMessageAt, let last = conversation.lastMessageAt { parts.append("\(first) to \(last)") }
        if !conversation.account.isEmpty { parts.append("account " + ArchiveMessage.readableID(conversation.account)) }
        return parts.joined(separator: " · ")
    }

    private func pager(into html: inout HTML) {
        html.element("nav", [.class("pager")]) { html in
            link("« Oldest", navigation.oldest, into: &html)
            link("‹ Older", navigation.older, into: &html)
            link("Newer ›", navigation.newer, into: &html)
            link("Newest »", navigation.newest, into: &html)
            if let pages = navigation.pages { html.element("a", [.href(pages)], text: "All pages") }
            if navigation.dateForm {
                html.element("form", [.action(.local("/conversation")), .init("method", "get")]) { html in
                    html.void("input", [.init("type", "hidden"), .init("name", "account"), .init("value", conversation.account)])
                    html.void("input", [.init("type", "hidden"), .init("name", "id"), .init("value", conversation.id)])
                    html.void("input", [.init("type", "date"), .init("name", "date"), .init("value", date),
                                        .init("aria-label", "Jump to a date")])
                    html.element("button", [.init("type", "submit")], text: "Go")
                }
            }
        }
    }

    private func link(_ label: String, _ url: SafeURL?, into html: inout HTML) {
        if let url {
            html.element("a", [.href(url)], text: label)
        } else {
            html.element("span", [.class("quiet")], text: label)
        }
    }
}
