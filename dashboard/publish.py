"""Publishing snapshots: sources -> merge -> linking -> write -> rollups, under the data folder's lock.

The write side of the data folder. `build` reads every source of a sources file, merges and links
their tables, and publishes one dated snapshot: written in a staging folder, validated, checksummed,
summarised (the rollups, run by dashboard.data), then renamed into place; nothing is published when
no input changed. `write_scale_snapshot` publishes the scale generator's rows (`ogdash demo-data`) the
same way, and `prune` removes old snapshots. Reading what is published is dashboard.snapshots.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import config, datapackage, linking, schema
from dashboard import data as query_layer  # runs the rollup SQL (the only module that imports duckdb)
from dashboard.console import progress_bar
from dashboard.ingest import load_sources, read_source, reference, synthetic
from dashboard.ingest.common import IngestError, Source, validate_table
from dashboard.snapshots import (MANIFEST, Snapshot, SnapshotError, is_snapshot_id, list_snapshots, newest_good,
                                 sha256_file, snapshots_dir)

LOCK_FILE = ".build.lock"  # in snapshots/: held by every build, prune and demo-data while it runs
_LEFTOVERS = (".staging-*", ".trash-*")  # what an interrupted build (staging) or prune (trash) leaves
# Published snapshots are readable by everyone, whatever the umask of the user who built them: the
# server runs as another user (docs/deployment.md) and mkdtemp makes its folder 0700.
FOLDER_MODE, FILE_MODE = 0o755, 0o644

# The column that dates each table's records. When the sources file states no `data_date` for a
# source, its data date is the newest of these among its rows (dates after the day it was read are
# plans, not observations, and are left out). Tables not named here date plans (deadlines, cycles),
# not what was observed, so they give no data date. dashboard/bundled/README.md, "Data date", says the same.
RECORD_DATE = {
    "milestone_status": "period_date",
    "datasets": "modified",
    "learning_events": "period_end",
    "portal_metrics": "date",
}


class BuildLocked(SnapshotError):
    """Another build or prune holds the data folder's lock."""


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
                   *, snapshot_id: str | None = None, note: str | None = None,
                   inputs: dict | None = None) -> Snapshot:
    """Validate `tables`, write them as a new snapshot atomically and return it.

    `inputs` (from build) fingerprints what the snapshot was built from, so that the next build can
    tell whether anything changed.
    """
    root = snapshots_dir(data_dir)
    _make_readable_dirs(root)
    if snapshot_id is None:
        snapshot_id = new_snapshot_id()
        n = 1
        while (root / snapshot_id).exists() or any(root.glob(f".staging-{snapshot_id}-*")):
            snapshot_id = f"{new_snapshot_id()}-{n}"  # two builds in one second still sort in order
            n += 1
    if not is_snapshot_id(snapshot_id):
        raise SnapshotError(f"snapshot id {snapshot_id!r} is not of the form YYYYMMDDTHHMMSSZ[-suffix]")
    final = root / snapshot_id
    if final.exists():
        raise SnapshotError(f"snapshot {snapshot_id} exists already; snapshots are never modified")
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{snapshot_id}-", dir=root))
    try:
        manifest_tables = {}
        for name, declared in progress_bar(schema.TABLES.items(), total=len(schema.TABLES), desc="writing",
                                           unit="table"):
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
        rollups = query_layer.build_rollups(staging, {name: staging / entry["file"] for name, entry in manifest_tables.items()})
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
        if inputs:
            manifest["inputs"] = inputs
        if note:
            manifest["note"] = note
        # The snapshot's Frictionless data package, written before the manifest, which records its checksum.
        (staging / datapackage.FILE).write_text(datapackage.text(datapackage.describe(snapshot_id, manifest, staging)),
                                                encoding="utf-8")
        manifest["files"] = {datapackage.FILE: {"file": datapackage.FILE,
                                                "sha256": sha256_file(staging / datapackage.FILE)}}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for f in staging.iterdir():
            os.chmod(f, FILE_MODE)
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.chmod(staging, FOLDER_MODE)
        os.rename(staging, final)  # atomic on one filesystem: readers see all of it or none
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if _disk_full(exc):
            raise SnapshotError(f"snapshot {snapshot_id} not written: the disk holding {root} is full "
                                f"({_free_space(root)} free); its staging folder was removed. Free some space "
                                "(`ogdash snapshot prune --keep N` removes old snapshots) and build again") from None
        raise
    return Snapshot(snapshot_id, final, manifest)


