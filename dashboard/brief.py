"""Briefings: one printable HTML page per view (/brief/<page>?<view query>) and its PDF, printed by headless Chromium.

The page shows every chart the view's page draws (plotly.js, served from the installed plotly package),
their sentences and data tables, the filters applied, the snapshot id and checksums, the sources and
their licences, and a link that reproduces the view. `ogdash brief` and /brief/<page>/pdf print it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, Response, abort, request, send_file

from dashboard import charts, components, data, i18n, playlists, state as state_mod
from dashboard.i18n import N_, _

PAGES = {"overview": "/", "commitments": "/commitments", "datasets": "/datasets", "training": "/training"}
STATIC = {"brief.js": "application/javascript", "brief.css": "text/css", "plotly.min.js": "application/javascript"}
CHROMIUM = Path(os.environ.get("OGDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FILTER_LABELS = (("jurisdictions", N_("Jurisdiction")), ("levels", N_("Level")), ("cycles", N_("Action-plan cycle")),
                 ("statuses", N_("Status")))


def page_name(path: str) -> str | None:
    """Return the briefing name of a dashboard page path ('/' -> 'overview'), or None for a page without one."""
    return next((name for name, p in PAGES.items() if p == (path.rstrip("/") or "/")), None)


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def static_path(name: str) -> Path:
    return plotly_js() if name == "plotly.min.js" else Path(__file__).resolve().parent / "static" / name


def charts_of(path: str, view: state_mod.ViewState) -> list[str]:
    """Return the ids of the charts the page at `path` draws for `view`, in page order."""
    import dash

    entry = next((p for p in dash.page_registry.values() if p["path"] == path), None)
    found: list[str] = []

    def walk(node) -> None:
        ident = getattr(node, "id", None)
        if isinstance(ident, dict) and ident.get("type") == "chart-state" and ident.get("chart") in charts.REGISTRY:
            if ident["chart"] not in found and not charts.REGISTRY[ident["chart"]].keyed:
                found.append(ident["chart"])
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if child is not None and not isinstance(child, (str, int, float)):
                walk(child)

    if entry is not None and callable(entry.get("layout")):
        walk(entry["layout"](**dict(parse_qsl(view.to_query().lstrip("?")))))
    prefix = playlists.PAGE_PREFIX.get(path, "\0")
    return found or [c for c, spec in charts.REGISTRY.items() if c.startswith(prefix) and not spec.keyed]


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _json_script(ident: str, payload: dict) -> str:
    text = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{_e(ident)}">{text}</script>'


def _filters(view: state_mod.ViewState, lang: str) -> list[tuple[str, str]]:
    applied = [(_(label, lang), ", ".join(getattr(view, field))) for field, label in FILTER_LABELS
               if getattr(view, field)]
    if view.date_from or view.date_to:
        applied.append((_("Period", lang), f"{i18n.fmt_date(view.date_from, lang)} – {i18n.fmt_date(view.date_to, lang)}"))
    if view.q:
        applied.append((_("Search", lang), view.q))
    return applied


def _licences(lang: str) -> dict[str, str]:
    module = sys.modules.get("pages.data_page")
    return {kind: _(licence, lang) for kind, _what, licence, _url in getattr(module, "SOURCE_KINDS", ())}


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th scope=col>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</tbody></table>"


def brief_html(name: str, search: str, *, base_url: str = "") -> str:
    """Return the briefing of page `name` for the view in `search` as a standalone HTML document."""
    path = PAGES[name]
    view = state_mod.parse(search)
    lang = view.lang
    snapshot = data.get_snapshot(view.snapshot) if view.snapshot else data.current_snapshot()
    page_title = _(dict(components.NAV).get(path, name), lang)
    link = f"{base_url.rstrip('/')}{path}{view.to_query()}"
    now = dt.datetime.now(dt.timezone.utc)
    sections = []
    for number, chart_id in enumerate(charts_of(path, view), start=1):
        chart, _view, rows = charts.rows_for(chart_id, view.to_query())
        fig, sentence, _table_component, caption, _badge = charts.render(chart_id, view.to_query())
        fig.update_layout(width=None, height=380, autosize=True)
        columns = [c for c in chart.columns if c in rows.columns] or list(rows.columns)
        body = [[charts._cell(v, lang) for v in rec]  # the same cell formatting as the dashboard's data tables
                for rec in rows[columns].head(charts.MAX_TABLE_ROWS).itertuples(index=False, name=None)]
        more = (f"<p class=note>{_e(_('First {n} of {total} rows; the CSV has them all.', lang, n=charts.MAX_TABLE_ROWS, total=i18n.fmt_int(len(rows), lang)))}</p>"
                if len(rows) > charts.MAX_TABLE_ROWS else "")
        config = {"staticPlot": True, "displayModeBar": False, **i18n.plotly_locale(lang)}
        sections.append(
            f'<section class="chart" id="chart-{_e(chart_id)}"><h2>{_e(_(chart.title, lang))}</h2>'
            f'<p class="sentence">{_e(sentence)}</p>'
            f'<div class="plot" data-figure="figure-{number}"></div>'
            + _json_script(f"figure-{number}", {"figure": json.loads(fig.to_json()), "config": config})
            + f'<p class="caption">{_e(caption)}</p>'
            + (_table([_(chart.columns.get(c, c), lang) for c in columns], body, "data") if len(rows) else "")
            + more + "</section>")
    filters = _filters(view, lang)
    colon = "\u00a0:" if lang == "fr" else ":"  # French sets a space before the colon
    filter_html = ("<ul class=filters>" + "".join(f"<li><b>{_e(k)}{colon}</b> {_e(v)}</li>" for k, v in filters) + "</ul>"
                   if filters else f"<p>{_e(_('No filters: everything in the snapshot.', lang))}</p>")
    licences = _licences(lang)
    sources = [[s.get("name", "?"), s.get("kind", "?"), licences.get(s.get("kind"), "–"),
                i18n.fmt_date(s.get("retrieved_at"), lang), i18n.fmt_int(sum(s.get("rows", {}).values()), lang)]
               for s in snapshot.manifest.get("sources", [])]
    checksums = [[table, meta.get("file", ""), i18n.fmt_int(meta.get("rows", 0), lang), meta.get("sha256", "")]
                 for table, meta in snapshot.manifest.get("tables", {}).items()]
    title = _("Briefing: {page}", lang, page=page_title)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)} · {_e(snapshot.id)}</title>
<meta name="ogdash-snapshot" content="{_e(snapshot.id)}">
<link rel="stylesheet" href="/brief/static/brief.css">
<script src="/brief/static/plotly.min.js"></script><script src="/brief/static/brief.js" defer></script></head>
<body data-ready="0" data-snapshot="{_e(snapshot.id)}">
<header><p class="kicker">{_e(_("Open Government Monitor", lang))}</p><h1>{_e(title)}</h1>
<p>{_e(_("Generated {date}", lang, date=i18n.fmt_date(now, lang)))} · {_e(_("Snapshot {id}", lang, id=snapshot.id))} · {_e(_("Data as of {date}", lang, date=i18n.fmt_date(snapshot.created_at, lang)))}</p>
<h2 class="small">{_e(_("Filters", lang))}</h2>{filter_html}
<p>{_e(_("Reproduce this view:", lang))} <a href="{_e(link)}">{_e(link)}</a></p></header>
<main>{"".join(sections) or f"<p>{_e(_('This page draws no charts.', lang))}</p>"}</main>
<section class="provenance"><h2>{_e(_("Sources and licences", lang))}</h2>
{_table([_("Source", lang), _("Kind", lang), _("Licence or terms", lang), _("Retrieved", lang), _("Rows", lang)], sources)}
<h2>{_e(_("Snapshot {id}: tables and SHA-256 checksums", lang, id=snapshot.id))}</h2>
{_table([_("Table", lang), _("File", lang), _("Rows", lang), "SHA-256"], checksums, "checksums")}
</section></body></html>"""


