"""Reading published snapshots: list them, open and verify one, find the newest good one, compare two manifests.

A snapshot is an immutable, dated folder of Parquet tables and rollups with a manifest of their
checksums. It is written only by dashboard.publish (staging folder, validated, checksummed, renamed
into place); everything here only reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import schema

SNAPSHOTS = "snapshots"
MANIFEST = "manifest.json"
_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-[0-9a-z]+)?\Z")
# A file a manifest names is a plain name in the snapshot's own folder: no separator, no "..", no absolute path.
_FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z")


class SnapshotError(Exception):
    """A snapshot that is missing, incomplete or fails its checksums."""



@dataclass(frozen=True)
class Snapshot:
    id: str
    path: Path
    manifest: dict
    # False when publish.build() found nothing changed and published nothing: this is the newest good one.
    published: bool = field(default=True, compare=False)

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created_at"])

    def table_path(self, table: str) -> Path:
        return self.file_path(self.manifest["tables"][table]["file"])

    def file_path(self, file: str) -> Path:
        """Return the path of a file the manifest names; SnapshotError unless it is a plain name in the snapshot's folder."""
        if not isinstance(file, str) or not _FILE_RE.match(file):
            raise SnapshotError(f"snapshot {self.id}: {str(file)[:80]!r} is not a file name in the snapshot's folder")
        return self.path / file

    @property
    def synthetic_rows(self) -> int:
        return sum(t.get("synthetic_rows", 0) for t in self.manifest["tables"].values())



def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOTS



def is_snapshot_id(value: Any) -> bool:
    """Return whether `value` is a snapshot id: YYYYMMDDTHHMMSSZ, maybe followed by -suffix."""
    return isinstance(value, str) and _ID_RE.match(value) is not None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()



def list_snapshots(data_dir: Path) -> list[str]:
    """Return the ids of published snapshots, oldest first (staging folders are not snapshots).

    Raise SnapshotError when the snapshots folder exists but cannot be listed (its permissions, say).
    """
    root = snapshots_dir(data_dir)
    try:
        with os.scandir(root) as entries:
            return sorted(e.name for e in entries if is_snapshot_id(e.name) and _is_folder(e))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise SnapshotError(f"cannot list the snapshots folder {root}: {exc.strerror or exc}") from None



def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return True  # listed, so that verifying it says what is wrong with it



def open_snapshot(data_dir: Path, snapshot_id: str) -> Snapshot:
    """Return the snapshot's manifest without verifying its files."""
    if not is_snapshot_id(snapshot_id):
        raise SnapshotError(f"{str(snapshot_id)[:80]!r} is not a snapshot id")
    path = snapshots_dir(data_dir) / snapshot_id
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"snapshot {snapshot_id}: no {MANIFEST}") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise SnapshotError(f"snapshot {snapshot_id}: unreadable {MANIFEST}: {exc}") from None
    except OSError as exc:  # e.g. a folder its builder's umask left unreadable to the server's user
        raise SnapshotError(f"snapshot {snapshot_id}: cannot read {MANIFEST}: {exc.strerror or exc}") from None
    if not isinstance(manifest, dict):
        raise SnapshotError(f"snapshot {snapshot_id}: {MANIFEST} is not a JSON object")
    return Snapshot(snapshot_id, path, manifest)



def verify(data_dir: Path, snapshot_id: str) -> Snapshot:
    """Check a snapshot's manifest against its folder and recompute every checksum, row and synthetic row count.

    Return the snapshot, or raise SnapshotError: also when a file cannot be read (its permissions), when
    the manifest names a file outside the folder, another snapshot's id, a created_at that is not a
    time, or a synthetic row count the tables do not hold.
    """
    snap = open_snapshot(data_dir, snapshot_id)
    manifest = snap.manifest
    if manifest.get("snapshot_id") != snapshot_id:
        raise SnapshotError(f"snapshot {snapshot_id}: its manifest names snapshot "
                            f"{str(manifest.get('snapshot_id'))[:80]!r}, not its folder's name")
    _check_created_at(snapshot_id, manifest.get("created_at"))
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError(f"snapshot {snapshot_id}: manifest lists no tables")
    if manifest.get("schema_version") != schema.SCHEMA_VERSION:
        raise SnapshotError(f"snapshot {snapshot_id}: schema version {manifest.get('schema_version')} "
                            f"is not {schema.SCHEMA_VERSION}")
    for name in schema.TABLES:
        if name not in tables:
            raise SnapshotError(f"snapshot {snapshot_id}: manifest has no table {name}")
    rollups = manifest.get("rollups", {})
    if not isinstance(rollups, dict):
        raise SnapshotError(f"snapshot {snapshot_id}: manifest rollups are not a mapping")
    sources = manifest.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) and isinstance(s.get("rows", {}), dict)
                                                for s in sources):
        raise SnapshotError(f"snapshot {snapshot_id}: manifest sources are not a list of sources")
    for name, entry in list(tables.items()) + [(f"rollup {n}", e) for n, e in rollups.items()]:
        if not isinstance(entry, dict):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: its manifest entry is not a mapping")
        path = snap.file_path(entry.get("file"))
        try:
            if not stat.S_ISREG(path.lstat().st_mode):  # a link could point anywhere
                raise SnapshotError(f"snapshot {snapshot_id}: table {name}: {path.name} is not a plain file")
            actual = sha256_file(path)
        except FileNotFoundError:
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: file {path.name} is missing") from None
        except OSError as exc:
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: cannot read {path.name}: "
                                f"{exc.strerror or exc}") from None
        if actual != entry.get("sha256"):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: checksum mismatch in {path.name} "
                                f"(manifest {entry.get('sha256')}, file {actual})")
        try:
            with pq.ParquetFile(path) as parquet:
                rows = parquet.metadata.num_rows
                synthetic = _synthetic_rows(parquet) if name in schema.TABLES else None
        except Exception as exc:  # a corrupt file: pyarrow raises several types
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: unreadable parquet: {exc}") from None
        if rows != entry.get("rows"):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: {rows} rows, manifest says {entry.get('rows')}")
        if synthetic is not None and synthetic != entry.get("synthetic_rows", 0):
            raise SnapshotError(f"snapshot {snapshot_id}: table {name}: {synthetic} synthetic rows, manifest says "
                                f"{str(entry.get('synthetic_rows', 0))[:40]}")
    _verify_files(snap)
    return snap


