"""Whole-table CSV downloads of a snapshot (/download/<snapshot_id>/<table>.csv), and the data dictionary text."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow.parquet as pq
from flask import Flask, Response, abort, request, stream_with_context

from dashboard import charts, config, data, schema, snapshots, state as state_mod, web

BATCH_ROWS = 20_000
DICTIONARY = config.DATA_DICTIONARY


def table_url(snapshot_id: str, table: str) -> str:
    """Return the download address of one table of a snapshot."""
    return f"/download/{snapshot_id}/{table}.csv"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\Z")


def neutralise_cell(value):
    """Return a text cell that a spreadsheet would run as a formula with a leading ' (OWASP's advice).

    Numbers, and text that is only a number ("-12.5"), stay as they are: they cannot run anything.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with list cells joined by "|" so every cell is one CSV value, formula cells neutralised."""
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: hasattr(v, "tolist") or isinstance(v, list)).any():
            frame[col] = frame[col].map(lambda v: "|".join(map(str, list(v))) if v is not None
                                        and not isinstance(v, str) and not (isinstance(v, float) and pd.isna(v)) else v)
        if not (pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_datetime64_any_dtype(frame[col])
                or pd.api.types.is_bool_dtype(frame[col])):
            frame[col] = frame[col].map(neutralise_cell)
    frame.columns = [neutralise_cell(str(c)) for c in frame.columns]
    return frame


def csv_chunks(path: Path) -> Iterator[str]:
    """Yield a parquet file as CSV text, UTF-8 byte-order mark and header first, one batch at a time."""
    yield "\ufeff"
    parquet = pq.ParquetFile(path)
    header = True
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        yield _flat(batch.to_pandas()).to_csv(index=False, header=header)
        header = False
    if header:  # an empty table still gets its header
        yield ",".join(parquet.schema_arrow.names) + "\n"


def frame_csv_chunks(rows: pd.DataFrame) -> Iterator[str]:
    """Yield a DataFrame as CSV text, UTF-8 byte-order mark and header first, BATCH_ROWS rows at a time."""
    yield "\ufeff"
    if rows.empty:
        yield ",".join(f'"{c}"' if "," in str(c) else str(c) for c in rows.columns) + "\n"
        return
    for start in range(0, len(rows), BATCH_ROWS):
        yield _flat(rows.iloc[start:start + BATCH_ROWS].copy()).to_csv(index=False, header=start == 0)


def _attachment(chunks: Iterator[str], filename: str) -> Response:
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Content-Type": "text/csv; charset=utf-8", "X-Content-Type-Options": "nosniff",
                             "Cache-Control": "no-store"})


def register(server: Flask) -> None:
    """Add the download routes to the app's Flask server."""

    @server.route("/download/view/<name>.csv")
    def download_view(name: str):
        """The CSV of exactly the rows a chart (or a page's table) shows for the view in the query string."""
        if name not in charts.REGISTRY and name not in charts.TABLE_DOWNLOADS:
            abort(404)
        key = request.args.get("key")
        if name in charts.REGISTRY and charts.REGISTRY[name].keyed != (key is not None):
            abort(404)  # a record's chart needs its record, and only it takes one
        if key is not None and state_mod.record_key(key) is None:
            abort(404)  # no record has such a key
        if web.absent_snapshot(request.args):
            abort(404)  # the rows would be the served snapshot's, under another snapshot's name
        search = "?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""
        try:
            rows, filename = charts.download_rows(name, search, key)
        except data.QueryError:
            abort(404)  # e.g. a snapshot named in the URL that does not verify
        return _attachment(frame_csv_chunks(rows), filename)

    @server.route("/download/<snapshot_id>/<table>.csv")
    def download_table(snapshot_id: str, table: str):
        if table not in schema.TABLES or snapshot_id not in data.available_snapshots():
            abort(404)
        try:
            snap = data.get_snapshot(snapshot_id)
            path = snap.table_path(table)  # a plain file name in the snapshot's own folder, or SnapshotError
        except (data.QueryError, snapshots.SnapshotError):
            abort(404)
        return _attachment(csv_chunks(path), f"{table}_{snapshot_id}.csv")


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def data_dictionary(path: Path = DICTIONARY) -> str | None:
    """Return the data dictionary (dashboard/bundled/README.md) as Markdown, re-read only when the file changes; None if absent."""
    try:
        return _read(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
