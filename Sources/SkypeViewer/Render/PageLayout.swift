/// The frame of every page: doctype, head (title, the stylesheet, no script), the top bar with
/// the conversation list, the search form and the loads, and the page's content.
package struct PageLayout: Sendable {
    package let links: any ArchiveLinks
    /// The search form and the loads link exist only where a server answers them.
    package let isServed: Bool

    package init(links: any ArchiveLinks, isServed: Bool) {
        self.links = links
        self.isServed = isServed
    }

    package func page(title: String, searchText: String = "", _ content: (inout HTML) -> Void) -> HTML {
        var html = HTML()
        html.raw("<!DOCTYPE html>\n")
        html.element("html", [.init("lang", "en")]) { html in
            html.element("head") { html in
                html.void("meta", [.init("charset", "utf-8")])
                html.void("meta", [.init("name", "viewport"), .init("content", "width=device-width, initial-scale=1")])
                html.void("meta", [.init("name", "referrer"), .init("content", "no-referrer")])
                html.element("title", text: title + " · Skype archive")
                html.void("link", [.init("rel", "stylesheet"), .href(links.stylesheet)])
            }
            html.element("body") { html in
                html.element("nav", [.class("top")]) { html in
                    html.element("a", [.href(links.home), .class("home")], text: "Conversations")
                    if isServed {
                        html.element("form", [.class("search"), .action(.local("/search")), .init("method", "get"),
                                              .init("role", "search")]) { html in
                            html.void("input", [.init("type", "search"), .init("name", "q"), .init("value", searchText),
                                                .init("placeholder", "Search messages"), .init("aria-label", "Search messages"),
                                                .init("maxlength", String(SearchRequest.maximumQueryBytes))])
                            html.element("button", [.init("type", "submit")], text: "Search")
                        }
                        html.element("a", [.href(.local("/loads")), .class("loads")], text: "Loads")
                    }
                }
                html.element("main") { html in content(&html) }
            }
        }
        return html
    }
}
