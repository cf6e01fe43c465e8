"""A snapshot's Frictionless data package (datapackage.json): its tables, their schema, its sources and licences.

    describe(snapshot_id, manifest, folder) -> dict    the descriptor (Data Package v1, tabular resources)
    read_or_describe(snapshot) -> dict                  the one written in the snapshot folder, else describe()

dashboard.publish writes describe()'s descriptor as datapackage.json into every new snapshot's folder before
its manifest (which records its SHA-256 under "files", so that `ogdash snapshot verify` checks it). A snapshot
built before datapackage.json existed (snapshots never change) is served one made by the same function at
/download/<snapshot>/datapackage.json. It imports nothing of the app: publish reads it while building.

Each table is a tabular data resource: its Parquet file (path relative to the descriptor), its rows, bytes and
sha256, its schema (field types from dashboard.schema, required fields, primary key) and descriptions from the
data dictionary (dashboard/bundled/README.md, "## Tables"). The sources are the manifest's (name, kind, the
public address of those read from the web, licence, data date); licenses are the terms of the kinds of source
used (dashboard.licences), in English.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pyarrow as pa

from dashboard import config, licences, schema, snapshots

FILE = "datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def field_type(data_type: pa.DataType) -> dict:
    """Return the Table Schema type (and format) of a column's Arrow type."""
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return {"type": "string"}
    if pa.types.is_boolean(data_type):
        return {"type": "boolean"}
    if pa.types.is_integer(data_type):
        return {"type": "integer"}
    if pa.types.is_floating(data_type):
        return {"type": "number"}
    if pa.types.is_date(data_type):
        return {"type": "date"}
    if pa.types.is_timestamp(data_type):
        return {"type": "datetime"}
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return {"type": "array"}
    return {"type": "any"}


@functools.lru_cache(maxsize=4)
def _dictionary(path: str, mtime_ns: int) -> dict[str, tuple[str, dict[str, str]]]:
    """Return table -> (its description, column -> meaning) from the data dictionary's "## Tables" section."""
    text = Path(path).read_text(encoding="utf-8")
    start = text.find("\n## Tables")
    if start < 0:
        return {}
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for block in re.split(r"\n### ", text[start:])[1:]:
        head, _, body = block.partition("\n")
        name = head.strip().strip("`")
        if name not in schema.TABLES:
            continue
        lead, columns = [], {}
        for line in body.splitlines():
            if line.startswith("## "):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
            if len(cells) >= 3 and cells[0].startswith("`"):
                columns[cells[0].strip("`")] = " | ".join(cells[2:])
            elif not line.startswith("|") and not columns:
                lead.append(line.strip())
        found[name] = (" ".join(part for part in lead if part), columns)
    return found


def dictionary(path: Path | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """Return the data dictionary's description of each table and its columns; {} when the file is absent."""
    path = Path(path or config.DATA_DICTIONARY)
    try:
        return _dictionary(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return {}


def _resource(table: str, entry: dict, folder: Path, described: tuple[str, dict[str, str]] | None) -> dict:
    lead, meanings = described or ("", {})
    fields = []
    for column in schema.TABLES[table]:
        field = {"name": column.name, **field_type(column.type)}
        if meanings.get(column.name):
            field["description"] = meanings[column.name]
        if not column.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    resource = {
        "name": table,
        "path": entry["file"],
        "profile": "tabular-data-resource",
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": list(schema.PRIMARY_KEYS[table])},
        "hash": f"sha256:{entry['sha256']}",
        "rows": entry.get("rows"),
        "synthetic_rows": entry.get("synthetic_rows", 0),
    }
    try:
        resource["bytes"] = (folder / entry["file"]).stat().st_size
    except OSError:
        pass
    if lead:
        resource["description"] = lead
    return resource


def _source(entry: dict) -> dict:
    """Return a manifest source as a data package source: its public address only (never a build machine's path)."""
    terms, _short, url = licences.licence(entry.get("kind"), "en")
    out = {"title": str(entry.get("name", "?")), "kind": entry.get("kind")}
    if isinstance(entry.get("url"), str) and entry["url"].startswith(("http://", "https://")):
        out["path"] = entry["url"]
    out["licence"] = terms
    if url:
        out["licence_path"] = url
    for key in ("attribution", "retrieved_at", "data_date", "data_date_basis", "content_sha256"):
        if entry.get(key) is not None:
            out[key] = entry[key]
    out["rows"] = {k: v for k, v in (entry.get("rows") or {}).items() if v}
    return out


def _licenses(sources: list[dict]) -> list[dict]:
    """Return the licences of the kinds of source the snapshot used, once each, in the manifest's order.

    The Open Government Licence – Canada is one licence whichever kinds come under it (the terms of each
    source, in words, are its own entry's `licence` under `sources`).
    """
    out: dict[str, dict] = {}
    for entry in sources:
        kind = entry.get("kind")
        terms, _short, url = licences.licence(kind, "en")
        if url == licences.OGL_CANADA["en"]:
            name, terms = "OGL-Canada-2.0", "Open Government Licence – Canada"
        else:
            name = re.sub(r"[^a-z0-9._-]+", "-", f"{kind or 'unknown'}-terms".lower())
        if name not in out:
            out[name] = {"name": name, "title": terms, **({"path": url} if url else {})}
    return list(out.values())


def describe(snapshot_id: str, manifest: dict, folder: Path) -> dict:
    """Return the Frictionless data package descriptor of the snapshot `snapshot_id` (its manifest, its folder)."""
    sources = [s for s in manifest.get("sources", []) if isinstance(s, dict)]
    tables = manifest.get("tables", {})
    meanings = dictionary()
    dates = sorted(s["data_date"] for s in sources if isinstance(s.get("data_date"), str))
    return {
        "profile": "tabular-data-package",
        "name": f"ogdash-snapshot-{snapshot_id.lower()}",
        "id": snapshot_id,
        "title": f"Open Government Monitor snapshot {snapshot_id}",
        "description": ("The tables of one immutable snapshot of the Open Government Monitor, as Parquet files. "
                        "Rows marked synthetic=true are generated, not real records. manifest.json beside this "
                        "file holds every file's SHA-256."),
        "created": manifest.get("created_at"),
        "version": f"schema {manifest.get('schema_version')}",
        "data_date": dates[-1] if dates else None,  # the newest of the sources' data dates
        "licenses": _licenses(sources),
        "sources": [_source(s) for s in sources],
        "resources": [_resource(table, tables[table], Path(folder), meanings.get(table))
                      for table in schema.TABLES if isinstance(tables.get(table), dict)],
    }


def text(descriptor: dict) -> str:
    """Return the descriptor as the file holds it."""
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def read_or_describe(snap: snapshots.Snapshot) -> dict:
    """Return the snapshot's datapackage.json when its manifest lists one, else one made now by describe()."""
    entry = (snap.manifest.get("files") or {}).get(FILE)
    if isinstance(entry, dict):
        try:
            return json.loads(snap.file_path(entry.get("file", FILE)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # verify() reports a missing or altered file; here the same descriptor is made again
    return describe(snap.id, snap.manifest, snap.path)
