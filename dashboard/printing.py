"""`ogdash brief`: a view's briefing printed to PDF from the command line.

The briefing is printed by the server in the view's URL when one answers there, else by a temporary
server this process starts on 127.0.0.1 (the app of dashboard/app.py on the data folder). The briefing
page and its routes are dashboard/brief.py; Chromium and the print itself, dashboard/chromium.py.
"""

from __future__ import annotations

import contextlib
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from dashboard import brief, chromium, data, state as state_mod
from dashboard.app import create_app
from dashboard.serve import RequestHandler


def _answers(url: str) -> bool:
    """Return whether `url` answers 200 within 3 s."""
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def temporary_server(data_dir: Path | None = None) -> Iterator[str]:
    """Serve the dashboard in this process on 127.0.0.1 and a free port until the block ends; yield its URL."""
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
    path = brief.brief_path(parts.path or "/")
    if path is None:
        raise ValueError(f"{parts.path!r} has no briefing; pages with one: "
                         + ", ".join([*brief.PAGES.values(), *(prefix + "<id>" for prefix, _c in brief.RECORD_PAGES.values())]))
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
    problem = chromium.print_problem()
    if problem:
        raise chromium.BriefUnavailable(problem)
    parts = urlsplit(view_url)
    if parts.scheme in ("http", "https") and parts.netloc and _answers(f"{parts.scheme}://{parts.netloc}/healthz"):
        return chromium.print_pdf(brief_url(f"{parts.scheme}://{parts.netloc}", view_url, lang), out)
    data.current_snapshot(data_dir)  # NoSnapshot says what to build before a server starts for nothing
    with temporary_server(data_dir) as base:
        return chromium.print_pdf(brief_url(base, view_url, lang), out)