def _make_readable_dirs(folder: Path) -> None:
    """Create `folder` and its missing parents, each readable by everyone (FOLDER_MODE) whatever the umask."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, FOLDER_MODE)


def _disk_full(exc: BaseException) -> bool:
    """Return whether `exc` says the disk (or the user's quota) is full; pyarrow and DuckDB say so in words."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return isinstance(exc, Exception) and ("No space left on device" in text or "Disk quota exceeded" in text)


def _free_space(folder: Path) -> str:
    try:
        free = float(shutil.disk_usage(folder).free)
    except OSError:
        return "unknown space"
    for unit in ("bytes", "KB", "MB"):
        if free < 1024:
            return f"{free:.0f} {unit}" if unit == "bytes" else f"{free:.1f} {unit}"
        free /= 1024
    return f"{free:.1f} GB"


def build(config_file: Path, data_dir: Path, *, log: Callable[[str], None] = lambda s: None,
          snapshot_id: str | None = None, force: bool = False, wait: float = 0.0) -> Snapshot:
    """Read every source in `config_file` and publish one snapshot; return it.

    When every source's content, the sources file and the code are the same as for the newest good
    snapshot, nothing is published and that snapshot is returned with published=False (`force`
    builds anyway). Raise IngestError on any bad source, BuildLocked when another build or prune
    holds the data folder for longer than `wait` seconds.
    """
    sources = load_sources(config_file)
    stated = {source.name: stated_data_date(source, config_file) for source in sources}
    inputs = build_inputs(config_file)
    with build_lock(data_dir, wait=wait, purpose="build"):
        remove_leftovers(data_dir, log=log)
        previous = newest_good(data_dir)
        files = {source.name: source_files(source) for source in sources}
        # Sources on disk are compared before they are read; one read over the network is read first.
        local = {s.name: content_sha256(s, files[s.name]) for s in sources if not reads_network(s)}
        if not force and len(local) == len(sources) and _unchanged(previous, inputs, sources, local):
            return _nothing_changed(previous, log)
        parts, described = _read_sources(sources, files, local, stated, config_file, log)
        contents = {entry["name"]: entry["content_sha256"] for entry in described}
        if not force and _unchanged(previous, inputs, sources, contents):
            return _nothing_changed(previous, log)
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
        return write_snapshot(data_dir, merged, described, snapshot_id=snapshot_id, inputs=inputs)


def _read_sources(sources: list[Source], files: dict[str, list[Path]], local: dict[str, str],
                  stated: dict[str, dt.date | None], config_file: Path, log: Callable[[str], None],
                  ) -> tuple[dict[str, list[tuple[Source, pa.Table]]], list[dict]]:
    """Run every source's connector; return the tables per table name and each source's manifest entry."""
    parts: dict[str, list[tuple[Source, pa.Table]]] = {name: [] for name in schema.TABLES}
    described = []
    rows_read = 0
    with progress_bar(total=len(sources), desc="reading sources", unit="source") as bar:
        for source in sources:
            bar.set_postfix_str(source.name)
            now = dt.datetime.now(dt.timezone.utc)
            tables = read_source(source)
            rows = {}
            for name, data in tables.items():
                if name not in schema.TABLES:
                    raise IngestError(source, f"connector returned an undeclared table {name!r}")
                parts[name].append((source, data))
                rows[name] = data.num_rows
            entry = {"name": source.name, "kind": source.kind, "retrieved_at": now.isoformat(timespec="seconds"),
                     "rows": rows}
            entry["path" if source.path else "url"] = _display_location(source, config_file)
            entry["content_sha256"] = local.get(source.name) or content_sha256(source, files[source.name])
            when, basis = data_date(source, tables, stated[source.name], now.date())
            entry["data_date"] = when.isoformat() if when else None
            entry["data_date_basis"] = basis
            if source.options.get("attribution"):
                entry["attribution"] = str(source.options["attribution"])
            # What the connector noted beyond its rows (Source.notes), e.g. a partial CKAN answer it accepted.
            entry.update({k: v for k, v in getattr(source, "notes", {}).items() if k not in entry})
            described.append(entry)
            rows_read += sum(rows.values())
            bar.set_postfix(rows=rows_read)
            bar.update()
            log(f"{source.name} ({source.kind}): " + ", ".join(f"{k} {v}" for k, v in rows.items() if v))
    return parts, described


def _unchanged(previous: Snapshot | None, inputs: dict, sources: list[Source], contents: dict[str, str]) -> bool:
    """Return whether `previous` was built from these inputs and sources with this content."""
    if previous is None:
        return False
    manifest = previous.manifest
    if manifest.get("inputs") != inputs or manifest.get("schema_version") != schema.SCHEMA_VERSION:
        return False
    before = [(s.get("name"), s.get("kind"), s.get("content_sha256")) for s in manifest.get("sources", [])]
    return before == [(s.name, s.kind, contents.get(s.name)) for s in sources]


def _nothing_changed(previous: Snapshot, log: Callable[[str], None]) -> Snapshot:
    log(f"nothing changed since snapshot {previous.id} (every source's content, the sources file and the code "
        "are the same): nothing published; --force builds anyway")
    return replace(previous, published=False)


# ---------------------------------------------------------------- what a build was made from

def build_inputs(config_file: Path) -> dict:
    """Return the fingerprint of a build's inputs besides its sources' content: the sources file and the code."""
    return {"sources_file_sha256": sha256_file(Path(config_file)), "code_sha256": code_sha256()}


def code_sha256() -> str:
    """Return a digest of the code that decides what a build writes.

    That is the Python a build runs (publish.py, every connector and the package modules they
    import, found by reading their imports) and the rollup definitions. A release that changes any
    of them rebuilds once even when no source changed; pages, figures and the app do not count.
    """
    package = Path(schema.__file__).resolve().parent
    digest = hashlib.sha256()
    for file in _build_modules(package):
        digest.update(f"{file.relative_to(package).as_posix()}\t{sha256_file(file)}\n".encode())
    for file in sorted((config.QUERIES_DIR / "rollups").glob("*.sql")):
        digest.update(f"rollups/{file.name}\t{sha256_file(file)}\n".encode())
    return digest.hexdigest()


def _build_modules(package: Path) -> list[Path]:
    """Return the package's Python files a build runs: publish.py, the connectors, and what they import, transitively."""
    todo = [package / "__init__.py", package / "publish.py", *(package / "ingest").rglob("*.py")]
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen or not file.is_file():
            continue
        seen.add(file)
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "dashboard" and len(parts) > 1:
                    module = package.joinpath(*parts[1:])
                    todo += [module.with_suffix(".py"), module / "__init__.py"]
    return sorted(seen)


def reads_network(source: Source) -> bool:
    """Return whether reading the source downloads something (its url, or an option that is a web address)."""
    return bool(source.url) or any(v.startswith(("http://", "https://")) for v in _option_strings(source.options))


def _option_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _option_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _option_strings(v)


def source_files(source: Source) -> list[Path]:
    """Return the local files a source reads: every file at its path (hidden ones apart) and any file an option names beside it."""
    if source.path is None:
        return []
    path = Path(source.path)
    if path.is_dir():
        folder = path
        files = sorted(f for f in path.rglob("*")
                       if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts))
    else:
        folder = path.parent
        files = [path] if path.is_file() else []
    seen = {f.resolve() for f in files}
    for value in _option_strings(source.options):
        if "://" in value or not value.strip():
            continue
        try:
            candidate = (folder / value).resolve()
            is_file = candidate.is_file()
        except (OSError, ValueError):
            continue
        if is_file and candidate not in seen:
            files.append(candidate)
            seen.add(candidate)
    return files


