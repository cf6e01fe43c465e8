"""The query layer: the only module that imports duckdb. Runs queries/<name>.sql on a verified snapshot."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import graphlib
import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import config, progress, schema, snapshots

log = logging.getLogger(__name__)

_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
_COMMENT_RE = re.compile(r"--[^\n]*")


class QueryError(Exception):
    """A query that cannot run: unknown name, missing parameter, or over its time limit."""


class NoSnapshot(Exception):
    """No snapshot in the data folder verifies."""


# ---------------------------------------------------------------- snapshot selection

class _Served:
    """Which snapshot is served: the newest that verifies, re-checked when the folder changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._snapshot: snapshots.Snapshot | None = None
        self.refused: dict[str, str] = {}
        self._verified: dict[str, snapshots.Snapshot] = {}
        self._unlisted: str | None = None  # why the snapshots folder could not be listed, logged once

    def current(self, data_dir: Path) -> snapshots.Snapshot:
        root = snapshots.snapshots_dir(data_dir)
        try:
            listing = tuple(snapshots.list_snapshots(data_dir))
            # A snapshot copied in file by file (not published by rename) can be caught half-way and
            # refused; its folder and manifest times change as the rest lands, so it is checked again.
            retry = tuple((i, _mtime(root / i), _mtime(root / i / snapshots.MANIFEST)) for i in sorted(self.refused))
            key = (str(root), listing, _mtime(root), retry)
        except snapshots.SnapshotError as exc:
            # The folder cannot be listed (its permissions): the snapshot served so far stays served.
            if str(exc) != self._unlisted:
                log.error("%s; serving %s", exc, self._snapshot.id if self._snapshot else "nothing")
            self._unlisted = str(exc)
            same_folder = self._key is not None and self._key[0] == str(root)
            key = self._key if same_folder else (str(root), None, 0, ())
        else:
            self._unlisted = None
        with self._lock:
            if key != self._key:
                refused: dict[str, str] = {}

                def note(snapshot_id: str, why: str) -> None:
                    refused[snapshot_id] = why
                    log.error("refusing snapshot %s: %s", snapshot_id, why)

                try:
                    # Refused: a snapshot that fails its checks, and one this user cannot read (an OS error).
                    self._snapshot = snapshots.newest_good(data_dir, on_refused=note)
                except snapshots.SnapshotError as exc:  # the folder cannot be listed (its permissions)
                    if self._key is None or self._key[0] != str(root):
                        self._snapshot = None  # what was served came from another data folder
                    log.error("%s; serving %s", exc, self._snapshot.id if self._snapshot else "nothing")
                self.refused = refused
                self._key = key
            if self._snapshot is None:
                raise NoSnapshot(f"no verified snapshot in {root}" + (f" ({self._unlisted})" if self._unlisted else ""))
            return self._snapshot

    def get(self, data_dir: Path, snapshot_id: str) -> snapshots.Snapshot:
        cache_key = f"{data_dir}:{snapshot_id}"
        with self._lock:
            hit = self._verified.get(cache_key)
        if hit is None:
            try:
                hit = snapshots.verify(data_dir, snapshot_id)
            except snapshots.SnapshotError as exc:
                raise QueryError(str(exc)) from None
            with self._lock:
                self._verified[cache_key] = hit
        return hit


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


_served = _Served()


def current_snapshot(data_dir: Path | None = None) -> snapshots.Snapshot:
    """Return the snapshot being served: the newest in the data folder that verifies."""
    return _served.current(Path(data_dir or config.data_dir()))


def refused_snapshots() -> dict[str, str]:
    """Return the snapshots newer than the served one that were refused, with why."""
    return dict(_served.refused)


def get_snapshot(snapshot_id: str, data_dir: Path | None = None) -> snapshots.Snapshot:
    """Return a named snapshot after verifying it; raise QueryError if it does not verify."""
    return _served.get(Path(data_dir or config.data_dir()), snapshot_id)