# ---------------------------------------------------------------- printing

def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def print_pdf(url: str, out: Path, *, timeout_ms: int = 120_000) -> Path:
    """Print the briefing page at `url` to the PDF `out` with headless Chromium; return `out`."""
    from playwright.sync_api import sync_playwright

    out = Path(out)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(url, timeout=timeout_ms)
            page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=timeout_ms)
            footer = (f'<div style="font-size:8px;width:100%;text-align:center;color:#444">'
                      f'{_e(page.title())} · <span class="pageNumber"></span>/<span class="totalPages"></span></div>')
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer,
                     margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return out


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def temporary_server(data_dir: Path | None = None) -> Iterator[str]:
    """Serve the dashboard in this process on 127.0.0.1 and a free port until the block ends; yield its URL."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    app = create_app(data_dir)
    app.server.config["BRIEF_BASE_URL"] = os.environ.get("OGDASH_PUBLIC_URL", "")  # this server goes away: link by path
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def brief_url(base: str, view_url: str, lang: str | None) -> str:
    """Return the /brief URL on `base` for the dashboard view `view_url` (a path or full URL), in `lang`."""
    parts = urlsplit(view_url)
    name = page_name(parts.path or "/")
    if name is None:
        raise ValueError(f"{parts.path!r} has no briefing; pages with one: "
                         + ", ".join(PAGES.values()))
    view = state_mod.parse(parts.query)
    if lang:
        view = state_mod.parse(view.to_query(lang=lang))
    return f"{base.rstrip('/')}/brief/{name}{view.to_query()}"


def generate(view_url: str, out: Path, *, lang: str | None = None, data_dir: Path | None = None) -> Path:
    """Print the briefing of `view_url` to `out`, from the server in the URL if it answers, else a temporary one."""
    parts = urlsplit(view_url)
    if parts.scheme in ("http", "https") and parts.netloc and _answers(f"{parts.scheme}://{parts.netloc}/healthz"):
        return print_pdf(brief_url(f"{parts.scheme}://{parts.netloc}", view_url, lang), out)
    with temporary_server(data_dir) as base:
        return print_pdf(brief_url(base, view_url, lang), out)


# ---------------------------------------------------------------- routes

def register(server: Flask) -> None:
    """Add /brief/<page> (the HTML briefing), /brief/<page>/pdf (its PDF) and /brief/static/<file>."""

    @server.get("/brief/static/<name>")
    def brief_static(name: str):
        if name not in STATIC:
            abort(404)
        return send_file(static_path(name), mimetype=STATIC[name], max_age=3600)

    @server.get("/brief/<name>")
    def brief_page(name: str):
        if name not in PAGES:
            abort(404)
        try:
            base = server.config.get("BRIEF_BASE_URL", os.environ.get("OGDASH_PUBLIC_URL") or request.host_url)
            body = brief_html(name, request.query_string.decode("utf-8", "replace"), base_url=base)
        except data.NoSnapshot:
            abort(503)
        return Response(body, mimetype="text/html")

    @server.get("/brief/<name>/pdf")
    def brief_pdf(name: str):
        if name not in PAGES:
            abort(404)
        search = request.query_string.decode("utf-8", "replace")
        view = state_mod.parse(search)
        snapshot = view.snapshot or data.current_snapshot().id
        with tempfile.TemporaryDirectory() as tmp:
            out = print_pdf(f"{request.host_url.rstrip('/')}/brief/{name}{view.to_query()}", Path(tmp) / "brief.pdf")
            body = out.read_bytes()
        filename = f"briefing_{name}_{view.lang}_{snapshot}.pdf"
        return Response(body, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