def content_sha256(source: Source, files: list[Path]) -> str:
    """Return the hash of what a source read.

    One file: that file's SHA-256 (what `sha256sum` prints). One download: its body's. Otherwise a
    SHA-256 over one line per file (its path and hash) and per download (its URL and hash), in
    reading order; a source with neither (generated rows) hashes its kind and options.
    """
    fetched = [(str(f.get("url") or ""), str(f.get("sha256") or "")) for f in source.fetched]
    if len(files) == 1 and not fetched:
        return sha256_file(files[0])
    if not files and len(fetched) == 1 and fetched[0][1]:
        return fetched[0][1]
    digest = hashlib.sha256()
    if not files and not fetched:
        digest.update(json.dumps({"kind": source.kind, "options": source.options}, sort_keys=True,
                                 default=str).encode())
    folder = None
    if source.path is not None:
        folder = Path(source.path) if Path(source.path).is_dir() else Path(source.path).parent
    for file in files:
        name = os.path.relpath(file, folder) if folder else str(file)
        digest.update(f"file {name}\t{sha256_file(file)}\n".encode())
    for url, sha in fetched:
        digest.update(f"url {url}\t{sha}\n".encode())
    return digest.hexdigest()


def stated_data_date(source: Source, config_file: Path) -> dt.date | None:
    """Return the source's `data_date` option as a date (None when unset); raise IngestError when it is not a date."""
    value = source.options.get("data_date")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise IngestError(source, "data_date must be a date written YYYY-MM-DD, e.g. data_date = 2024-07-31",
                      file=config_file, column="data_date", value=value)


