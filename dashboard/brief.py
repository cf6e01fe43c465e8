"""Briefings: one printable HTML page per view (/brief/<page>?<view query>) and its PDF, printed by headless Chromium.

The page shows every chart the view's page draws (plotly.js, served from the installed plotly package),
their sentences and data tables, the filters applied, the snapshot id and checksums, the sources and
their licences, and a link that reproduces the view. `ogdash brief` and /brief/<page>/pdf print it.

Printing drives the system's own Chromium through Playwright (dashboard/chromium.py; no browser is ever
downloaded). Where no Chromium is found, the header offers no briefing button and `ogdash brief`
(dashboard/printing.py) says what to install. The server prints from its own address, given by
`ogdash serve` or by $OGDASH_PRINT_URL, never from the Host a request names.

What the PDF route enforces (requests are not trusted, nor is the content of the sources):
- its Chromium loads only the origin it prints from: every other request, a redirect elsewhere, a
  WebSocket and a service worker are refused by Playwright's request interception (chromium.print_pdf);
- at most PRINT_SLOTS briefings print at once per server (all its workers); another request is
  answered 503 with Retry-After at once, so PDFs never hold every worker's threads;
- a print stops after PRINT_TIMEOUT_MS, whatever the page does;
- JSON written into the page is escaped (html_json) and data in chart labels is plain text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

import dash
import flask
import plotly
from flask import Flask, Response, abort, request, send_file

from dashboard import charts, config, data, i18n, sitemap, state as state_mod
from dashboard.chromium import PRINT_SLOTS, print_pdf, print_problem, print_slot
from dashboard.i18n import N_, _

log = logging.getLogger(__name__)

# The pages with a briefing: name -> path; and pages of one record: name -> (the dashboard path before the
# record's id, the prefix of its keyed charts). Both read from the page registry (dashboard.sitemap).
PAGES = sitemap.BRIEFINGS
RECORD_PAGES = sitemap.RECORD_BRIEFINGS
STATIC = {"brief.js": "application/javascript", "brief.css": "text/css", "plotly.min.js": "application/javascript"}
BUSY_RETRY_AFTER = 15  # seconds a client is asked to wait when every print slot is taken
FILTER_LABELS = (("jurisdictions", N_("Jurisdiction")), ("levels", N_("Level")), ("cycles", N_("Action-plan cycle")),
                 ("statuses", N_("Status")))


def page_name(path: str) -> str | None:
    """Return the briefing name of a dashboard page path ('/' -> 'overview'), or None for a page without one."""
    return next((name for name, p in PAGES.items() if p == (path.rstrip("/") or "/")), None)


def target(path: str) -> tuple[str, str | None] | None:
    """Return (briefing name, record id or None) for a dashboard page path, or None for a page without a briefing."""
    name = page_name(path)
    if name is not None:
        return name, None
    for record, (prefix, _charts) in RECORD_PAGES.items():
        key = unquote(path[len(prefix):].rstrip("/")) if path.startswith(prefix) else ""
        if key and "/" not in key:
            return record, key
    return None


def brief_path(path: str) -> str | None:
    """Return the briefing address of a dashboard page path ('/commitments/X' -> '/brief/commitment/X'), or None."""
    found = target(path)
    if found is None:
        return None
    name, key = found
    return f"/brief/{name}" + (f"/{quote(key, safe='')}" if key is not None else "")


def view_path(name: str, key: str | None = None) -> str:
    """Return the dashboard path a briefing reproduces."""
    return RECORD_PAGES[name][0] + quote(key or "", safe="") if name in RECORD_PAGES else PAGES[name]


# ---------------------------------------------------------------- where this server prints from

def print_base() -> str | None:
    """Return the address the server's Chromium prints briefings from, or None when none is configured.

    It is the app's OGDASH_PRINT_URL setting, else $OGDASH_PRINT_URL (which `ogdash serve` sets to its own
    loopback address unless the operator did): never the request's Host or X-Forwarded-* headers, so a
    forged header cannot point the browser at another service, and a proxy on any port does not matter.
    """
    configured = flask.current_app.config.get("OGDASH_PRINT_URL") if flask.has_app_context() else None
    base = configured or config.print_url()
    return base.rstrip("/") if base else None


def printing_offered() -> bool:
    """Return True when this server can print briefings: a Chromium, Playwright and its own address."""
    return print_base() is not None and print_problem() is None


def plotly_js() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def static_path(name: str) -> Path:
    return plotly_js() if name == "plotly.min.js" else Path(__file__).resolve().parent / "static" / name


def charts_of(path: str, view: state_mod.ViewState) -> list[str]:
    """Return the ids of the charts the page at `path` draws for `view`, in page order."""
    found_target = target(path)
    if found_target and found_target[0] in RECORD_PAGES:  # a record's charts are drawn once its record is read
        prefix = RECORD_PAGES[found_target[0]][1]
        return [c for c, spec in charts.REGISTRY.items() if spec.keyed and c.startswith(prefix)]

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
    prefix = sitemap.CHART_PAGES.get(path, "\0")
    return found or [c for c, spec in charts.REGISTRY.items() if c.startswith(prefix) and not spec.keyed]


def _e(value) -> str:
    return html.escape(str(value), quote=True)


# JSON is plain text inside <script>: only '<' (which can end the element or, with '<!--', make the
# parser overlook its end tag), '>' and '&' need escaping, and U+2028/U+2029 where it is read as code.
_HTML_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                            "\u2029": "\\u2029"})


def html_json(payload) -> str:
    """Return `payload` as JSON that is safe inside an HTML <script> element (or a script file): '<', '>', '&',
    U+2028 and U+2029 escaped as \\u sequences, which every JSON and JavaScript parser reads back unchanged."""
    return json.dumps(payload, ensure_ascii=False).translate(_HTML_JSON)


def _json_script(ident: str, payload: dict) -> str:
    return f'<script type="application/json" id="{_e(ident)}">{html_json(payload)}</script>'


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


def record_exists(name: str, key: str, view: state_mod.ViewState) -> bool:
    """Return True when the record page `name` has a record `key` in the view's snapshot."""
    if name == "commitment":
        return not data.query("commitment_record", snapshot=charts.served_snapshot(view), commitment_id=key).empty
    return False


