"""Immutable, dated snapshots: built in a staging folder, validated, checksummed, renamed into place."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import linking, schema
from dashboard.ingest import load_sources, read_source
from dashboard.ingest.common import IngestError, Source, validate_table

SNAPSHOTS = "snapshots"
MANIFEST = "manifest.json"
_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-[0-9a-z]+)?\Z")


class SnapshotError(Exception):
    """A snapshot that is missing, incomplete or fails its checksums."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    path: Path
    manifest: dict

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created_at"])

    def table_path(self, table: str) -> Path:
        return self.path / self.manifest["tables"][table]["file"]

    @property
    def synthetic_rows(self) -> int:
        return sum(t.get("synthetic_rows", 0) for t in self.manifest["tables"].values())


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOTS


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_snapshot_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def _merge(table: str, parts: list[tuple[Source, pa.Table]], skipped: dict[str, int]) -> pa.Table:
    """Return one table from every source's part; duplicate ids are refused unless a source yields."""
    if not parts:
        return schema.TABLES[table].empty_table()
    if table == "jurisdictions":
        # Several sources name the same jurisdiction: the first real (non-synthetic) row wins.
        ordered = sorted(parts, key=lambda p: bool(p[1].num_rows and pc.all(p[1]["synthetic"]).as_py()))
        seen: set[str] = set()
        keep = []
        for _, t in ordered:
            ids = t.column("jurisdiction_id").to_pylist()
            mask = [i not in seen for i in ids]
            seen.update(ids)
            keep.append(t.filter(pa.array(mask, pa.bool_())))
        return pa.concat_tables(keep)
    kept: list[pa.Table] = []
    keys = list(schema.PRIMARY_KEYS[table])
    for source, data in parts:
        if source.options.get("on_duplicate") == "skip" and kept and data.num_rows:
            # This source yields to earlier ones: rows whose id an earlier source gave are left out.
            earlier = pa.concat_tables(kept).select(keys)
            numbered = data.select(keys).append_column("__row", pa.array(range(data.num_rows), pa.int64()))
            rows = numbered.join(earlier, keys=keys, join_type="left anti").column("__row")
            fresh = data.take(pc.take(rows, pc.sort_indices(rows)))
            skipped[source.name] = skipped.get(source.name, 0) + data.num_rows - fresh.num_rows
            data = fresh
        kept.append(data)
    merged = pa.concat_tables(kept)
    names = ", ".join(s.name for s, _ in parts)
    validate_table(table, merged, source=names, file=f"{table} (merged from {names})")
    return merged


def _sorted(table: str, data: pa.Table) -> pa.Table:
    keys = [(k, "ascending") for k in schema.SORT_KEYS[table]]
    return data.sort_by(keys) if data.num_rows else data


def write_snapshot(data_dir: Path, tables: dict[str, pa.Table], sources: list[dict],
                   *, snapshot_id: str | None = None, note: str | None = None) -> Snapshot:
    """Validate `tables`, write them as a new snapshot atomically and return it."""
    root = snapshots_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    if snapshot_id is None:
        snapshot_id = new_snapshot_id()
        n = 1
        while (root / snapshot_id).exists() or any(root.glob(f".staging-{snapshot_id}-*")):
            snapshot_id = f"{new_snapshot_id()}-{n}"  # two builds in one second still sort in order
            n += 1
    if not _ID_RE.match(snapshot_id):
        raise SnapshotError(f"snapshot id {snapshot_id!r} is not of the form YYYYMMDDTHHMMSSZ[-suffix]")
    final = root / snapshot_id
    if final.exists():
        raise SnapshotError(f"snapshot {snapshot_id} exists already; snapshots are never modified")
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{snapshot_id}-", dir=root))
    try:
        manifest_tables = {}
        for name, declared in schema.TABLES.items():
            data = tables.get(name, declared.empty_table())
            data = validate_table(name, data, source="snapshot", file=name)
            data = _sorted(name, data)
            file = f"{name}.parquet"
            pq.write_table(data, staging / file, compression="zstd", row_group_size=122_880)
            manifest_tables[name] = {
                "file": file,
                "rows": data.num_rows,
                "synthetic_rows": int(pc.sum(data["synthetic"]).as_py() or 0) if data.num_rows else 0,
                "sha256": sha256_file(staging / file),
            }
        from dashboard import data  # the query layer owns the SQL that summarises the tables

        rollups = data.build_rollups(staging, {name: staging / entry["file"] for name, entry in manifest_tables.items()})
        for entry in rollups.values():
            entry["sha256"] = sha256_file(staging / entry["file"])
        manifest = {
            "snapshot_id": snapshot_id,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "schema_version": schema.SCHEMA_VERSION,
            "tables": manifest_tables,
            "rollups": rollups,
            "sources": sources,
            "linking": linking.summary(tables),  # counts of links and conflicts
        }
        if note:
            manifest["note"] = note
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for f in staging.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.rename(staging, final)  # atomic on one filesystem: readers see all of it or none
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Snapshot(snapshot_id, final, manifest)


