"""Serving: gunicorn with production settings by default, Flask's reloader and debug mode with --dev."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler

from dashboard import data
from dashboard.app import create_app
from dashboard.web import SERVER_HEADER


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, whose Server header names no software or version (not Werkzeug/… Python/…)."""

    def version_string(self) -> str:
        return SERVER_HEADER


def server(data_dir: Path | None = None):
    """Return the Flask server of a new app (the WSGI entry point: `dashboard.serve:server()`)."""
    return create_app(data_dir).server


def own_address(host: str, port: int) -> str:
    """Return the URL a server bound to `host`:`port` answers on from this machine (0.0.0.0 and :: on loopback)."""
    host = (host or "").strip("[]")
    if host in ("", "0.0.0.0", "localhost"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def run(*, data_dir: Path, host: str = "127.0.0.1", port: int = 8050, dev: bool = False) -> int:
    """Serve the dashboard on the newest verified snapshot in `data_dir`; return an exit code.

    By default under gunicorn (dashboard/prod.py), or waitress where gunicorn cannot run (not on Unix);
    `dev` runs Flask's development server with its reloader and Dash's debug tools.
    """
    os.environ["OGDASH_DATA_DIR"] = str(data_dir)
    # Briefing PDFs are printed by this server's Chromium from this server's own address, never from
    # the address a request names (the operator may point it elsewhere with OGDASH_PRINT_URL).
    os.environ.setdefault("OGDASH_PRINT_URL", own_address(host, port))
    try:
        snap = data.current_snapshot(data_dir)
    except data.NoSnapshot as exc:
        print(f"ogdash: {exc}. Build one with `ogdash snapshot build --data-dir {data_dir}`.", file=sys.stderr)
        return 1
    print(f"ogdash: serving snapshot {snap.id} from {data_dir} on http://{host}:{port}/", file=sys.stderr)
    if dev:
        create_app(data_dir).run(host=host, port=port, debug=True, use_reloader=True, request_handler=RequestHandler)
        return 0
    try:
        from dashboard import prod as prod_server  # imported here: gunicorn, which it needs, runs on Unix only
    except ImportError as exc:
        return _waitress(data_dir, host, port, why=str(exc))
    return prod_server.run(host=host, port=port, data_dir=data_dir)


def _waitress(data_dir: Path, host: str, port: int, *, why: str) -> int:
    try:
        import waitress  # optional: the production server where gunicorn cannot run
    except ImportError:
        print(f"ogdash: no production server here ({why}): gunicorn runs on Unix only; "
              "install waitress (pip install waitress), or serve with --dev for development", file=sys.stderr)
        return 1
    print(f"ogdash: gunicorn is not available ({why}); serving with waitress", file=sys.stderr)
    waitress.serve(create_app(data_dir).server, host=host, port=port, threads=8, ident=SERVER_HEADER)
    return 0
