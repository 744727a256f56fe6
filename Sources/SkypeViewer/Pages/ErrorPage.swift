/// A page for a request that could not be answered: what happened and what to do.
package struct ErrorPage: Sendable {
    package var error: ViewerError

    package init(error: ViewerError) {
        self.error = error
    }

    package func render(in layout: PageLayout) -> HTML {
        layout.page(title: title) { html in
            html.element("h1", text: title)
            html.element("div", [.class("error")]) { html in
                html.element("p", text: Self.sentence(error.message.prefix(1).uppercased() + error.message.dropFirst()))
                if let hint = error.hint { html.element("p", [.class("quiet")], text: Self.sentence(hint)) }
            }
        }
    }

    private var title: String {
        switch error.code {
        case .badRequest: "Bad request"
        case .notFound: "Not found"
        case .unauthorized: "Sign in"
        case .unavailable, .busy: "Archive unavailable"
        case .timeout: "Too slow"
        case .methodNotAllowed: "Not allowed"
        case .tooLarge: "Request too large"
        case .misdirected: "Wrong address"
        default: "Something went wrong"
        }
    }

    /// A full stop after the text, unless libpq's message already ends one ("connections?").
    private static func sentence(_ text: String) -> String {
        text.last.map { ".?!".contains($0) } == true ? text : text + "."
    }
}
