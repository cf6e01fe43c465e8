"""Briefings: one printable HTML page per view (/brief/<page>?<view query>) and its PDF, printed by headless Chromium.

The page shows every chart the view's page draws (plotly.js, served from the installed plotly package),
their sentences and data tables, then the page's other sections (register_section: the commitments page's
milestones to follow up); above them the view's provenance (dashboard/provenance.py: the snapshot, the
filters in words, each source with its licence and data date, the view's data date) and a link that
reproduces the view; below them the sources' terms and attributions and the snapshot's checksums. A heatmap
of many rows is printed in panels of HEATMAP_ROWS_PER_PANEL rows. `ogdash brief` and /brief/<page>/pdf print it.

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
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, quote, unquote

import dash
import flask
import plotly
import plotly.graph_objects as go
from flask import Flask, Response, abort, request, send_file

from dashboard import charts, config, data, i18n, provenance, sitemap, state as state_mod
from dashboard.chromium import PRINT_SLOTS, print_pdf, print_problem, print_slot
from dashboard.i18n import _

log = logging.getLogger(__name__)

# The pages with a briefing: name -> path; and pages of one record: name -> (the dashboard path before the
# record's id, the prefix of its keyed charts). Both read from the page registry (dashboard.sitemap).
PAGES = sitemap.BRIEFINGS
RECORD_PAGES = sitemap.RECORD_BRIEFINGS
STATIC = {"brief.js": "application/javascript", "brief.css": "text/css", "plotly.min.js": "application/javascript"}
BUSY_RETRY_AFTER = 15  # seconds a client is asked to wait when every print slot is taken
# A heatmap is printed this many rows to a panel at most, each row this tall (px): the dashboard's 36 px a row
# gives a share and its n room on two lines, and 22 rows with the axis and legend fill most of an A4 page.
# A heatmap of more rows (75 OGP members) is printed in several panels, never squeezed into one plot.
HEATMAP_ROWS_PER_PANEL = 22
HEATMAP_ROW_PX = 36
PLOT_HEIGHT = 380  # px, a plot other than a heatmap


@dataclass(frozen=True)
class Section:
    """A part of a page that is not a chart but belongs in its briefing (e.g. the commitments page's milestones to
    follow up): `parts(view)` returns (sentence, table or empty state, caption, badge) as Dash components, as the
    page's own callback draws them; the briefing writes them as HTML."""

    id: str
    title: str  # an English msgid
    parts: Callable[[state_mod.ViewState], tuple]


# Page path -> its briefing sections besides the charts. A page module declares its own (register_section).
SECTIONS: dict[str, list[Section]] = {}


def register_section(path: str, section: Section) -> Section:
    """Add `section` to the briefing of the page at `path`, after its charts (once per id)."""
    kept = [s for s in SECTIONS.get(path, []) if s.id != section.id]
    SECTIONS[path] = kept + [section]
    return section


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


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th scope=col>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</tbody></table>"


def record_exists(name: str, key: str, view: state_mod.ViewState) -> bool:
    """Return True when the record page `name` has a record `key` in the view's snapshot."""
    if name == "commitment":
        return not data.query("commitment_record", snapshot=charts.served_snapshot(view), commitment_id=key).empty
    return False