def brief_html(name: str, search: str, *, base_url: str = "", key: str | None = None) -> str:
    """Return the briefing of page `name` (of record `key` for a record page) for the view in `search` as HTML."""
    path = view_path(name, key)
    view = state_mod.parse(search)
    lang = view.lang
    snapshot = requested_snapshot(view)
    page_title = (_("Commitment {id}", lang, id=key) if name == "commitment"
                  else _(sitemap.title(path) or name, lang))
    link = f"{base_url.rstrip('/')}{path}{view.to_query()}"
    now = dt.datetime.now(dt.timezone.utc)
    sections = []
    for number, chart_id in enumerate(charts_of(path, view), start=1):
        chart, _view, rows = charts.rows_for(chart_id, view.to_query(), key)
        fig, sentence, _table_component, caption, _badge = charts.render(chart_id, view.to_query(), key)
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
<p>{_e(_("Generated {date}", lang, date=i18n.fmt_date(now, lang)))} · {_e(charts.built_text(snapshot, lang))} · {_e(charts.data_as_of_text(snapshot, lang))}</p>
<h2 class="small">{_e(_("Filters", lang))}</h2>{filter_html}
<p>{_e(_("Reproduce this view:", lang))} <a href="{_e(link)}">{_e(link)}</a></p></header>
<main>{"".join(sections) or f"<p>{_e(_('This page draws no charts.', lang))}</p>"}</main>
<section class="provenance"><h2>{_e(_("Sources and licences", lang))}</h2>
{_table([_("Source", lang), _("Kind", lang), _("Licence or terms", lang), _("Retrieved", lang), _("Rows", lang)], sources)}
<h2>{_e(_("Snapshot {id}: tables and SHA-256 checksums", lang, id=snapshot.id))}</h2>
{_table([_("Table", lang), _("File", lang), _("Rows", lang), "SHA-256"], checksums, "checksums")}
</section></body></html>"""


# ---------------------------------------------------------------- routes

def _unavailable(message: str, retry_after: int = 60) -> Response:
    return Response(message + "\n", status=503, mimetype="text/plain", headers={"Retry-After": str(retry_after)})


def _file_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text)[:80]


def requested_snapshot(view: state_mod.ViewState):
    """Return the snapshot a briefing is drawn from: the one its view names, else the served one.

    A named snapshot that is not published, or does not verify, is a 404 (NotFound); no verified snapshot
    at all raises data.NoSnapshot.
    """
    if not view.snapshot:
        return data.current_snapshot()
    if view.snapshot not in data.available_snapshots():
        abort(404)
    try:
        return data.get_snapshot(view.snapshot)
    except data.QueryError:
        abort(404)


def register(server: Flask) -> None:
    """Add /brief/<page> (the HTML briefing), /brief/<page>/pdf (its PDF), the same under /brief/commitment/<id>,
    and /brief/static/<file>."""

    @server.get("/brief/static/<name>")
    def brief_static(name: str):
        if name not in STATIC:
            abort(404)
        return send_file(static_path(name), mimetype=STATIC[name], max_age=3600)

    def known(name: str, key: str | None) -> None:
        if (key is None and name not in PAGES) or (key is not None and name not in RECORD_PAGES):
            abort(404)

    @server.get("/brief/<name>")
    @server.get("/brief/<name>/<key>")
    def brief_page(name: str, key: str | None = None):
        known(name, key)
        search = request.query_string.decode("utf-8", "replace")
        # The link that reproduces the view: the configured public address, else a path; never the request's Host.
        base = server.config.get("OGDASH_PUBLIC_URL") or config.public_url()
        try:
            view = state_mod.parse(search)
            requested_snapshot(view)
            if key is not None and not record_exists(name, key, view):
                abort(404)
            body = brief_html(name, search, base_url=base, key=key)
        except data.NoSnapshot:
            abort(503)
        return Response(body, mimetype="text/html")

    @server.get("/brief/<name>/pdf")
    @server.get("/brief/<name>/<key>/pdf")
    def brief_pdf(name: str, key: str | None = None):
        known(name, key)
        view = state_mod.parse(request.query_string.decode("utf-8", "replace"))
        lang = view.lang
        base, problem = print_base(), print_problem()
        if problem or base is None:
            log.warning("briefing PDF refused: %s", problem or "no print address (set OGDASH_PRINT_URL)")
            return _unavailable(_("This server cannot print briefings: it has no Chromium browser to print with.",
                                  lang))
        try:
            snapshot = requested_snapshot(view).id
            if key is not None and not record_exists(name, key, view):
                abort(404)
        except data.NoSnapshot:
            abort(503)
        url = f"{base}{brief_path(view_path(name, key))}{view.to_query()}"
        with print_slot(base) as held:
            if not held:  # answered at once: a queue of PDFs would hold every thread of the server
                log.warning("briefing PDF of %s refused: %d already printing", url, PRINT_SLOTS)
                return _unavailable(_("The server is printing other briefings. Try again in a moment.", lang),
                                    BUSY_RETRY_AFTER)
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    body = print_pdf(url, Path(tmp) / "brief.pdf").read_bytes()
            except Exception:  # whatever the browser raised: a briefing that could not print is not a server crash
                log.exception("briefing PDF of %s failed", url)
                return _unavailable(_("The briefing could not be printed. Try again in a moment.", lang))
        filename = f"briefing_{_file_part(name if key is None else f'{name}-{key}')}_{lang}_{_file_part(snapshot)}.pdf"
        return Response(body, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
