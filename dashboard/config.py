"""Where things live: files shipped inside the package (found through importlib.resources) and the data folder.

The SQL, rollups, stylesheets, playlists, default sources and bundled data ship inside the package
(`dashboard/queries`, `dashboard/assets`, `dashboard/playlists`, `dashboard/bundled`), so a checkout and an
installed wheel find them the same way, wherever they are.
The data folder, where snapshots are built and served from, is the user's: $OGDASH_DATA_DIR, else ./data.
Every OGDASH_* environment setting is read here and nowhere else (SETTINGS; docs/deployment.md#settings).
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # the checkout, when the package runs from one


def resource(packaged: str) -> Path:
    """Return `dashboard/<packaged>` as shipped in the package.

    Packages are installed unzipped (pip and pipx always do), so the resource is a real folder or file.
    """
    return Path(str(importlib.resources.files("dashboard").joinpath(packaged)))


# ---------------------------------------------------------------- environment settings

# Every OGDASH_* setting the package reads. Each is read here, through setting(), and nowhere else, at the
# moment it is needed (a test or a server that sets one before it builds the app is heard), and each is
# documented in docs/deployment.md#settings (tests/test_settings.py checks both).
SETTINGS = (
    "OGDASH_DATA_DIR", "OGDASH_QUERIES_DIR", "OGDASH_PLAYLISTS_DIR",
    "OGDASH_WORKERS", "OGDASH_THREADS", "OGDASH_TIMEOUT", "OGDASH_MAX_REQUESTS", "OGDASH_FORWARDED_ALLOW_IPS",
    "OGDASH_ACCESS_LOG", "OGDASH_LOG_LEVEL", "OGDASH_INSTANCE", "OGDASH_MAX_REQUEST_BYTES",
    "OGDASH_DUCKDB_MEMORY", "OGDASH_DUCKDB_THREADS", "OGDASH_ROLLUP_MEMORY", "OGDASH_ROLLUP_THREADS",
    "OGDASH_QUERY_TIMEOUT", "OGDASH_QUERY_CACHE", "OGDASH_QUERY_CACHE_MB", "OGDASH_RENDER_CACHE",
    "OGDASH_CHROMIUM", "OGDASH_PRINT_URL", "OGDASH_PUBLIC_URL",
)


def setting(name: str, default: str | None = None) -> str | None:
    """Return the environment setting `name` (one of SETTINGS), else `default`; a value set empty stays empty."""
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a setting of this package (dashboard.config.SETTINGS)")
    return os.environ.get(name, default)


QUERIES_DIR = Path(setting("OGDASH_QUERIES_DIR") or resource("queries"))
ASSETS_DIR = resource("assets")
PLAYLISTS_DIR = resource("playlists")
BUNDLED_DIR = resource("bundled")  # the default sources file and the data it reads
DEFAULT_SOURCES = BUNDLED_DIR / "sources.toml"
DATA_DICTIONARY = resource("bundled/README.md")  # served beside every CSV download
DEFAULT_DATA_DIR = "data"  # relative to the current folder
BENCH_DIR = PROJECT_DIR / "bench"  # the benchmark and load tools: in a checkout only, never in the package


def data_dir() -> Path:
    """Return the data folder: $OGDASH_DATA_DIR, else ./data in the current folder.

    Not the package's folder: an installed package is not the user's to write into, and snapshots are
    large. The current folder is where `ogdash snapshot build` and `ogdash serve` run from (the scripts
    run in the checkout, whose data/ it is), so both meet without a setting; a service sets
    OGDASH_DATA_DIR or --data-dir.
    """
    return Path(setting("OGDASH_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def playlists_dir() -> Path:
    """Return the folder of playlist files: $OGDASH_PLAYLISTS_DIR, else the playlists shipped with the package."""
    return Path(setting("OGDASH_PLAYLISTS_DIR") or PLAYLISTS_DIR).resolve()


# The server: gunicorn's workers and logs (dashboard/prod.py), the HTTP layer (dashboard/web.py).

def workers(cpus: int) -> int:
    """Return how many gunicorn workers to run: $OGDASH_WORKERS, else one per CPU, at least 2, at most 8."""
    return int(setting("OGDASH_WORKERS") or min(max(cpus, 2), 8))


def threads() -> int:
    """Return the threads of each gunicorn worker: $OGDASH_THREADS, else 8."""
    return int(setting("OGDASH_THREADS") or 8)


def worker_timeout() -> int:
    """Return the seconds a worker may stop answering gunicorn before it is replaced: $OGDASH_TIMEOUT, else 60."""
    return int(setting("OGDASH_TIMEOUT") or 60)


def max_requests() -> int:
    """Return the requests after which a worker is recycled: $OGDASH_MAX_REQUESTS, else 0 (never)."""
    return int(setting("OGDASH_MAX_REQUESTS") or 0)


def forwarded_allow_ips() -> str:
    """Return the proxies whose X-Forwarded-* headers are trusted: $OGDASH_FORWARDED_ALLOW_IPS, else 127.0.0.1."""
    return setting("OGDASH_FORWARDED_ALLOW_IPS", "127.0.0.1")


def access_log() -> str | None:
    """Return where the access log goes: $OGDASH_ACCESS_LOG, else "-" (stderr); set empty, None (no log)."""
    return setting("OGDASH_ACCESS_LOG", "-") or None


def log_level() -> str:
    """Return the log level's name, lower case: $OGDASH_LOG_LEVEL, else "info"."""
    return setting("OGDASH_LOG_LEVEL", "info").lower()