def build(config_file: Path, data_dir: Path, *, log: Callable[[str], None] = lambda s: None,
          snapshot_id: str | None = None) -> Snapshot:
    """Read every source in `config_file` and publish one snapshot; raise IngestError on any bad source."""
    sources = load_sources(config_file)
    parts: dict[str, list[tuple[Source, pa.Table]]] = {name: [] for name in schema.TABLES}
    described = []
    for source in sources:
        retrieved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        tables = read_source(source)
        rows = {}
        for name, data in tables.items():
            if name not in schema.TABLES:
                raise IngestError(source, f"connector returned an undeclared table {name!r}")
            parts[name].append((source, data))
            rows[name] = data.num_rows
        entry = {"name": source.name, "kind": source.kind, "retrieved_at": retrieved_at, "rows": rows}
        entry["path" if source.path else "url"] = _display_location(source, config_file)
        described.append(entry)
        log(f"{source.name} ({source.kind}): " + ", ".join(f"{k} {v}" for k, v in rows.items() if v))
    skipped: dict[str, dict[str, int]] = {}
    merged = {}
    for name, p in parts.items():
        per_source: dict[str, int] = {}
        merged[name] = _merge(name, p, per_source)
        for source_name, n in per_source.items():
            if n:
                skipped.setdefault(source_name, {})[name] = n
    for entry in described:
        if entry["name"] in skipped:
            entry["skipped_duplicates"] = skipped[entry["name"]]
            log(f"{entry['name']}: left out rows already given by an earlier source: {skipped[entry['name']]}")
    merged = linking.link(merged, sources, parts)  # one record per commitment, milestone, indicator
    return write_snapshot(data_dir, merged, described, snapshot_id=snapshot_id)


def _display_location(source: Source, config_file: Path) -> str:
    if source.path is None:
        return source.url or ""
    try:
        return os.path.relpath(source.path, Path(config_file).resolve().parent)
    except ValueError:
        return str(source.path)


def list_snapshots(data_dir: Path) -> list[str]:
    """Return the ids of published snapshots, oldest first (staging folders are not snapshots)."""
    root = snapshots_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _ID_RE.match(p.name))


def open_snapshot(data_dir: Path, snapshot_id: str) -> Snapshot:
    """Return the snapshot's manifest without verifying its files."""
    if not _ID_RE.match(snapshot_id or ""):
        raise SnapshotError(f"{snapshot_id!r} is not a snapshot id")
    path = snapshots_dir(data_dir) / snapshot_id
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"snapshot {snapshot_id}: no {MANIFEST}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot {snapshot_id}: unreadable {MANIFEST}: {exc}") from None
    return Snapshot(snapshot_id, path, manifest)


def verify(data_dir: Path, snapshot_id: str) -> Snapshot:
    """Recompute every checksum and row count of a snapshot; return it, or raise SnapshotError."""
    snap = open_snapshot(data_dir, snapshot_id)
    tables = snap.manifest.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError(f"snapshot {snapshot_id}: manifest lists no tables")
    if snap.manifest.get("schema_version") != schema.SCHEMA_VERSION:
        raise SnapshotError(f"snapshot {snapshot_id}: schema version {snap.manifest.get('schema_version')} "
                            f"is not {schema.SCHEMA_VERSION}")
    for name in schema.TABLES:
        if name not in tables:
            raise SnapshotError(f"snapshot {snapshot_id}: manifest has no table {name}")
    rollups = snap.manifest.get("rollups", {})
    if not isinstance(rollups, dict):
        raise SnapshotError(f"snapshot {snapshot_id}: manifest rollups are not a mapping")
    for name, entry in list(tables.items()) + [(f"rollup {n}", e) for n, e in rollups.items()]:
        path = snap.path / entry.get("file", "")
        if not path.is_file():
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: file {path.name} is missing")
        actual = sha256_file(path)
        if actual != entry.get("sha256"):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: checksum mismatch in {path.name} "
                                f"(manifest {entry.get('sha256')}, file {actual})")
        try:
            rows = pq.read_metadata(path).num_rows
        except Exception as exc:  # a corrupt footer: pyarrow raises several types
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: unreadable parquet: {exc}") from None
        if rows != entry.get("rows"):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: {rows} rows, manifest says {entry.get('rows')}")
    return snap


def newest_good(data_dir: Path, *, on_refused: Callable[[str, str], None] = lambda i, why: None) -> Snapshot | None:
    """Return the newest snapshot that verifies, reporting each newer one refused; None when there is none."""
    for snapshot_id in reversed(list_snapshots(data_dir)):
        try:
            return verify(data_dir, snapshot_id)
        except SnapshotError as exc:
            on_refused(snapshot_id, str(exc))
    return None


def iter_rows(snap: Snapshot, table: str) -> Iterable[dict]:
    return pq.read_table(snap.table_path(table)).to_pylist()
