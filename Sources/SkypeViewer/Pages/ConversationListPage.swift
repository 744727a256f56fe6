import Foundation

/// `/`: the accounts and their conversations by last activity, filtered by name.
package struct ConversationListPage: Sendable {
    package var accounts: [ArchiveAccount]
    package var conversations: [ConversationSummary]
    package var filter: String = ""
    package var account: String?
    /// The cursor of the next page, when there is one.
    package var nextCursor: String?
    /// Where each conversation links: the server's page, or an exported folder.
    package var conversationLink: @Sendable (ConversationSummary) -> SafeURL

    package init(accounts: [ArchiveAccount], conversations: [ConversationSummary],
                 conversationLink: @escaping @Sendable (ConversationSummary) -> SafeURL) {
        self.accounts = accounts
        self.conversations = conversations
        self.conversationLink = conversationLink
    }

    package func render(in layout: PageLayout) -> HTML {
        layout.page(title: "Conversations") { html in
            html.element("h1", text: "Conversations")
            if accounts.count > 1 || layout.isServed { accountList(layout, into: &html) }
            if layout.isServed { filterForm(into: &html) }
            if conversations.isEmpty {
                html.element("p", [.class("quiet")], text: filter.isEmpty ? "The archive holds no conversations yet."
                                                                          : "No conversation matches \u{201C}\(filter)\u{201D}.")
                return
            }
            table(showAccount: accounts.count > 1, into: &html)
            if let nextCursor {
                var query: [(String, String)] = [("after", nextCursor)]
                if !filter.isEmpty { query.append(("filter", filter)) }
                if let account { query.append(("account", account)) }
                html.element("p", [.class("pager")]) { html in
                    html.element("a", [.href(.local("/", query))], text: "More conversations")
                }
            }
        }
    }

    private func accountList(_ layout: PageLayout, into html: inout HTML) {
        html.element("p", [.class("accounts")]) { html in
            html.text(accounts.count == 1 ? "Account: " : "Accounts: ")
            for (index, item) in accounts.enumerated() {
                if index > 0 { html.text(" · ") }
                let label = item.id.isEmpty ? "(no owner)" : ArchiveMessage.readableID(item.id)
                if layout.isServed {
                    html.element("a", [.href(.local("/", [("account", item.id)]))], text: label)
                } else {
                    html.text(label)
                }
                html.element("span", [.class("quiet")],
                             text: " (\(item.conversations) conversations, \(item.messages) messages)")
            }
        }
    }

    private func filterForm(into html: inout HTML) {
        html.element("form", [.class("filters"), .action(.local("/")), .init("method", "get")]) { html in
            html.element("label") { html in
                html.text("Name")
                html.void("input", [.init("type", "text"), .init("name", "filter"), .init("value", filter), .init("maxlength", "200")])
            }
            if let account { html.void("input", [.init("type", "hidden"), .init("name", "account"), .init("value", account)]) }
            html.element("button", [.init("type", "submit")], text: "Filter")
            if !filter.isEmpty || account != nil { html.element("a", [.href(.local("/"))], text: "All") }
        }
    }

    private func table(showAccount: Bool, into html: inout HTML) {
        html.element("table", [.class("conversations")]) { html in
            html.element("thead") { html in
                html.element("tr") { html in
                    html.element("th", text: "Conversation")
                    html.element("th", text: "Kind")
                    if showAccount { html.element("th", text: "Account") }
                    html.element("th", text: "Participants")
                    html.element("th", [.class("number")], text: "Messages")
                    html.element("th", text: "First")
                    html.element("th", text: "Last")
                }
            }
            html.element("tbody") { html in
                for conversation in conversations { row(conversation, showAccount: showAccount, into: &html) }
            }
        }
    }

    private func row(_ conversation: ConversationSummary, showAccount: Bool, into html: inout HTML) {
        html.element("tr") { html in
            html.element("td", [.class("title")]) { html in
                html.element("a", [.href(conversationLink(conversation)), .title(conversation.id)], text: conversation.title)
            }
            html.element("td", text: conversation.kindLabel)
            if showAccount { html.element("td", text: ArchiveMessage.readableID(conversation.account)) }
            html.element("td") { html in
                html.text(String(conversation.participantCount))
                let names = conversation.participants.map(ArchiveMessage.readableID)
                if !names.isEmpty {
                    let more = conversation.participantCount > names.count + 1 ? ", …" : ""
                    html.element("span", [.class("quiet")], text: ": " + names.joined(separator: ", ") + more)
                }
            }
            html.element("td", [.class("number")], text: String(conversation.messageCount))
            html.element("td", text: conversation.firstMessageAt ?? "")
            html.element("td", text: conversation.lastMessageAt ?? "")
        }
    }
}