def available_snapshots(data_dir: Path | None = None) -> list[str]:
    """Return every published snapshot id, oldest first; none when the snapshots folder cannot be listed."""
    try:
        return snapshots.list_snapshots(Path(data_dir or config.data_dir()))
    except snapshots.SnapshotError:
        return []  # _Served.current logs why, and keeps serving what it served


# ---------------------------------------------------------------- SQL files

@functools.lru_cache(maxsize=None)
def _sql_file(name: str, mtime_ns: int) -> str:
    return (config.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def sql_text(name: str) -> str:
    """Return the text of queries/<name>.sql."""
    if not _NAME_RE.match(name or ""):
        raise QueryError(f"{name!r} is not a query name")
    path = config.QUERIES_DIR / f"{name}.sql"
    try:
        return _sql_file(name, path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise QueryError(f"no query named {name!r} in {config.QUERIES_DIR}") from None


def query_names() -> list[str]:
    """Return the names of every query file."""
    return sorted(p.stem for p in config.QUERIES_DIR.glob("*.sql"))


def _definition(folder: str, kind: str, name: str) -> str:
    """Return the text of queries/<folder>/<name>.sql (a rollup, macro or comparison definition)."""
    if not _NAME_RE.match(name or ""):
        raise QueryError(f"{name!r} is not a {kind} name")
    path = config.QUERIES_DIR / folder / f"{name}.sql"
    try:
        return _sql_file(f"{folder}/{name}", path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise QueryError(f"no {kind} named {name!r} in {path.parent}") from None


def _names(folder: str) -> list[str]:
    return sorted(p.stem for p in (config.QUERIES_DIR / folder).glob("*.sql"))


_READS_RE = re.compile(r"\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*)\b", re.IGNORECASE)


def _reading_order(names: list[str], sql_of, kind: str) -> list[str]:
    """Return `names` ordered so that each comes after those of them its SQL reads.

    The order comes from the SQL itself: the names each definition reads (after `from` or `join`).
    """
    wanted = set(names)
    graph = {name: sorted(set(_READS_RE.findall(_COMMENT_RE.sub("", sql_of(name)))) & (wanted - {name}))
             for name in sorted(wanted)}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise QueryError(f"{kind}s {' -> '.join(exc.args[1])} read each other") from None


# ---------------------------------------------------------------- macros

MACROS = "macros"  # queries/macros/<name>.sql: `create macro <name>(...) as ...`, a rule many queries call
_MACRO_RE = re.compile(r"^create macro ([a-z][a-z0-9_]*)\(", re.MULTILINE)


def macro_names() -> list[str]:
    """Return the names of every macro defined in SQL (queries/macros/<name>.sql)."""
    return _names(MACROS)


def sql_macros(schema_name: str = "main") -> list[str]:
    """Return the statements that define, in `schema_name`, every macro a query may call.

    The status rules and rank limits come from dashboard.progress (progress.sql_macros); the
    filters queries share from queries/macros/<name>.sql, each one `create macro <name>(...)`.
    The query layer runs them when it binds a snapshot; a notebook can run them on its own connection.
    """
    statements = list(progress.sql_macros(schema_name))
    for name in macro_names():
        text = _definition(MACROS, "macro", name)
        if _MACRO_RE.findall(_COMMENT_RE.sub("", text)) != [name]:
            raise QueryError(f"queries/{MACROS}/{name}.sql must define one macro, named {name}")
        statements.append(_MACRO_RE.sub(f"create or replace macro {schema_name}.{name}(", text, count=1))
    return statements


# ---------------------------------------------------------------- comparisons

COMPARISONS = "comparisons"  # queries/comparisons/<name>.sql: what changed from a base snapshot to this one


def comparison_names() -> list[str]:
    """Return the names of every comparison view (queries/comparisons/<name>.sql)."""
    return _names(COMPARISONS)


def comparison_sql(name: str) -> str:
    """Return the SELECT that defines a comparison view, over this snapshot's tables and base.<table>."""
    return _definition(COMPARISONS, "comparison", name)


# ---------------------------------------------------------------- rollups

ROLLUPS = "rollups"  # queries/rollups/<name>.sql: summaries written beside a snapshot's tables


def rollup_names() -> list[str]:
    """Return the names of every rollup (queries/rollups/<name>.sql)."""
    return _names(ROLLUPS)


def rollup_sql(name: str) -> str:
    """Return the SELECT that defines a rollup, over the snapshot's tables."""
    return _definition(ROLLUPS, "rollup", name)


def rollup_digest(name: str) -> str:
    """Return a digest of a rollup's definition: a snapshot's rollup file is used only while it still matches."""
    return hashlib.sha256(rollup_sql(name).encode("utf-8")).hexdigest()


def build_rollups(folder: Path, tables: dict[str, Path]) -> dict[str, dict]:
    """Write every rollup of `tables` (name -> parquet file) as a parquet file in `folder`; return their manifest entries.

    Used while a snapshot is built, so queries read small pre-aggregated tables instead of
    scanning millions of rows. The connection is a private one that may write into `folder`.
    """
    conn = duckdb.connect(database=":memory:", config={
        "threads": config.rollup_threads(),
        "memory_limit": config.rollup_memory(),
    })
    try:
        conn.execute("set enable_progress_bar = false")
        for statement in progress.sql_macros("main"):  # the rank limits a rollup reads (dashboard.progress)
            conn.execute(statement)
        for table, path in tables.items():
            conn.execute(f"create view {table} as select * from read_parquet({_quote(path)})")
        _define_rollups(conn, "main", rollup_names())  # a rollup may read another
        built = {}
        for name in rollup_names():
            file = f"rollup_{name}.parquet"
            target = Path(folder) / file
            conn.execute(f"copy ({rollup_sql(name)}\n) to {_quote(target)} "
                         "(format parquet, compression zstd, row_group_size 16384)")
            rows = conn.execute(f"select count(*) from read_parquet({_quote(target)})").fetchone()[0]
            built[name] = {"file": file, "rows": rows, "definition_sha256": rollup_digest(name)}
        return built
    finally:
        conn.close()


def parameters(sql: str) -> list[str]:
    """Return the $parameters a statement binds, in order of first use."""
    seen: list[str] = []
    for name in _PARAM_RE.findall(_COMMENT_RE.sub("", sql)):
        if name not in seen:
            seen.append(name)
    return seen


# ---------------------------------------------------------------- connections

def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class _Database:
    """One locked-down DuckDB database per data folder in this process; each thread queries through its own cursor.

    The threads share the database's buffer pool, Parquet metadata cache and catalog: each snapshot's
    views are bound once per process (in a schema of their own) rather than once per thread, which
    cost a few hundred ms on every new thread's first query and a buffer pool per thread.
    """

    def __init__(self, data_dir: Path) -> None:
        self.root = _connect(data_dir)
        self.lock = threading.Lock()  # the root connection is only used under it, to bind snapshots
        self.schemas: dict[str | tuple[str, str], str] = {}  # snapshot id (or with a base's) -> its schema
        self.local = threading.local()

    def cursor(self):
        cursor = getattr(self.local, "cursor", None)
        if cursor is None:
            cursor = self.local.cursor = self.root.cursor()
            self.local.using = None
        return cursor

    def schema_for(self, snap: snapshots.Snapshot, base: snapshots.Snapshot | None = None) -> str:
        """Return the schema holding `snap`'s views, binding them on first use.

        With a base, the schema also holds the comparison views (queries/comparisons/) of `snap`
        against `base`: one schema per pair compared, beside the base's own.
        """
        key = snap.id if base is None else (snap.id, base.id)
        found = self.schemas.get(key)
        if found is None:
            base_schema = None if base is None else self.schema_for(base)
            with self.lock:
                found = self.schemas.get(key)
                if found is None:
                    found = (f"snap_{_safe(snap.id)}" if base is None
                             else f"cmp_{_safe(snap.id)}__{_safe(base.id)}")
                    _bind_views(self.root, found, snap)
                    if base_schema is not None:
                        _bind_comparisons(self.root, found, base_schema)
                    self.schemas[key] = found
        return found

    def use(self, cursor, schema_name: str) -> None:
        """Make `schema_name` the cursor's default schema (unqualified table names are that snapshot's)."""
        if self.local.using != schema_name:
            cursor.execute(f"use {schema_name}")
            self.local.using = schema_name


def _safe(snapshot_id: str) -> str:
    """Return a snapshot id as part of a schema name (letters, digits and _)."""
    return re.sub(r"[^A-Za-z0-9]", "_", snapshot_id)


_databases: dict[str, _Database] = {}
_databases_lock = threading.Lock()


@atexit.register
def _close_databases() -> None:
    """Close every database before the interpreter tears its modules down (DuckDB objects alive then are reported as leaks)."""
    with _databases_lock:
        for db in _databases.values():
            try:
                db.root.close()
            except duckdb.Error:
                pass
        _databases.clear()


def _settings() -> dict[str, str]:
    return {
        "threads": config.duckdb_threads(),
        "memory_limit": config.duckdb_memory(),
    }


def _connect(data_dir: Path):
    conn = duckdb.connect(database=":memory:", config=_settings())
    root = snapshots.snapshots_dir(data_dir).resolve()
    conn.execute(f"set allowed_directories = [{_quote(str(root) + os.sep)}]")
    conn.execute("set enable_external_access = false")
    conn.execute("set enable_progress_bar = false")  # a long query would draw a bar on the server's stdout
    conn.execute("set parquet_metadata_cache = true")  # snapshots never change: read each file's footer once
    conn.execute("set lock_configuration = true")
    return conn


def _database(data_dir: Path) -> _Database:
    key = str(data_dir)
    db = _databases.get(key)
    if db is None:
        with _databases_lock:
            db = _databases.get(key)
            if db is None:
                db = _databases[key] = _Database(data_dir)
    return db


def warm(data_dir: Path | None = None) -> None:
    """Open this process's database on the data folder and bind the served snapshot's views; no snapshot: nothing."""
    d = Path(data_dir or config.data_dir()).resolve()
    try:
        snap = current_snapshot(d)
    except NoSnapshot:
        return
    _database(d).schema_for(snap)


def _connection(data_dir: Path) -> dict:
    """Return this thread's cursor on the data folder's database (as {"conn": cursor})."""
    return {"conn": _database(data_dir).cursor()}


def _bind_views(conn, schema_name: str, snap: snapshots.Snapshot) -> None:
    """Create `schema_name` with a view per table of `snap` and per rollup (its written file, or its definition)."""
    conn.execute(f"create schema if not exists {schema_name}")
    for statement in sql_macros(schema_name):  # the status rules (dashboard.progress) and shared filters (queries/macros)
        conn.execute(statement)
    for table in schema.TABLES:
        conn.execute(f"create or replace view {schema_name}.{table} as "
                     f"select * from read_parquet({_quote(snap.table_path(table))})")
    on_the_fly = []
    for name, file in rollup_sources(snap):
        if file:
            conn.execute(f"create or replace view {schema_name}.{name} as "
                         f"select * from read_parquet({_quote(snap.file_path(file))})")
        else:
            on_the_fly.append(name)
    _define_rollups(conn, schema_name, on_the_fly)


def rollup_sources(snap: snapshots.Snapshot) -> list[tuple[str, str | None]]:
    """Return (rollup, its file in the snapshot's folder or None) for every rollup, in the order to define them.

    A rollup is read from the file written with the snapshot while that file was written by its current
    definition; else (a snapshot from before this rollup or its definition) it is computed on the fly from
    rollup_sql(name): those come last, each after the rollups it reads.
    """
    built = snap.manifest.get("rollups", {})
    written, on_the_fly = [], []
    for name in rollup_names():
        entry = built.get(name)
        if isinstance(entry, dict) and entry.get("definition_sha256") == rollup_digest(name):
            written.append((name, entry.get("file")))
        else:
            on_the_fly.append(name)
    return written + [(name, None) for name in _reading_order(on_the_fly, rollup_sql, "rollup")]


def _define_rollups(conn, schema_name: str, names: list[str]) -> None:
    """Create each rollup as a view of its definition, those another reads first (names resolve in its schema)."""
    for name in _reading_order(names, rollup_sql, "rollup"):
        try:
            conn.execute(f"create or replace view {schema_name}.{name} as {rollup_sql(name)}\n")
        except duckdb.CatalogException as exc:
            raise QueryError(f"rollup {name} reads what does not exist: {exc}") from None


def _bind_comparisons(conn, schema_name: str, base_schema: str) -> None:
    """Create the comparison views in `schema_name` (a snapshot's views), base.<table> being `base_schema`'s."""
    for name in _reading_order(comparison_names(), comparison_sql, "comparison"):
        conn.execute(f"create or replace view {schema_name}.{name} as "
                     f"{_with_base(comparison_sql(name), base_schema)}\n")


_BASE_RE = re.compile(r"\bbase\.")


@functools.lru_cache(maxsize=256)
def _with_base(sql: str, base_schema: str) -> str:
    """Return `sql` with its `base.<table>` names pointing at the base snapshot's schema."""
    return _BASE_RE.sub(base_schema + ".", sql)


_reads_only: dict[str, str | None] = {}  # SQL text -> why it is refused (None: one SELECT)


def _only_reads(conn, name: str, sql: str) -> None:
    """Refuse anything but one SELECT.

    DuckDB may read the snapshot folder, and that permission also lets COPY ... TO, ATTACH and
    EXPORT DATABASE write into it; a query file is only ever a read, so nothing else is run.
    The verdict is kept per SQL text (parsing costs milliseconds on every call otherwise).
    """
    if sql not in _reads_only:
        statements = conn.extract_statements(sql)
        ok = len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT
        _reads_only[sql] = None if ok else (", ".join(st.type.name for st in statements) or "no statement")
    found = _reads_only[sql]
    if found is not None:
        raise QueryError(f"query {name} must be one SELECT statement, not {found}: the query layer only reads")


def _timeout_s() -> float:
    return config.query_timeout()


class _Watchdog:
    """One thread that interrupts queries past their deadline (a timer thread per query costs more than most queries)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running: dict[int, tuple[float, Any]] = {}
        self._next = 0
        self._thread: threading.Thread | None = None

    def watch(self, conn, seconds: float) -> int:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ogdash-query-watchdog", daemon=True)
                self._thread.start()
            self._next += 1
            self._running[self._next] = (time.monotonic() + seconds, conn)
            self._cond.notify()
            return self._next

    def done(self, token: int) -> None:
        with self._cond:
            self._running.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                late = [token for token, (deadline, _) in self._running.items() if deadline <= now]
                for token in late:
                    self._running.pop(token)[1].interrupt()
                soonest = min((deadline for deadline, _ in self._running.values()), default=now + 3600)
                self._cond.wait(timeout=max(0.001, soonest - now))  # holds no connection while it waits


_watchdog = _Watchdog()


def _execute(name: str, snap: snapshots.Snapshot, base: snapshots.Snapshot | None,
             params: tuple[tuple[str, Any], ...], data_dir: Path) -> pd.DataFrame:
    sql = sql_text(name)
    wanted = parameters(sql)
    given = dict(params)
    missing = [p for p in wanted if p not in given]
    if missing:
        raise QueryError(f"query {name} needs parameter(s) {', '.join('$' + m for m in missing)}")
    db = _database(data_dir)
    conn = db.cursor()
    _only_reads(conn, name, sql)
    db.use(conn, db.schema_for(snap, base))
    if base is not None:
        sql = _with_base(sql, db.schema_for(base))
    started = time.perf_counter()
    token = _watchdog.watch(conn, _timeout_s())
    try:
        return conn.execute(sql, {p: _thaw(given[p]) for p in wanted}).df()
    except duckdb.InterruptException:
        raise QueryError(f"query {name} took longer than {_timeout_s():g} s and was stopped") from None
    except duckdb.OutOfMemoryException:
        raise QueryError(f"query {name} needed more than the {_settings()['memory_limit']} memory limit "
                         "and was stopped") from None
    finally:
        _watchdog.done(token)
        log.debug("query %s %.1f ms", name, 1000 * (time.perf_counter() - started))


MAX_KEY_CHARS = 8192  # a cache key (its parameters written out) longer than this is not kept


class _ResultCache:
    """Query results by (query, snapshot, base, parameters), least recently used dropped first, bounded in bytes.

    A count bound alone let a few large frames (a hundred thousand rows each) hold hundreds of MB.
    """

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple) -> pd.DataFrame | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: tuple, frame: pd.DataFrame) -> None:
        if len(repr(key)) > MAX_KEY_CHARS:
            return  # parameters this long come from a tampered request: never kept
        size = int(frame.memory_usage(index=True, deep=True).sum())
        if size > self.max_bytes // 4:
            return  # one result may not push out most of the others
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (frame, size)
            self._bytes += size
            while self._items and (self._bytes > self.max_bytes or len(self._items) > self.max_entries):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_results = _ResultCache(max_bytes=int(config.query_cache_mb() * 2**20),
                        max_entries=config.query_cache_entries())


def _cached(name: str, snap_id: str, base_id: str | None, params: tuple, data_dir: str) -> pd.DataFrame:
    key = (name, snap_id, base_id, params, data_dir)
    hit = _results.get(key)
    if hit is not None:
        return hit
    d = Path(data_dir)
    snap = _served.get(d, snap_id)
    base = _served.get(d, base_id) if base_id else None
    frame = _execute(name, snap, base, params, d)
    _results.put(key, frame)
    return frame


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def query(name: str, *, snapshot: str | None = None, base: str | None = None,
          data_dir: Path | None = None, **params: Any) -> pd.DataFrame:
    """Return the result of queries/<name>.sql on a snapshot (default: the served one), values bound as $params.

    `base` names a second snapshot to compare with: the views of queries/comparisons/ (what changed
    from it to this one) appear beside this snapshot's tables, and its own tables as `base.<table>`.
    Results are cached on (snapshot id, base id, query, parameters): snapshots never change.
    """
    d = Path(data_dir or config.data_dir()).resolve()
    snap_id = snapshot or current_snapshot(d).id
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    result = _cached(name, snap_id, base, frozen, str(d))
    # Copy-on-write (pandas 3): a shallow copy is a new frame whose changes never reach the cached one.
    return result.copy(deep=False)


def clear_cache() -> None:
    _results.clear()


# ---------------------------------------------------------------- named queries from the command line (ogdash query)

_LIST_FUNCTIONS_RE = r"(?:len|list_contains|list_has_any|list_has_all|unnest|array_length)\(\s*\${}\b"
_IN_FILTERS_RE = re.compile(r"\bin_filters\(([^()]*)\)")
_ISO_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_INT_RE = re.compile(r"^[+-]?\d+\Z")
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\Z")


def list_parameters(sql: str) -> set[str]:
    """Return the $parameters a statement uses as lists: passed to a list function, or as in_filters' choices.

    in_filters(jurisdictions, levels, jurisdiction_id, level[, cycles, cycle]) takes its first two
    arguments, its fifth and `cycles := ...` as lists (queries/macros/in_filters.sql).
    """
    text = _COMMENT_RE.sub("", sql)
    found = {p for p in parameters(text) if re.search(_LIST_FUNCTIONS_RE.format(p), text)}
    for call in _IN_FILTERS_RE.findall(text):
        args = [a.strip() for a in call.split(",")]
        for i, arg in enumerate(args):
            named = re.match(r"^cycles\s*:=\s*\$([A-Za-z_]\w*)\Z", arg)
            if named:
                found.add(named.group(1))
            elif i in (0, 1, 4) and re.match(r"^\$([A-Za-z_]\w*)\Z", arg):
                found.add(arg[1:])
    return found


def typed_value(text: str):
    """Return a parameter written on the command line as the value it stands for.

    "" or "null": null; YYYY-MM-DD: a date; an integer; a decimal number; "true"/"false": a boolean;
    anything else, or anything in quotes ('2024'), the text itself (bound as a value, never spliced into SQL).
    """
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]  # quoted: text as it is, even "2024" or "null"
    if value == "" or value.lower() == "null":
        return None
    if _ISO_DAY_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{value!r} looks like a date but is not one (YYYY-MM-DD)") from None
    if _INT_RE.match(value):
        return int(value)
    if _FLOAT_RE.match(value):
        return float(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return text


def bind_cli_parameters(name: str, given: list[tuple[str, str]]) -> dict[str, Any]:
    """Return the $parameters of queries/<name>.sql from KEY=VALUE pairs given on the command line, typed.

    A list parameter takes every value given for it, each split at commas ("ca,ca-qc", or the key repeated;
    an empty value is the empty list: no filter). Raise QueryError for an unknown query (naming the known
    ones), a parameter the query does not take, or one it needs that is not given (naming its parameters).
    """
    if name not in query_names():
        raise QueryError(f"no query named {name!r}; the queries are: {', '.join(query_names())}")
    sql = sql_text(name)
    wanted = parameters(sql)
    lists = list_parameters(sql)
    described = ", ".join(f"{p} (list)" if p in lists else p for p in wanted) or "none"
    values: dict[str, Any] = {}
    for key, raw in given:
        if key not in wanted:
            raise QueryError(f"query {name} takes no parameter {key!r}; its parameters are: {described}")
        if key in lists:
            items = [typed_value(part) for part in raw.split(",") if part.strip()]
            values[key] = values.get(key, []) + items
        elif key in values:
            raise QueryError(f"parameter {key!r} of query {name} takes one value, given twice")
        else:
            values[key] = typed_value(raw)
    missing = [p for p in wanted if p not in values]
    if missing:
        raise QueryError(f"query {name} needs parameter(s) {', '.join(missing)} (give each as --param KEY=VALUE; "
                         f"an empty value is no filter for a list, null otherwise); its parameters are: {described}")
    return values


def json_value(value: Any) -> Any:
    """Return a result cell as plain JSON: missing values null, dates and times ISO 8601, lists as lists."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    # A list cell comes back from DuckDB as a numpy array, which has item() too (for one element only).
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) > 0 or (hasattr(value, "tolist")
                                                                           and not hasattr(value, "item")):
        return [json_value(v) for v in list(value)]
    if hasattr(value, "item") and not isinstance(value, (pd.Timestamp, dt.date)):
        value = value.item()  # a numpy scalar
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Return a result's rows as JSON records, in order (every cell through json_value).

    A column of times that all fall at midnight holds days (DuckDB's DATE comes back as a pandas time):
    its cells are written as days ("2024-03-31"), as pandas writes them in a CSV.
    """
    frame = frame.copy(deep=False)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            times = frame[col]
            if (times.dropna() == times.dropna().dt.normalize()).all():
                frame[col] = times.dt.date.astype(object).where(times.notna(), None)
    columns = [str(c) for c in frame.columns]
    return [{c: json_value(v) for c, v in zip(columns, row)} for row in frame.itertuples(index=False, name=None)]


def run_named(name: str, given: list[tuple[str, str]], *, snapshot: str | None = None, base: str | None = None,
              data_dir: Path | None = None) -> tuple[pd.DataFrame, str, dict[str, Any]]:
    """Run a named query with KEY=VALUE parameters from the command line; return (rows, snapshot id, bound values).

    The snapshot is `snapshot`, else the newest that verifies (the one served). QueryError for a parameter
    or query that does not exist (bind_cli_parameters), a snapshot that does not verify, or a query DuckDB
    refuses with these values (e.g. text where it compares a number).
    """
    params = bind_cli_parameters(name, given)
    d = Path(data_dir or config.data_dir()).resolve()
    snap = snapshot or current_snapshot(d).id
    try:
        return query(name, snapshot=snap, base=base, data_dir=d, **params), snap, params
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed on snapshot {snap} with these values (a value in quotes, e.g. "
                         f"q=\"'2024'\", is bound as text): {exc}") from None
