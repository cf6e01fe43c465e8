"""Briefings: one printable HTML page per view (/brief/<page>?<view query>) and its PDF, printed by headless Chromium.

The page shows every chart the view's page draws (plotly.js, served from the installed plotly package),
their sentences and data tables, the filters applied, the snapshot id and checksums, the sources and
their licences, and a link that reproduces the view. `ogdash brief` and /brief/<page>/pdf print it.

Printing drives the system's own Chromium through Playwright (a runtime dependency; no browser is ever
downloaded). Where no Chromium is found, the header offers no briefing button and `ogdash brief` says
what to install. The server prints from its own address, given by `ogdash serve` or by
$OGDASH_PRINT_URL, never from the Host a request names.

What the PDF route enforces (requests are not trusted, nor is the content of the sources):
- its Chromium loads only the origin it prints from: every other request, a redirect elsewhere, a
  WebSocket and a service worker are refused by Playwright's request interception;
- at most PRINT_SLOTS briefings print at once per server (all its workers); another request is
  answered 503 with Retry-After at once, so PDFs never hold every worker's threads;
- a print stops after PRINT_TIMEOUT_MS, whatever the page does;
- JSON written into the page is escaped (html_json) and data in chart labels is plain text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import importlib.util
import json
import logging
import os
import re
import shutil
import sys
import stat
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import flask
from flask import Flask, Response, abort, request, send_file

from dashboard import charts, components, config, data, i18n, playlists, state as state_mod
from dashboard.i18n import N_, _

log = logging.getLogger(__name__)

PAGES = {"overview": "/", "commitments": "/commitments", "datasets": "/datasets", "training": "/training",
         "compare": "/compare"}
# Pages of one record: briefing name -> (the dashboard path before the record's id, the prefix of its keyed charts).
RECORD_PAGES = {"commitment": ("/commitments/", "commitment-")}
STATIC = {"brief.js": "application/javascript", "brief.css": "text/css", "plotly.min.js": "application/javascript"}
# Where a system Chromium is looked for when $OGDASH_CHROMIUM is not set: Debian's path, then these names on PATH.
CHROMIUM_PATHS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
INSTALL_CHROMIUM = ("install Chromium (Debian and Ubuntu: apt-get install chromium; Fedora: dnf install chromium; "
                    "macOS: brew install --cask chromium), or set OGDASH_CHROMIUM to a Chromium or Chrome executable")
# Briefings printed at once by one server, all its workers together: each is a Chromium (a few hundred MB
# and a CPU while it draws). A request beyond them is answered 503 at once rather than queued.
PRINT_SLOTS = 2
# A print's whole time: starting Chromium, loading the briefing (the server draws every chart of the page)
# and drawing its figures. A world-scale briefing took 7-12 s here (2 CPUs shared, load 8); a page that
# never finishes is dropped after this, and its slot freed.
PRINT_TIMEOUT_MS = 45_000
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


# ---------------------------------------------------------------- can this machine print?

def find_chromium() -> Path | None:
    """Return the system Chromium that prints briefings: $OGDASH_CHROMIUM, else /usr/bin/chromium, else one on PATH.

    Looked up each time (a few stat calls): a Chromium installed while the server runs is used at once.
    """
    configured = config.chromium()
    for candidate in ([configured] if configured else CHROMIUM_PATHS):
        found = shutil.which(candidate)
        if found:
            return Path(found)
    return None


def print_problem() -> str | None:
    """Return why this machine cannot print briefings (naming what to install), or None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: pip install playwright (it drives the system's Chromium; " \
               "no browser download is needed)"
    if find_chromium() is None:
        configured = config.chromium()
        if configured:
            return f"OGDASH_CHROMIUM={configured} is not an executable file: set it to a Chromium or Chrome executable"
        return f"no Chromium found ({', '.join(CHROMIUM_PATHS)}): {INSTALL_CHROMIUM}"
    return None


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


class BriefFailed(RuntimeError):
    """A briefing that could not be printed; the message says why."""


class BriefUnavailable(BriefFailed):
    """This machine cannot print briefings; the message says what to install."""


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def static_path(name: str) -> Path:
    return plotly_js() if name == "plotly.min.js" else Path(__file__).resolve().parent / "static" / name


def charts_of(path: str, view: state_mod.ViewState) -> list[str]:
    """Return the ids of the charts the page at `path` draws for `view`, in page order."""
    import dash

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
    prefix = playlists.PAGE_PREFIX.get(path, "\0")
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
                  else _(dict(components.NAV).get(path, name), lang))
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


# ---------------------------------------------------------------- printing

def launch_chromium(playwright, *, timeout_ms: float = PRINT_TIMEOUT_MS):
    """Return the system Chromium, launched headless through Playwright (never a downloaded browser)."""
    chromium = find_chromium()
    if chromium is None or print_problem():
        raise BriefUnavailable(print_problem() or "no Chromium found")
    return playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
                                      timeout=timeout_ms)