def data_date(source: Source, tables: dict[str, pa.Table], stated: dt.date | None,
              read_on: dt.date) -> tuple[dt.date | None, str | None]:
    """Return the date a source's data describes and its basis: "stated", "newest record", "last-modified" or None.

    The date the sources file states wins; else the newest record date (RECORD_DATE) up to the day
    the source was read; else the newest HTTP Last-Modified of what was downloaded.
    """
    if stated is not None:
        return stated, "stated"
    newest = None
    for table, column in RECORD_DATE.items():
        data = tables.get(table)
        if data is None or not data.num_rows or column not in data.column_names:
            continue
        values = data.column(column)
        if pa.types.is_timestamp(values.type):
            values = pc.cast(values, pa.date32())
        values = pc.filter(values, pc.less_equal(values, pa.scalar(read_on, pa.date32())))
        found = pc.max(values).as_py() if len(values) else None
        if found is not None and (newest is None or found > newest):
            newest = found
    if newest is not None:
        return newest, "newest record"
    modified = []
    for download in source.fetched:
        try:
            modified.append(dt.datetime.fromisoformat(str(download["last_modified"])).date())
        except (KeyError, TypeError, ValueError):
            continue
    if modified:
        return max(modified), "last-modified"
    return None, None


# ---------------------------------------------------------------- the data folder's lock, leftovers, progress

@contextlib.contextmanager
def build_lock(data_dir: Path, *, wait: float = 0.0, purpose: str = "build") -> Iterator[Path]:
    """Hold the data folder's lock (snapshots/.build.lock) for the block.

    Wait up to `wait` seconds for another holder, then raise BuildLocked naming it. The lock is an
    fcntl.flock on the file, so the system releases it when its holder ends, even killed.
    """
    root = snapshots_dir(data_dir)
    _make_readable_dirs(root)
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    waited = f" after waiting {wait:g} s" if wait > 0 else ""
                    raise BuildLocked(f"the data folder is locked by another {holder} ({path}){waited}; nothing "
                                      "was done. Let it finish, or pass --wait SECONDS to wait for it") from None
                time.sleep(0.1)
        since = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{purpose} (pid {os.getpid()}, since {since})\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # the holder's note goes with it: the data folder is as the build found it
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_leftovers(data_dir: Path, *, log: Callable[[str], None] = lambda s: None) -> list[str]:
    """Remove the staging and trash folders an interrupted build or prune left; return their names.

    Call it with the lock held: then no build is writing any of them.
    """
    root = snapshots_dir(data_dir)
    removed = []
    for pattern in _LEFTOVERS:
        for folder in sorted(root.glob(pattern)):
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
                log(f"removed {folder.name}, left by a build or prune that was interrupted")
    return removed


