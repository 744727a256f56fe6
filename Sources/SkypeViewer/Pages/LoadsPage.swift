/// `/loads`: every load of the schema, newest first, from `load_runs`.
package struct LoadsPage: Sendable {
    package var loads: [LoadRun]

    package init(loads: [LoadRun]) {
        self.loads = loads
    }

    package func render(in layout: PageLayout) -> HTML {
        layout.page(title: "Loads") { html in
            html.element("h1", text: "Loads")
            if loads.isEmpty {
                html.element("p", [.class("quiet")], text: "No load has run in this schema.")
                return
            }
            html.element("table") { html in
                html.element("thead") { html in
                    html.element("tr") { html in
                        for title in ["Run", "Status", "Started", "Finished", "Export", "Account", "Exported"] { html.element("th", text: title) }
                        for title in ["Inserted", "Replaced", "Rejected"] { html.element("th", [.class("number")], text: title) }
                        html.element("th", text: "Version")
                    }
                }
                html.element("tbody") { html in
                    for load in loads {
                        html.element("tr") { html in
                            html.element("td", [.class("number")], text: String(load.id))
                            html.element("td", text: load.status)
                            html.element("td", text: load.startedAt)
                            html.element("td", text: load.finishedAt ?? "")
                            html.element("td", [.class("title")], text: load.exportPath ?? "")
                            html.element("td", text: load.exportUser.map(ArchiveMessage.readableID) ?? "")
                            html.element("td", text: load.exportDate ?? "")
                            for value in [load.rowsInserted, load.rowsReplaced, load.rejected] {
                                html.element("td", [.class("number")], text: value.map(String.init) ?? "")
                            }
                            html.element("td", text: load.toolVersion ?? "")
                        }
                    }
                }
            }
        }
    }
}
