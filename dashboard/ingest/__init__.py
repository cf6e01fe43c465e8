"""Connectors: one module per real source format. Each exposes `read(source) -> dict[table, pa.Table]`."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from dashboard.ingest import settings
from dashboard.ingest.common import IngestError, Source

# kind -> module under dashboard.ingest. A new source format is a new module and a line here.
KINDS: dict[str, str] = {
    "ogp-export": "ogp_export",
    "nap-tracker": "nap_tracker",
    "ckan": "ckan",
    "learning": "learning",
    "csps-registrations": "csps",
    "portal-metrics": "portal_metrics",
    "reference": "reference",
    "synthetic": "synthetic",
}

# The kinds that read a `url` (downloaded with dashboard.ingest.http) as well as a `path`.
URL_KINDS = ("ogp-export", "nap-tracker", "ckan", "learning", "portal-metrics")


def load_sources(config_file: str | Path) -> list[Source]:
    """Return the sources listed in a TOML sources file; relative paths resolve against the file's folder."""
    config_file = Path(config_file)
    where = str(config_file)
    try:
        text = config_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IngestError("config", "sources file not found", file=where) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise IngestError("config", f"not valid TOML: {exc}", file=where) from None
    settings.check_document(doc, file=where)
    entries = doc.get("source")
    if not isinstance(entries, list) or not entries:
        raise IngestError("config", "no [[source]] tables", file=where)
    sources, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise IngestError("config", "each source is a [[source]] table", file=where, row=i, value=entry)
        name = entry.get("name") or f"source{i}"
        kind = entry.get("kind")
        if kind not in KINDS:
            raise IngestError(name, f"unknown kind (expected one of {', '.join(KINDS)})", file=where,
                              row=i, column="kind", value=kind)
        settings.check(entry, name=name, index=i, file=where)  # every key known to its kind, every value its type
        if name in seen:
            raise IngestError(name, "two sources share this name", file=where, row=i, column="name", value=name)
        seen.add(name)
        path, url = entry.get("path"), entry.get("url")
        if kind not in ("synthetic",) and not (path or url):
            raise IngestError(name, "needs a path or a url", file=where, row=i, column="path", value=None)
        if path and url:
            raise IngestError(name, "give a path or a url, not both", file=where, row=i, column="url", value=url)
        if url and kind not in URL_KINDS:
            raise IngestError(name, f"kind {kind} reads only a path (a url is read by {', '.join(URL_KINDS)})",
                              file=where, row=i, column="url", value=url)
        if url and not (isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc):
            raise IngestError(name, "url must be an http:// or https:// address", file=where, row=i, column="url",
                              value=url)
        resolved = (config_file.parent / path).resolve() if path else None
        options: dict[str, Any] = {k: v for k, v in entry.items() if k not in ("name", "kind", "path", "url")}
        sources.append(Source(name=name, kind=kind, path=resolved, url=url, options=options))
    return sources


def read_source(source: Source) -> dict[str, pa.Table]:
    """Run the source's connector and return its validated tables."""
    module = importlib.import_module(f"dashboard.ingest.{KINDS[source.kind]}")
    return module.read(source)