def prune(data_dir: Path, keep: int, *, log: Callable[[str], None] = lambda s: None, wait: float = 0.0) -> list[str]:
    """Remove every snapshot but the `keep` newest and the one served; return the removed ids, oldest first.

    The served snapshot is the newest that verifies: it is what `ogdash serve` shows (every server
    re-reads the folder and moves to it), so it is kept whatever `keep` says.
    """
    if keep < 0:
        raise ValueError(f"keep must be 0 or more, not {keep}")
    with build_lock(data_dir, wait=wait, purpose="prune"):
        remove_leftovers(data_dir, log=log)
        root = snapshots_dir(data_dir)
        ids = list_snapshots(data_dir)
        kept = set(ids[len(ids) - keep:]) if keep else set()
        served = newest_good(data_dir)
        if served is not None:
            kept.add(served.id)
        removed = []
        for snapshot_id in ids:
            if snapshot_id in kept:
                continue
            trash = root / f".trash-{snapshot_id}"
            os.rename(root / snapshot_id, trash)  # gone from the listing in one step, then deleted
            shutil.rmtree(trash)
            removed.append(snapshot_id)
            log(f"removed snapshot {snapshot_id}")
        return removed


def _display_location(source: Source, config_file: Path) -> str:
    if source.path is None:
        return source.url or ""
    try:
        return os.path.relpath(source.path, Path(config_file).resolve().parent)
    except ValueError:
        return str(source.path)


# ---------------------------------------------------------------- the scale generator's snapshot (ogdash demo-data)

def write_scale_snapshot(data_dir: Path, scale: str, seed: int = synthetic.DEFAULT_SEED, *,
                         as_of: dt.date = synthetic.DEFAULT_AS_OF, reference_dir: Path | None = None) -> Snapshot:
    """Write a snapshot of the reference data plus generated volume of size `scale`; return it."""
    size = synthetic.scale_of(scale)
    reference_dir = Path(reference_dir) if reference_dir else config.DEFAULT_SOURCES.parent / "reference"
    ref_source = Source(name="reference", kind="reference", path=reference_dir)
    real = reference.read(ref_source)
    generated = synthetic.generate(size, seed=seed, as_of=as_of)
    merged: dict[str, pa.Table] = {}
    for name in schema.TABLES:
        parts = [t for t in (real.get(name), generated.get(name)) if t is not None]
        if name == "jurisdictions" and len(parts) == 2:
            known = real[name].column("jurisdiction_id")
            parts[1] = parts[1].filter(pc.invert(pc.is_in(parts[1].column("jurisdiction_id"), value_set=known)))
        merged[name] = pa.concat_tables(parts) if parts else schema.TABLES[name].empty_table()
    described = [
        {"name": "reference", "kind": "reference", "path": _display_path(reference_dir),
         "rows": {k: v.num_rows for k, v in real.items()}},
        {"name": "synthetic", "kind": "synthetic",
         "options": {"scale": scale, "seed": seed, "as_of": as_of.isoformat()},
         "rows": {k: v.num_rows for k, v in generated.items()}},
    ]
    note = (f"demo data: scale {scale}, seed {seed}, as of {as_of.isoformat()}; reference rows are real "
            f"(synthetic=false), every generated row has synthetic=true")
    return write_snapshot(Path(data_dir), merged, described, note=note)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.PROJECT_DIR))
    except ValueError:
        return str(path)