def instance() -> str | None:
    """Return this instance's name ($OGDASH_INSTANCE), None when unset; callers fall back to the host or port."""
    return setting("OGDASH_INSTANCE") or None


def max_request_bytes() -> int:
    """Return the largest request body accepted: $OGDASH_MAX_REQUEST_BYTES, else 1 MiB."""
    return int(setting("OGDASH_MAX_REQUEST_BYTES", str(1 << 20)))


# DuckDB and the caches (dashboard/data.py, dashboard/charts.py).

def duckdb_memory() -> str:
    """Return each served DuckDB connection's memory limit: $OGDASH_DUCKDB_MEMORY, else 512MB."""
    return setting("OGDASH_DUCKDB_MEMORY", "512MB")


def duckdb_threads() -> str:
    """Return each served DuckDB connection's threads: $OGDASH_DUCKDB_THREADS, else 1."""
    return setting("OGDASH_DUCKDB_THREADS", "1")


def rollup_memory() -> str:
    """Return the memory limit of the connection that builds a snapshot's rollups: $OGDASH_ROLLUP_MEMORY, else 2GB."""
    return setting("OGDASH_ROLLUP_MEMORY", "2GB")


def rollup_threads() -> str:
    """Return the threads of the connection that builds a snapshot's rollups: $OGDASH_ROLLUP_THREADS, else the CPUs."""
    return setting("OGDASH_ROLLUP_THREADS", str(os.cpu_count() or 1))


def query_timeout() -> float:
    """Return the seconds after which a query is stopped: $OGDASH_QUERY_TIMEOUT, else 10."""
    return float(setting("OGDASH_QUERY_TIMEOUT", "10"))


def query_cache_entries() -> int:
    """Return how many query results each process keeps: $OGDASH_QUERY_CACHE, else 512."""
    return int(setting("OGDASH_QUERY_CACHE", "512"))


def query_cache_mb() -> float:
    """Return the megabytes of query results each process keeps: $OGDASH_QUERY_CACHE_MB, else 64."""
    return float(setting("OGDASH_QUERY_CACHE_MB", "64"))


def render_cache() -> int:
    """Return how many drawn charts each process keeps: $OGDASH_RENDER_CACHE, else 128."""
    return int(setting("OGDASH_RENDER_CACHE", "128"))


# Briefings (dashboard/brief.py, dashboard/chromium.py).

def chromium() -> str | None:
    """Return the Chromium or Chrome executable that prints briefings ($OGDASH_CHROMIUM), None when unset."""
    return setting("OGDASH_CHROMIUM") or None


def print_url() -> str | None:
    """Return the address the server's Chromium loads briefings from ($OGDASH_PRINT_URL), None when unset."""
    return setting("OGDASH_PRINT_URL") or None


def public_url() -> str:
    """Return the public address that makes a briefing's "reproduce this view" link absolute ($OGDASH_PUBLIC_URL), else ""."""
    return setting("OGDASH_PUBLIC_URL", "")
