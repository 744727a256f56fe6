/// `/search`: the filters, then each hit with its conversation, time, sender and highlighted
/// snippet, linking to the message in its conversation.
package struct SearchPage: Sendable {
    package var request: SearchRequest
    package var hits: [SearchHit]
    /// The conversations and accounts the filters offer.
    package var accounts: [ArchiveAccount]
    /// The error to show instead of hits (an empty or malformed search).
    package var problem: ViewerError?

    package init(request: SearchRequest, hits: [SearchHit], accounts: [ArchiveAccount], problem: ViewerError? = nil) {
        self.request = request
        self.hits = hits
        self.accounts = accounts
        self.problem = problem
    }

    package func render(in layout: PageLayout) -> HTML {
        layout.page(title: request.query.isEmpty ? "Search" : "Search: \(request.query)", searchText: request.query) { html in
            html.element("h1", text: "Search")
            filters(into: &html)
            if let problem {
                html.element("p", [.class("error")], text: problem.description)
                return
            }
            if request.query.isEmpty { return }
            html.element("p", [.class("quiet")], text: hits.isEmpty ? "No message matches."
                         : hits.count == request.limit ? "The first \(hits.count) messages that match." : "\(hits.count) messages match.")
            html.element("ol", [.class("hits")]) { html in
                for hit in hits { render(hit, links: layout.links, into: &html) }
            }
            if request.order == .newest, hits.count == request.limit, let last = hits.last {
                html.element("p", [.class("pager")]) { html in
                    html.element("a", [.href(.local("/search", query(before: last.cursor)))], text: "Older matches")
                }
            }
        }
    }

    /// The request's parameters, for the link to the next page.
    private func query(before: MessageCursor) -> [(String, String)] {
        var items: [(String, String)] = [("q", request.query), ("order", request.order.rawValue)]
        for (name, value) in [("conversation", request.conversation), ("from", request.sender), ("account", request.account),
                              ("since", request.since), ("until", request.until)] {
            if let value { items.append((name, value)) }
        }
        items.append(("before", before.token))
        return items
    }

    private func render(_ hit: SearchHit, links: any ArchiveLinks, into html: inout HTML) {
        html.element("li") { html in
            html.element("div", [.class("meta")]) { html in
                html.element("a", [.href(links.conversation(account: hit.account, id: hit.conversationID, window: .around(hit.cursor)))],
                             text: hit.conversationTitle)
                html.text(" · " + hit.localTime + " · ")
                html.element("span", [.class("sender")], text: hit.senderLabel)
            }
            html.element("p") { html in
                for part in hit.snippet {
                    if part.isMatch { html.element("mark", text: part.text) } else { html.text(part.text) }
                }
            }
        }
    }

    private func filters(into html: inout HTML) {
        html.element("form", [.class("filters"), .action(.local("/search")), .init("method", "get")]) { html in
            field("Words", "q", request.query, type: "search", into: &html)
            field("Sender", "from", request.sender ?? "", into: &html)
            field("Conversation id", "conversation", request.conversation ?? "", into: &html)
            if accounts.count > 1 {
                html.element("label") { html in
                    html.text("Account")
                    html.element("select", [.init("name", "account")]) { html in
                        html.element("option", [.init("value", "")], text: "all")
                        for account in accounts {
                            var attributes: [HTML.Attribute] = [.init("value", account.id)]
                            if account.id == request.account { attributes.append(.flag("selected")) }
                            html.element("option", attributes, text: account.id.isEmpty ? "(no owner)" : account.id)
                        }
                    }
                }
            }
            field("Since", "since", request.since ?? "", type: "date", into: &html)
            field("Until", "until", request.until ?? "", type: "date", into: &html)
            html.element("label") { html in
                html.text("Order")
                html.element("select", [.init("name", "order")]) { html in
                    for order in SearchRequest.Order.allCases {
                        var attributes: [HTML.Attribute] = [.init("value", order.rawValue)]
                        if order == request.order { attributes.append(.flag("selected")) }
                        html.element("option", attributes, text: order == .rank ? "best match" : "newest first")
                    }
                }
            }
            html.element("button", [.init("type", "submit")], text: "Search")
        }
    }

    private func field(_ label: String, _ name: String, _ value: String, type: String = "text", into html: inout HTML) {
        html.element("label") { html in
            html.text(label)
            html.void("input", [.init("type", type), .init("name", name), .init("value", value), .init("maxlength", "512")])
        }
    }
}
