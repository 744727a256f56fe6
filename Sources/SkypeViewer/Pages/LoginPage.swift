/// The sign-in form of a viewer started with `--auth-token-file`: the token, once, sets a
/// cookie (a browser cannot send a bearer header by itself).
package struct LoginPage: Sendable {
    package var failed: Bool

    package init(failed: Bool) {
        self.failed = failed
    }

    package func render(in layout: PageLayout) -> HTML {
        layout.page(title: "Sign in") { html in
            html.element("h1", text: "Sign in")
            if failed { html.element("p", [.class("error")], text: "That token is not the viewer's.") }
            html.element("form", [.action(.local("/login")), .init("method", "post"), .class("filters")]) { html in
                html.element("label") { html in
                    html.text("Access token")
                    html.void("input", [.init("type", "password"), .init("name", "token"), .flag("required"),
                                        .init("autocomplete", "current-password"), .init("maxlength", "1024")])
                }
                html.element("button", [.init("type", "submit")], text: "Sign in")
            }
        }
    }
}