def print_panels(fig) -> list:
    """Return the figure as printed: one plot PLOT_HEIGHT px tall, or, for a heatmap, panels of its rows.

    A heatmap of more than HEATMAP_ROWS_PER_PANEL rows is cut into panels of consecutive rows (the same figure,
    each showing a range of its category axis), each HEATMAP_ROW_PX a row: every row keeps the room the
    dashboard gives it, so no cell, label or printed share is squeezed out of sight.
    """
    heatmaps = [t for t in fig.data if t.type == "heatmap" and t.y is not None]
    if not heatmaps:
        fig.update_layout(width=None, height=PLOT_HEIGHT, autosize=True)
        return [fig]
    order = list(fig.layout.yaxis.categoryarray or [])
    for trace in heatmaps:
        order += [y for y in trace.y if y not in order]
    reversed_axis = fig.layout.yaxis.autorange == "reversed"
    margin = fig.layout.margin
    extra = (margin.t if margin.t is not None else 80) + (margin.b if margin.b is not None else 80) + 40
    panels = []
    for start in range(0, max(len(order), 1), HEATMAP_ROWS_PER_PANEL):
        rows = order[start:start + HEATMAP_ROWS_PER_PANEL]
        panel = go.Figure(fig)
        panel.update_layout(width=None, autosize=True, height=max(PLOT_HEIGHT // 2, HEATMAP_ROW_PX * len(rows) + extra))
        if len(order) > HEATMAP_ROWS_PER_PANEL:
            low, high = start - 0.5, start + len(rows) - 0.5
            panel.update_yaxes(range=[high, low] if reversed_axis else [low, high], autorange=False)
        panels.append(panel)
    return panels


# HTML elements a Dash component tree may hold in a briefing: anything else is written as its children alone.
_TAGS = {"a", "abbr", "b", "br", "caption", "code", "div", "em", "i", "li", "ol", "p", "small", "span", "strong",
         "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "time", "sup", "sub"}
_VOID = {"br"}
_ATTRIBUTES = {"className": "class", "scope": "scope", "colSpan": "colspan", "rowSpan": "rowspan", "title": "title",
               "lang": "lang", "dateTime": "datetime"}


def component_html(node, base_url: str = "") -> str:
    """Return a Dash component tree (as a page's callback draws it) as HTML: html.* elements and links, text escaped.

    A dcc.Link or html.A becomes a link to the same address on `base_url`; other components give their children.
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return _e(node)
    if isinstance(node, (list, tuple)):
        return "".join(component_html(child, base_url) for child in node)
    kind = getattr(node, "_type", "")
    children = component_html(getattr(node, "children", None), base_url)
    tag = "a" if kind == "Link" else kind.lower()
    if tag not in _TAGS:
        return children
    attrs = "".join(f' {name}="{_e(getattr(node, prop))}"' for prop, name in _ATTRIBUTES.items()
                    if getattr(node, prop, None) not in (None, ""))
    if tag == "a" and isinstance(getattr(node, "href", None), str):
        href = node.href
        attrs += f' href="{_e(base_url.rstrip("/") + href if href.startswith("/") else href)}"'
    return f"<{tag}{attrs}>" if tag in _VOID else f"<{tag}{attrs}>{children}</{tag}>"


def _plot_html(ident: str, fig, lang: str) -> str:
    config = {"staticPlot": True, "displayModeBar": False, **i18n.plotly_locale(lang)}
    height = fig.layout.height or PLOT_HEIGHT
    return (f'<div class="plot" data-figure="{_e(ident)}" style="height:{int(height)}px"></div>'
            + _json_script(ident, {"figure": json.loads(fig.to_json()), "config": config}))


def provenance_html(prov: provenance.Provenance, link: str) -> str:
    """Return the briefing's statement of where it comes from: snapshot, filters in words, sources, data date."""
    lang = prov.lang
    colon = "\u00a0:" if lang == "fr" else ":"  # French sets a space before the colon
    filters = ("<ul class=filters>" + "".join(f"<li><b>{_e(k)}{colon}</b> {_e(v)}</li>" for k, v in prov.filters)
               + "</ul>" if prov.filters else f"<p>{_e(_('No filters: everything in the snapshot.', lang))}</p>")
    sources = "".join(f"<li>{_e(prov.source_text(s))}</li>" for s in prov.sources)
    return (f'<div class="view-provenance"><p class="snapshot">{_e(prov.snapshot_text())}</p>'
            f'<h2 class="small">{_e(_("Filters", lang))}</h2>{filters}'
            f'<h2 class="small">{_e(_("Sources and licences", lang))}</h2><ul class="sources">{sources}</ul>'
            f'<p class="data-date"><b>{_e(prov.data_date_text())}</b></p>'
            f'<p>{_e(_("Reproduce this view:", lang))} <a href="{_e(link)}">{_e(link)}</a></p></div>')


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
    number = 0
    for chart_id in charts_of(path, view):
        chart = charts.REGISTRY[chart_id]
        # The figure, sentence, data table (the dashboard's own, written as HTML) and caption the card shows.
        fig, sentence, data_table, caption, _badge = charts.render(chart_id, view.to_query(), key)
        heading = (chart.heading(view) if chart.heading else None) or _(chart.title, lang)
        plots = []
        for panel in print_panels(go.Figure(fig)):  # a copy: the render cache keeps the dashboard's figure
            number += 1
            plots.append(_plot_html(f"figure-{number}", panel, lang))
        sections.append(
            f'<section class="chart" id="chart-{_e(chart_id)}"><h2>{_e(heading)}</h2>'
            f'<p class="sentence">{_e(sentence)}</p>' + "".join(plots)
            + f'<p class="caption">{_e(caption)}</p><div class="data">{component_html(data_table, base_url)}</div></section>')
    for section in SECTIONS.get(path, []) if key is None else []:
        sentence, records, caption, _badge = section.parts(view)
        sections.append(
            f'<section class="records" id="{_e(section.id)}"><h2>{_e(_(section.title, lang))}</h2>'
            f'<p class="sentence">{component_html(sentence)}</p>{component_html(records, base_url)}'
            f'<p class="caption">{component_html(caption)}</p></section>')
    prov = provenance.describe(view, lang, snapshot=snapshot)
    rows_of = {src.get("name", "?"): sum((src.get("rows") or {}).values()) for src in snapshot.manifest.get("sources", [])}
    sources = [[s.name, s.kind, s.licence, s.attribution or "–", charts.data_date_short(s.data_date, lang),
                i18n.fmt_date(s.retrieved_at, lang) if s.retrieved_at else "–", i18n.fmt_int(rows_of.get(s.name), lang)]
               for s in prov.sources]
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
<p>{_e(_("Generated {date}", lang, date=i18n.fmt_date(now, lang)))}</p>
{provenance_html(prov, link)}</header>
<main>{"".join(sections) or f"<p>{_e(_('This page draws no charts.', lang))}</p>"}</main>
<section class="provenance"><h2>{_e(_("Sources and licences", lang))}</h2>
{_table([_("Source", lang), _("Kind", lang), _("Licence or terms", lang), _("Attribution", lang), _("Data date", lang),
         _("Retrieved", lang), _("Rows", lang)], sources)}
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
