"""Connector for the hand-written reference facts in dashboard/bundled/reference/*.csv: real rows, synthetic=False."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from dashboard import progress, schema
from dashboard.ingest.common import ROW_KEY, IngestError, Source, build_table, parse_date

# table -> file in the folder. A table is read only when the `tables` option asks for it (default: all).
FILES: dict[str, str] = {
    "jurisdictions": "jurisdictions.csv",
    "commitments": "commitments.csv",
    "milestones": "milestones.csv",
    "indicators": "indicators.csv",
    "milestone_status": "milestone_status.csv",
    "learning_events": "learning_events.csv",
    "portal_metrics": "portal_metrics.csv",
    # Pairs of ids that name one record (commitment, milestone or indicator); dashboard/linking.py applies them.
    "aliases": "crosswalk.csv",
}

# Columns a file may carry for its readers that the table does not keep.
NOTE_COLUMNS = {"source_doc", "notes"}

# Columns the connector computes; a file that sets them is refused rather than silently overridden.
_PROVENANCE = {"source", "synthetic"}
DERIVED: dict[str, set[str]] = {
    "commitments": {"cycle_start", "cycle_end", "progress", "progress_rank"},
    "milestones": {"progress", "progress_rank"},
    "milestone_status": {"progress", "progress_rank"},
    "aliases": {"rule", "commitment_id", "alias_source"},  # the linking step fills the last two
}

_IRM_FIELDS = ("potential_impact", "completion_midterm", "completion_end_term", "starred", "opened_government")
MISSING_CODES = ("ND", "NR", "NA")
RECORD_KINDS = ("commitment", "milestone", "indicator")
_CYCLE_RE = re.compile(r"^(\d{4})-(\d{4})\Z")
LIST_SEPARATOR = ";"

# (table, column) -> (table, column) it must name a row of, when both tables are read.
_REFERENCES = [
    ("commitments", "jurisdiction_id", "jurisdictions", "jurisdiction_id"),
    ("jurisdictions", "parent_id", "jurisdictions", "jurisdiction_id"),
    ("milestones", "commitment_id", "commitments", "commitment_id"),
    ("indicators", "milestone_id", "milestones", "milestone_id"),
    ("indicators", "commitment_id", "commitments", "commitment_id"),
    ("milestone_status", "milestone_id", "milestones", "milestone_id"),
    ("milestone_status", "commitment_id", "commitments", "commitment_id"),
    ("learning_events", "jurisdiction_id", "jurisdictions", "jurisdiction_id"),
    ("learning_events", "commitment_id", "commitments", "commitment_id"),
]


def read(source: Source) -> dict[str, pa.Table]:
    """Return every requested table of the reference folder, validated against the declared schema."""
    folder = source.path
    if folder is None:
        raise source.error("the reference source needs a path (the folder holding the CSV files)")
    if not folder.is_dir():
        raise source.error("reference folder not found" if not folder.exists() else "path is not a folder",
                           file=folder)
    wanted = _wanted_tables(source)
    rows = {table: _read_rows(source, folder / FILES[table], table) for table in wanted}
    _check_references(source, folder, rows)
    return {table: build_table(table, table_rows, source=source, file=folder / FILES[table])
            for table, table_rows in rows.items()}


def _wanted_tables(source: Source) -> list[str]:
    wanted = source.options.get("tables", list(FILES))
    if not isinstance(wanted, list) or not wanted:
        raise source.error("option `tables` must be a non-empty list of table names", column="tables", value=wanted)
    for table in wanted:
        if table not in FILES:
            raise source.error(f"option `tables` names a table this source has no file for "
                               f"(expected some of {', '.join(FILES)})", column="tables", value=table)
    return wanted


def _lines_without_comments(path: Path, source: Source):
    """Yield (line number, line) for each non-comment line; `#` lines at any point are notes for people."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise source.error(f"missing file {path.name} (expected in the reference folder)", file=path) from None
    except UnicodeDecodeError as exc:
        raise source.error(f"not UTF-8 text: {exc.reason} at byte {exc.start}", file=path) from None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if not line.lstrip().startswith("#"):
            yield number, line