def origin_of(url: str) -> str:
    """Return the origin of `url` (scheme://host:port, the port always written), lowercased."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def _only_from(origin: str, refused: list[str], left):
    """Return a Playwright route handler that lets requests to `origin` through and aborts every other one.

    An allowed request is fetched without following redirects and its answer handed to the page: a
    redirect is then a new request that comes back here (the browser follows a redirect of a request it
    was told to continue without asking again, which would let the origin send it anywhere).
    """
    def handle(route) -> None:
        url = route.request.url
        if origin_of(url) != origin:
            refused.append(url)
            route.abort("blockedbyclient")
            return
        try:
            route.fulfill(response=route.fetch(max_redirects=0, timeout=left()))
        except Exception:  # the server went away or the print is stopping: the page sees a failed request
            with contextlib.suppress(Exception):
                route.abort("failed")
    return handle


def print_pdf(url: str, out: Path, *, timeout_ms: int | None = None) -> Path:
    """Print the briefing page at `url` to the PDF `out` with headless Chromium; return `out`.

    Chromium may load nothing but `url`'s own origin, and the whole print (start, load, draw) stops after
    `timeout_ms` (PRINT_TIMEOUT_MS) with BriefFailed.
    """
    problem = print_problem()
    if problem:
        raise BriefUnavailable(problem)
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    timeout_ms = PRINT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000

    def left() -> float:  # milliseconds left of the print's time, at least one
        return max(1.0, (deadline - time.monotonic()) * 1000)

    out = Path(out)
    origin, refused = origin_of(url), []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, timeout_ms=left())
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 1400}, service_workers="block",
                                          accept_downloads=False)
            context.route("**/*", _only_from(origin, refused, left))
            context.route_web_socket(re.compile(".*"), lambda ws: ws.close())
            page = context.new_page()
            try:
                response = page.goto(url, timeout=left())
                if response is None or response.status != 200:  # not a briefing: say so now, not after the timeout
                    raise BriefFailed(f"{url} answered {response.status if response else 'nothing'}")
                page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=left())
            except PlaywrightError as exc:
                raise BriefFailed(f"{url} was not ready within {timeout_ms / 1000:g} s: "
                                  f"{str(exc).splitlines()[0]}") from exc
            footer = (f'<div style="font-size:8px;width:100%;text-align:center;color:#444">'
                      f'{_e(page.title())} · <span class="pageNumber"></span>/<span class="totalPages"></span></div>')
            out.parent.mkdir(parents=True, exist_ok=True)
            page.set_default_timeout(left())
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer,
                     margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    if refused:
        log.warning("briefing %s: refused %d request(s) to other origins: %s", url, len(refused),
                    ", ".join(refused[:5]))
    return out


# ---------------------------------------------------------------- one or two prints at a time

_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_slots_lock = threading.Lock()


def _slot_folder() -> Path | None:
    """Return this user's folder of print-slot lock files (created 0700), or None where there can be none."""
    if not hasattr(os, "getuid"):
        return None
    folder = Path(tempfile.gettempdir()) / f"ogdash-print-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():  # someone else's, or a link
        return None
    return folder


@contextlib.contextmanager
def print_slot(server: str) -> Iterator[bool]:
    """Hold one of the PRINT_SLOTS print slots of `server` (its print address) for the block, yielding True;
    yield False at once when every slot is taken.

    The slots are lock files (flock), so that every worker process of one server shares them and a worker
    that dies frees its slot; where there are none (not Unix), each process has its own PRINT_SLOTS.
    """
    try:
        import fcntl
    except ImportError:
        fcntl = None
    folder = _slot_folder() if fcntl is not None else None
    if folder is None:
        with _local_slots_lock:
            slots = _local_slots.setdefault(server, threading.BoundedSemaphore(PRINT_SLOTS))
        held = slots.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                slots.release()
        return
    tag = hashlib.sha256(server.encode()).hexdigest()[:16]
    for number in range(PRINT_SLOTS):
        try:
            fd = os.open(folder / f"{tag}-{number}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
        except OSError as exc:  # not a file of ours: counted as taken, and said
            log.warning("print slot %s-%d cannot be opened in %s: %s", tag, number, folder, exc)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # taken
            os.close(fd)
            continue
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    yield False


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
    from dashboard.serve import RequestHandler

    app = create_app(data_dir)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=RequestHandler)
    base = f"http://127.0.0.1:{server.server_port}"
    app.server.config["OGDASH_PRINT_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)


def brief_url(base: str, view_url: str, lang: str | None) -> str:
    """Return the /brief URL on `base` for the dashboard view `view_url` (a path or full URL), in `lang`."""
    parts = urlsplit(view_url)
    path = brief_path(parts.path or "/")
    if path is None:
        raise ValueError(f"{parts.path!r} has no briefing; pages with one: "
                         + ", ".join([*PAGES.values(), *(prefix + "<id>" for prefix, _c in RECORD_PAGES.values())]))
    view = state_mod.parse(parts.query)
    if lang:
        view = state_mod.parse(view.to_query(lang=lang))
    return f"{base.rstrip('/')}{path}{view.to_query()}"


def generate(view_url: str, out: Path, *, lang: str | None = None, data_dir: Path | None = None) -> Path:
    """Print the briefing of `view_url` to `out`, from the server in the URL if it answers, else a temporary one.

    Raises ValueError for a page without a briefing, BriefUnavailable when this machine cannot print, and
    BriefFailed when the briefing page does not answer.
    """
    brief_url("", view_url, lang)  # a page without a briefing is refused before anything starts
    problem = print_problem()
    if problem:
        raise BriefUnavailable(problem)
    parts = urlsplit(view_url)
    if parts.scheme in ("http", "https") and parts.netloc and _answers(f"{parts.scheme}://{parts.netloc}/healthz"):
        return print_pdf(brief_url(f"{parts.scheme}://{parts.netloc}", view_url, lang), out)
    data.current_snapshot(data_dir)  # NoSnapshot says what to build before a server starts for nothing
    with temporary_server(data_dir) as base:
        return print_pdf(brief_url(base, view_url, lang), out)


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