def _verify_files(snap: Snapshot) -> None:
    """Check the manifest's other files (`files`: name -> {file, sha256}, e.g. datapackage.json) against their checksums."""
    files = snap.manifest.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(e, dict) for e in files.values()):
        raise SnapshotError(f"snapshot {snap.id}: manifest files are not a mapping of file entries")
    for name, entry in files.items():
        path = snap.file_path(entry.get("file"))
        try:
            if not stat.S_ISREG(path.lstat().st_mode):
                raise SnapshotError(f"snapshot {snap.id}: {path.name} is not a plain file")
            actual = sha256_file(path)
        except FileNotFoundError:
            raise SnapshotError(f"snapshot {snap.id}: file {path.name} is missing") from None
        except OSError as exc:
            raise SnapshotError(f"snapshot {snap.id}: cannot read {path.name}: {exc.strerror or exc}") from None
        if actual != entry.get("sha256"):
            raise SnapshotError(f"snapshot {snap.id}: checksum mismatch in {path.name} "
                                f"(manifest {entry.get('sha256')}, file {actual})")



def _check_created_at(snapshot_id: str, value: Any) -> None:
    """Raise SnapshotError unless `value` is an ISO 8601 time with its offset (what publish.write_snapshot writes)."""
    try:
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise SnapshotError(f"snapshot {snapshot_id}: created_at {str(value)[:80]!r} is not an ISO 8601 time "
                            "with its UTC offset")



def _synthetic_rows(parquet: pq.ParquetFile) -> int:
    """Return how many rows of a table are marked synthetic (its `synthetic` column; 0 without one)."""
    if "synthetic" not in parquet.schema_arrow.names:
        return 0
    column = parquet.read(columns=["synthetic"]).column("synthetic")
    return int(pc.sum(column).as_py() or 0)



def newest_good(data_dir: Path, *, on_refused: Callable[[str, str], None] = lambda i, why: None) -> Snapshot | None:
    """Return the newest snapshot that verifies, reporting each newer one refused; None when there is none.

    Raise SnapshotError when the snapshots folder cannot be listed.
    """
    for snapshot_id in reversed(list_snapshots(data_dir)):
        try:
            return verify(data_dir, snapshot_id)
        except SnapshotError as exc:
            on_refused(snapshot_id, str(exc))
    return None



def source_changes(base: dict, head: dict) -> list[dict]:
    """Return how the sources of two manifests differ: one dict per source, `change` added, dropped, updated or unchanged.

    A source is known by its name. It is updated when its content hash differs (for manifests
    written before content hashes, when its rows per table or its location differ). The newer
    manifest's sources come first, in its order, then the dropped ones.
    """
    before = {s.get("name"): s for s in base.get("sources", [])}
    after = {s.get("name"): s for s in head.get("sources", [])}

    def entry(change: str, old: dict | None, new: dict | None) -> dict:
        either = new or old or {}
        return {
            "change": change, "name": either.get("name"), "kind": either.get("kind"),
            "location": either.get("path") or either.get("url"),
            "rows_before": sum((old or {}).get("rows", {}).values()) if old else None,
            "rows_after": sum((new or {}).get("rows", {}).values()) if new else None,
            "data_date_before": (old or {}).get("data_date"), "data_date_after": (new or {}).get("data_date"),
        }

    out = []
    for name, new in after.items():
        old = before.get(name)
        if old is None:
            change = "added"
        elif old.get("content_sha256") and new.get("content_sha256"):
            change = "unchanged" if old["content_sha256"] == new["content_sha256"] else "updated"
        else:
            same = old.get("rows") == new.get("rows") and (old.get("path") or old.get("url")) == (
                new.get("path") or new.get("url"))
            change = "unchanged" if same else "updated"
        out.append(entry(change, old, new))
    out += [entry("dropped", old, None) for name, old in before.items() if name not in after]
    return out



def iter_rows(snap: Snapshot, table: str) -> Iterable[dict]:
    return pq.read_table(snap.table_path(table)).to_pylist()