def _read_rows(source: Source, path: Path, table: str) -> list[dict[str, Any]]:
    target = schema.TABLES[table]
    derived = DERIVED.get(table, set()) | _PROVENANCE
    allowed = {f.name for f in target} - derived
    required = {f.name for f in target if not f.nullable} - derived

    numbered = list(_lines_without_comments(path, source))
    numbers = [n for n, _ in numbered]
    reader = csv.reader(line for _, line in numbered)
    try:
        header = next(reader)
    except StopIteration:
        raise source.error(f"empty file: expected a header line naming columns of {table}", file=path) from None
    except csv.Error as exc:
        raise source.error(f"unreadable CSV: {exc}", file=path, row=numbers[0] if numbers else None) from None
    header = [h.strip() for h in header]
    header_line = numbers[0]
    for column in header:
        if column in derived:
            raise source.error(f"column {column!r} is computed by the connector; remove it from the file",
                               file=path, row=header_line, column=column, value=column)
        if column not in allowed and column not in NOTE_COLUMNS:
            raise source.error(f"unknown column for table {table} (expected some of: {', '.join(sorted(allowed))})",
                               file=path, row=header_line, column=column, value=column)
    absent = sorted(required - set(header))
    if absent:
        raise source.error(f"missing required column for table {table}", file=path, row=header_line,
                           column=absent[0], value=None)
    if len(set(header)) != len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise source.error("column named twice in the header", file=path, row=header_line, column=twice, value=twice)

    types = {f.name: f.type for f in target}
    rows = []
    try:
        for index, cells in enumerate(reader, start=1):
            line = numbers[index]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise source.error(f"{len(cells)} fields, header has {len(header)}", file=path, row=line,
                                   value=",".join(cells))
            row: dict[str, Any] = {ROW_KEY: line, "source": source.name, "synthetic": False}
            for column, cell in zip(header, cells):
                if column in NOTE_COLUMNS:
                    continue
                row[column] = _parse(cell, types[column], source=source, path=path, line=line, column=column)
            _derive(table, row, source=source, path=path)
            rows.append(row)
    except csv.Error as exc:
        raise source.error(f"unreadable CSV: {exc}", file=path) from None
    return rows


def _parse(cell: str, type_: pa.DataType, *, source: Source, path: Path, line: int, column: str) -> Any:
    text = cell.strip()
    if text == "":
        return None
    where = dict(file=path, row=line, column=column, value=cell)
    if pa.types.is_string(type_):
        return text
    if pa.types.is_date(type_):
        return parse_date(text, source=source, file=path, row=line, column=column)
    if pa.types.is_timestamp(type_):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise source.error("not an ISO timestamp (YYYY-MM-DDTHH:MM:SS)", **where) from None
    if pa.types.is_integer(type_):
        try:
            return int(text.replace("_", ""))
        except ValueError:
            raise source.error("not a whole number", **where) from None
    if pa.types.is_floating(type_):
        try:
            return float(text)
        except ValueError:
            raise source.error("not a number", **where) from None
    if pa.types.is_boolean(type_):
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise source.error("not true or false", **where)
    if pa.types.is_list(type_):
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    raise source.error(f"no parser for {type_}", **where)


def _derive(table: str, row: dict[str, Any], *, source: Source, path: Path) -> None:
    line = row[ROW_KEY]
    if table == "aliases":
        if row.get("record") not in RECORD_KINDS:
            raise source.error(f"record must be one of {', '.join(RECORD_KINDS)}", file=path, row=line,
                               column="record", value=row.get("record"))
        if row.get("alias_id") is not None and row.get("alias_id") == row.get("canonical_id"):
            raise source.error("an id cannot be an alias of itself", file=path, row=line, column="alias_id",
                               value=row.get("alias_id"))
        row["rule"] = "crosswalk"
        return
    if table == "commitments":
        match = _CYCLE_RE.match(row.get("cycle") or "")
        if not match or int(match.group(1)) > int(match.group(2)):
            raise source.error("cycle must be YYYY-YYYY (year of submission - action plan end year)",
                               file=path, row=line, column="cycle", value=row.get("cycle"))
        row["cycle_start"], row["cycle_end"] = int(match.group(1)), int(match.group(2))
        if not row.get("action_plan_id"):
            row["action_plan_id"] = f"{row['jurisdiction_id']}-{row['cycle']}"
        for name in _IRM_FIELDS:
            missing = f"{name}_missing"
            if row.get(name) is None and row.get(missing) is None:
                row[missing] = "ND"  # the documents give no IRM rating: no data, not "not reviewed"
            elif row.get(missing) is not None and row[missing] not in MISSING_CODES:
                raise source.error(f"missing-value code must be one of {', '.join(MISSING_CODES)}",
                                   file=path, row=line, column=missing, value=row[missing])
    if table in ("commitments", "milestones", "milestone_status"):
        code, vocab = row.get("status_code"), row.get("status_vocab")
        if code is None:
            if table == "milestone_status":
                raise source.error("a status record needs a status_code", file=path, row=line,
                                   column="status_code", value=None)
            if vocab is not None:
                raise source.error("status_vocab is set but status_code is blank", file=path, row=line,
                                   column="status_code", value=None)
            return
        if vocab is None:
            raise source.error("status_code needs a status_vocab (irm | ogp-tracker | nap)", file=path, row=line,
                               column="status_vocab", value=None)
        try:
            reading = progress.normalise(code, vocab)
        except progress.UnknownStatus as exc:
            column = "status_vocab" if vocab not in progress.VOCABULARIES else "status_code"
            raise source.error(str(exc), file=path, row=line, column=column,
                               value=vocab if column == "status_vocab" else code) from None
        row["progress"], row["progress_rank"], row["status_code"] = reading.progress, reading.rank, reading.code


def _check_references(source: Source, folder: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    for table, column, target, key in _REFERENCES:
        if table not in rows or target not in rows:
            continue
        known = {r.get(key) for r in rows[target]}
        for row in rows[table]:
            value = row.get(column)
            if value is not None and value not in known:
                raise IngestError(source, f"{column} names no row of {FILES[target]}", file=folder / FILES[table],
                                  row=row[ROW_KEY], column=column, value=value)
