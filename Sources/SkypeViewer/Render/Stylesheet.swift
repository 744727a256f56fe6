/// The viewer's only stylesheet, served as `/static/viewer.css` and written as `style.css` by
/// `export-html`: a file of its own, since the Content-Security-Policy allows no inline style.
package enum Stylesheet {
    package static let css = """
        :root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #0b63c5; --mark: #fde68a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        nav.top { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line);
                  position: sticky; top: 0; background: Canvas; z-index: 1; }
        nav.top form.search { flex: 1; display: flex; gap: .4rem; max-width: 40rem; }
        nav.top input[type=search] { flex: 1; padding: .3rem .5rem; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        a { color: var(--accent); }
        h1 { font-size: 1.4rem; margin: .2rem 0 .6rem; overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        td.title { overflow-wrap: anywhere; }
        .quiet, .muted, .size { color: var(--muted); }
        .pager { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .8rem 0; }
        .pager form { display: flex; gap: .4rem; align-items: center; }
        article.message { padding: .4rem .6rem; border-radius: .4rem; margin: .2rem 0; }
        article.message header { font-size: .85rem; color: var(--muted); }
        article.message header .sender { font-weight: 600; color: CanvasText; }
        article.message header a.time { color: var(--muted); text-decoration: none; }
        article.message header .mark { font-style: italic; }
        article.message .body p { margin: .15rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        article.event .body p { color: var(--muted); font-size: .9rem; }
        article.deleted .body p { font-style: italic; }
        article.marked, article:target { background: color-mix(in srgb, var(--mark) 45%, transparent); }
        .day { margin: 1rem 0 .3rem; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); }
        blockquote.quote { margin: .2rem 0; padding: .2rem .6rem; border-left: 3px solid var(--line); }
        blockquote.quote footer { font-size: .8rem; color: var(--muted); }
        figure.attachment { margin: .3rem 0; }
        figure.attachment img, figure.attachment video { max-width: min(100%, 28rem); max-height: 24rem; display: block; border-radius: .3rem; }
        ul.reactions { list-style: none; padding: 0; margin: .2rem 0; display: flex; flex-wrap: wrap; gap: .4rem; font-size: .8rem; }
        ul.reactions li { border: 1px solid var(--line); border-radius: 1rem; padding: 0 .5rem; }
        .reaction { font-weight: 600; }
        .mention { font-weight: 600; }
        mark { background: var(--mark); color: inherit; }
        ol.hits { list-style: none; padding: 0; }
        ol.hits li { padding: .5rem 0; border-bottom: 1px solid var(--line); }
        ol.hits .meta { font-size: .85rem; color: var(--muted); }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .8rem; }
        form.filters label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
        .error { border: 1px solid #b91c1c; border-radius: .4rem; padding: .8rem 1rem; }
        pre { white-space: pre-wrap; }
        """
}
