"""Serving: the development server, and (with --prod) gunicorn with production settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def server(data_dir: Path | None = None):
    """Return the Flask server of a new app (the WSGI entry point: `dashboard.serve:server()`)."""
    from dashboard.app import create_app

    return create_app(data_dir).server


def run(*, data_dir: Path, host: str = "127.0.0.1", port: int = 8050, prod: bool = False) -> int:
    """Serve the dashboard on the newest verified snapshot in `data_dir`; return an exit code."""
    from dashboard import data

    os.environ["OGDASH_DATA_DIR"] = str(data_dir)
    try:
        snap = data.current_snapshot(data_dir)
    except data.NoSnapshot as exc:
        print(f"ogdash: {exc}. Build one with `ogdash snapshot build`.", file=sys.stderr)
        return 1
    print(f"ogdash: serving snapshot {snap.id} from {data_dir} on http://{host}:{port}/", file=sys.stderr)
    if prod:
        from dashboard import prod as prod_server

        return prod_server.run(host=host, port=port, data_dir=data_dir)
    from dashboard.app import create_app

    create_app(data_dir).run(host=host, port=port, debug=False)
    return 0
