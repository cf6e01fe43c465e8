"""What every connector shares: the source description, the ingest error, and row-to-table validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema


@dataclass(frozen=True)
class Source:
    """One `[[source]]` table of the sources file."""

    name: str
    kind: str
    path: Path | None = None
    url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # What the connector fetched over HTTP: one dict per download (url, sha256, bytes, last_modified
    # as ISO text or None, retrieved_at as ISO text), appended by the shared HTTP client. The build
    # reads it to record each source's content hash and data date in the manifest.
    fetched: list[dict[str, Any]] = field(default_factory=list, compare=False, repr=False)
    # What the connector found that the manifest's entry for this source must say beyond its rows, by key:
    # e.g. {"partial_answer": {"count": 38, "read": 10, "missing": 28}} when a CKAN source accepted a
    # package_search answer short of its count. The build copies each key into manifest["sources"][i].
    notes: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else (self.url or "")

    def error(self, why: str, *, file: str | Path | None = None, row: int | None = None,
              column: str | None = None, value: Any = None) -> "IngestError":
        return IngestError(self, why, file=file, row=row, column=column, value=value)


class IngestError(Exception):
    """A source that cannot be ingested, naming the source, file, row, column and value."""

    def __init__(self, source: Source | str, why: str, *, file: str | Path | None = None,
                 row: int | None = None, column: str | None = None, value: Any = None):
        self.source = source.name if isinstance(source, Source) else source
        self.kind = source.kind if isinstance(source, Source) else None
        self.file = str(file) if file is not None else (source.location if isinstance(source, Source) else None)
        self.row = row
        self.column = column
        self.value = value
        self.why = why
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = [f"source {self.source!r}" + (f" ({self.kind})" if self.kind else "")]
        if self.file:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.value is not None or self.column is not None:
            shown = repr(self.value)
            parts.append(f"value {shown[:200]}")
        return ", ".join(parts) + f": {self.why}"


ROW_KEY = "_row"  # optional key a connector sets on a row dict: its line or record number in the file


def build_table(table: str, rows: Iterable[dict[str, Any]], *, source: Source,
                file: str | Path | None = None) -> pa.Table:
    """Return `rows` as a table of `table`'s declared schema; raise IngestError at the first bad value."""
    target = schema.TABLES[table]
    rows = list(rows)
    columns = {}
    for fld in target:
        values = [r.get(fld.name) for r in rows]
        try:
            columns[fld.name] = pa.array(values, type=fld.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            for i, v in enumerate(values):
                try:
                    pa.array([v], type=fld.type)
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
                    raise source.error(f"expected {fld.type} for table {table}", file=file,
                                       row=rows[i].get(ROW_KEY, i + 1), column=fld.name, value=v) from None
            raise
    result = pa.table(columns, schema=target)
    row_numbers = [r.get(ROW_KEY, i + 1) for i, r in enumerate(rows)]
    validate_table(table, result, source=source, file=file, row_numbers=row_numbers)
    return result


def validate_table(table: str, data: pa.Table, *, source: Source | str,
                   file: str | Path | None = None, row_numbers: list[int] | None = None) -> pa.Table:
    """Check `data` against the declared schema, non-null columns and primary key; return it cast to the schema."""
    target = schema.TABLES[table]

    def where(i: int) -> int:
        return row_numbers[i] if row_numbers else i + 1

    missing = [f.name for f in target if f.name not in data.column_names]
    if missing:
        raise IngestError(source, f"table {table} lacks declared columns {missing}", file=file,
                          column=missing[0])
    data = data.select(target.names)
    try:
        data = data.cast(target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise IngestError(source, f"table {table} does not match its schema: {exc}", file=file) from None
    for fld in target:
        if not fld.nullable:
            col = data.column(fld.name)
            if col.null_count:
                i = pc.index(pc.is_null(col), True).as_py()
                raise IngestError(source, f"{fld.name} is required in table {table}", file=file,
                                  row=where(i), column=fld.name, value=None)
    keys = schema.PRIMARY_KEYS[table]
    if data.num_rows:
        counts = data.group_by(list(keys), use_threads=False).aggregate([([], "count_all")])
        dupes = counts.filter(pc.greater(counts.column("count_all"), 1))
        if dupes.num_rows:
            first = {k: dupes.column(k)[0].as_py() for k in keys}
            mask = None
            for k, v in first.items():
                eq = pc.is_null(data.column(k)) if v is None else pc.equal(data.column(k), v)
                eq = pc.fill_null(eq, False)
                mask = eq if mask is None else pc.and_(mask, eq)
            positions = [i for i, hit in enumerate(mask.to_pylist()) if hit]
            raise IngestError(source, f"duplicate id in table {table}: rows "
                              f"{', '.join(str(where(i)) for i in positions[:5])} share {first}",
                              file=file, row=where(positions[1]), column=keys[0],
                              value=first[keys[0]])
    return data


def empty_table(table: str) -> pa.Table:
    """Return an empty table of `table`'s declared schema."""
    return schema.TABLES[table].empty_table()


def parse_date(text: str | None, *, source: Source, file: Any = None, row: int | None = None,
               column: str | None = None, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> dt.date | None:
    """Return the date in `text` (None for blank); raise IngestError naming where it came from."""
    if text is None or str(text).strip() == "":
        return None
    s = str(text).strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise source.error(f"not a date (expected {' or '.join(formats)})", file=file, row=row,
                       column=column, value=text)
