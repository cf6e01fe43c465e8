"""Whole-table CSV downloads of a snapshot (/download/<snapshot_id>/<table>.csv), and the data dictionary text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow.parquet as pq
from flask import Flask, Response, abort, stream_with_context

from dashboard import config, data, schema

BATCH_ROWS = 20_000
DICTIONARY = config.PROJECT_DIR / "data" / "README.md"


def table_url(snapshot_id: str, table: str) -> str:
    """Return the download address of one table of a snapshot."""
    return f"/download/{snapshot_id}/{table}.csv"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with list cells joined by "|" so every cell is one CSV value."""
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: hasattr(v, "tolist") or isinstance(v, list)).any():
            frame[col] = frame[col].map(lambda v: "|".join(map(str, list(v))) if v is not None
                                        and not isinstance(v, str) and not (isinstance(v, float) and pd.isna(v)) else v)
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


def register(server: Flask) -> None:
    """Add the download route to the app's Flask server."""

    @server.route("/download/<snapshot_id>/<table>.csv")
    def download_table(snapshot_id: str, table: str):
        if table not in schema.TABLES or snapshot_id not in data.available_snapshots():
            abort(404)
        try:
            snap = data.get_snapshot(snapshot_id)
        except data.QueryError:
            abort(404)
        filename = f"{table}_{snapshot_id}.csv"
        return Response(stream_with_context(csv_chunks(snap.table_path(table))), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "Content-Type": "text/csv; charset=utf-8", "X-Content-Type-Options": "nosniff"})


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def data_dictionary(path: Path = DICTIONARY) -> str | None:
    """Return the data dictionary (data/README.md) as Markdown, re-read only when the file changes; None if absent."""
    try:
        return _read(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
