"""Downloads: a view's rows as CSV or JSON with their provenance, whole tables of a snapshot, its datapackage.json.

- /download/view/<name>.csv and .json: exactly the rows a chart (or a page's table) shows for the view in
  the query string, with the snapshot, the filters in words, the sources with their licences and the data
  date (dashboard.provenance). The CSV states them in a preamble of lines starting with "# " before its
  header, every text field quoted, so `pandas.read_csv(url, comment="#")` reads the rows; with lang=fr it
  is a French spreadsheet's CSV: ";" between fields, a decimal comma and French headers.
- /download/<snapshot_id>/<table>.csv: a whole table, as it is in the snapshot (English, no preamble).
- /download/<snapshot_id>/datapackage.json: the snapshot's Frictionless data package (dashboard.publish).
- the data dictionary text (dashboard/bundled/README.md).
"""

from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl

import pandas as pd
import pyarrow.parquet as pq
from flask import Flask, Response, abort, request, stream_with_context

from dashboard import charts, config, data, datapackage, progress, provenance, schema, snapshots, state as state_mod, web
from dashboard.i18n import N_, _

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


# ---------------------------------------------------------------- a view's rows, as CSV or JSON, with their provenance

# Field separator and decimal mark of a view's CSV by language: a French spreadsheet (Excel, LibreOffice in
# French) splits a CSV on ";" and reads "2,5" as a number; an English one splits on "," and reads "2.5".
CSV_DIALECTS = {"en": (",", "."), "fr": (";", ",")}

# Headers of a view's French CSV (and the JSON's column labels) for the columns a chart's own `columns`
# (its data table's headers, charts.Chart.columns) does not name. English CSVs keep the column names.
COLUMN_LABELS = {
    "as_of": N_("As of"), "commitment_id": N_("Commitment id"), "commitment_title_en": N_("Commitment (English)"),
    "commitment_title_fr": N_("Commitment (French)"), "cycle": N_("Action-plan cycle"),
    "cycle_start": N_("Cycle start"), "cycle_end": N_("Cycle end"), "days": N_("Days"),
    "days_overdue": N_("Days overdue"), "deadline_text_en": N_("Deadline as written (English)"),
    "deadline_text_fr": N_("Deadline as written (French)"), "dimension": N_("Grouped by"),
    "due_date": N_("Due date"), "indicator_id": N_("Indicator id"), "indicators_reported": N_("Indicators reported"),
    "indicators_total": N_("Indicators"), "jurisdiction_id": N_("Jurisdiction id"),
    "jurisdiction_name_en": N_("Jurisdiction (English)"), "jurisdiction_name_fr": N_("Jurisdiction (French)"),
    "jurisdictions": N_("Jurisdictions"), "latest_period": N_("Latest reporting period"), "level": N_("Level"),
    "milestone_id": N_("Milestone id"), "milestone_title_en": N_("Milestone (English)"),
    "milestone_title_fr": N_("Milestone (French)"), "organisations": N_("Organisations"),
    "organization": N_("Organization id"), "organizers": N_("Organizers"),
    "overdue": progress.REASONS[progress.OVERDUE],
    "past_due": N_("Past due"), "period_date": N_("Period start"), "periods_reported": N_("Periods reported"),
    "periods_unchanged": N_("Periods unchanged"), "progress": N_("Progress"), "progress_rank": N_("Progress rank"),
    "real": N_("Real records"), "reason": N_("Reason"), "records": N_("Records"), "source": N_("Source"),
    "sources": N_("Sources"), "start_date": N_("Start date"), "status_code": N_("Status as the source codes it"),
    "status_vocab": N_("Status vocabulary"), "synthetic": N_("Synthetic"), "synthetic_rows": N_("Synthetic rows"),
    "title_en": N_("Title (English)"), "title_fr": N_("Title (French)"),
}

# The words that start a CSV preamble's lines ("# <word>,<value>,...").
PREAMBLE_WORDS = {
    "view": N_("view"), "snapshot": N_("snapshot"), "filters": N_("filters"), "filter keys": N_("filter keys"),
    "source": N_("source"), "data date": N_("data date"),
}
# The view's keys that are not filters: they choose how the rows are shown, or which snapshot (said apart).
_NOT_FILTERS = ("lang", "snapshot", "base", "page")


def filter_keys(view: state_mod.ViewState) -> dict[str, str]:
    """Return the filters of a view as its URL writes them ({"jurisdiction": "ca,ca-qc", "from": "2024-01-01"})."""
    return {k: v for k, v in parse_qsl(view.to_query().lstrip("?")) if k not in _NOT_FILTERS}


def describe(name: str, view: state_mod.ViewState, rows: pd.DataFrame, lang: str) -> provenance.Provenance:
    """Return the provenance of a view's download: its sources are those whose rows it holds, else its chart's tables'."""
    chart = charts.REGISTRY.get(name)
    return provenance.describe(view, lang, tables=chart.tables if chart else None, names=charts.row_sources(rows))


def title_of(name: str, view: state_mod.ViewState, lang: str) -> str:
    """Return the title of what a download holds: its chart's heading, or the name of a page's table."""
    chart = charts.REGISTRY.get(name)
    if chart is None:
        return name
    return (chart.heading(view) if chart.heading else None) or _(chart.title, lang)


def column_labels(name: str, columns, lang: str) -> list[str]:
    """Return the labels of a view's columns in `lang` (a French CSV's headers, the JSON's column labels).

    The label is the chart's own (its data table's header, charts.Chart.columns), else COLUMN_LABELS', else
    the column name; a label two columns would share is followed by the column name in brackets.
    """
    own = charts.REGISTRY[name].columns if name in charts.REGISTRY else {}
    labels: list[str] = []
    for col in map(str, columns):
        msgid = own.get(col) or COLUMN_LABELS.get(col)
        label = _(msgid, lang) if msgid else col
        labels.append(f"{label} ({col})" if label in labels else label)
    return labels


def csv_headers(name: str, columns, lang: str) -> list[str]:
    """Return a view's CSV header: the column names in English (as they always were), their labels in French."""
    return [str(c) for c in columns] if lang == "en" else column_labels(name, columns, lang)


def _preamble_cell(value) -> str:
    """Return one value of a preamble line: on one line, neutralised, quoted."""
    text = re.sub(r"[\r\n\t]+", " ", str(value)).strip()
    return '"' + str(neutralise_cell(text)).replace('"', '""') + '"'


def preamble(name: str, view: state_mod.ViewState, facts: provenance.Provenance) -> str:
    """Return the CSV preamble of a view: lines starting with "# ", which pandas skips with comment="#".

    One line each for the view (its title), the snapshot (its id, then when it was built), the filters in words,
    the filters as the URL writes them, one line per source (its name, licence, licence page, data date) and the
    view's data date. Each line is "# <word>" then values in the CSV's separator, every value quoted and
    neutralised: a spreadsheet that shows the lines runs nothing, and no "#" or separator in a value breaks them.
    """
    lang = facts.lang
    sep = CSV_DIALECTS[lang][0]
    colon = "\u00a0:" if lang == "fr" else ":"  # French sets a no-break space before a colon

    def line(word: str, values) -> str:
        return f"# {_(PREAMBLE_WORDS[word], lang)}" + "".join(sep + _preamble_cell(v) for v in values) + "\n"

    lines = [line("view", [title_of(name, view, lang)]),
             line("snapshot", [facts.snapshot_id, facts.snapshot_text()]),
             line("filters", [f"{label}{colon} {value}" for label, value in facts.filters] or [facts.filters_text()]),
             line("filter keys", [f"{k}={v}" for k, v in filter_keys(view).items()])]
    for src in facts.sources:
        lines.append(line("source", [src.name, src.licence, src.licence_url or "",
                                     src.data_date.isoformat() if src.data_date else ""]))
    lines.append(line("data date", [facts.data_date.isoformat() if facts.data_date else "",
                                    facts.data_date_text()]))
    return "".join(lines)


def frame_csv_chunks(rows: pd.DataFrame, *, lang: str = "en", preamble_text: str = "",
                     headers: list[str] | None = None) -> Iterator[str]:
    """Yield a DataFrame as CSV text, UTF-8 byte-order mark, preamble and header first, BATCH_ROWS rows at a time.

    Every text field is quoted (csv.QUOTE_NONNUMERIC), so a "#" or a separator inside a value never ends it;
    `lang` chooses the separator and the decimal mark (CSV_DIALECTS); `headers` replace the column names.
    """
    sep, decimal = CSV_DIALECTS.get(lang, CSV_DIALECTS["en"])
    yield "\ufeff" + preamble_text
    out = rows.copy()
    if headers is not None:
        out.columns = headers
    for start in range(0, max(len(out), 1), BATCH_ROWS):
        part = _flat(out.iloc[start:start + BATCH_ROWS].copy())
        yield part.to_csv(index=False, header=start == 0, quoting=csv.QUOTE_NONNUMERIC, sep=sep, decimal=decimal)


def json_document(name: str, view: state_mod.ViewState, rows: pd.DataFrame, facts: provenance.Provenance) -> dict:
    """Return a view's JSON twin: the CSV's rows (same order) as records, with its snapshot, filters, sources, data date.

    Values are the rows' own (lists stay lists, dates ISO 8601, missing values null, nothing neutralised: no
    spreadsheet reads JSON); the filters in words and, as the URL writes them, under filter_keys.
    """
    columns = [str(c) for c in rows.columns]
    return {
        "view": name,
        "title": title_of(name, view, facts.lang),
        **facts.as_dict(),
        "filter_keys": filter_keys(view),
        "columns": [{"name": c, "label": label} for c, label in zip(columns, column_labels(name, columns, facts.lang))],
        "rows": data.json_records(rows),
    }


def _headers(filename: str, content_type: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": content_type,
            "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def _attachment(chunks: Iterator[str], filename: str) -> Response:
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers=_headers(filename, "text/csv; charset=utf-8"))


def view_rows(name: str) -> tuple[pd.DataFrame, str, state_mod.ViewState]:
    """Return (rows, file name without extension, view) of a view download named in the request; abort(404) when none."""
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
    return rows, filename.removesuffix(".csv"), state_mod.parse(search)


def register(server: Flask) -> None:
    """Add the download routes to the app's Flask server."""

    @server.route("/download/view/<name>.csv")
    def download_view(name: str):
        """The CSV of exactly the rows a chart (or a page's table) shows for the view in the query string, with its provenance."""
        rows, stem, view = view_rows(name)
        lang = view.lang if view.lang in CSV_DIALECTS else "en"
        text = preamble(name, view, describe(name, view, rows, lang))
        return _attachment(frame_csv_chunks(rows, lang=lang, preamble_text=text,
                                            headers=csv_headers(name, rows.columns, lang)), f"{stem}.csv")

    @server.route("/download/view/<name>.json")
    def download_view_json(name: str):
        """The CSV's twin: the same rows, in the same order, as JSON records with the snapshot, filters and sources."""
        rows, stem, view = view_rows(name)
        document = json_document(name, view, rows, describe(name, view, rows, view.lang))
        text = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
        return Response(text, headers=_headers(f"{stem}.json", "application/json"))  # UTF-8 by definition (RFC 8259)

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

    @server.route("/download/<snapshot_id>/datapackage.json")
    def download_datapackage(snapshot_id: str):
        """The snapshot's Frictionless data package: the one written beside its tables, else one made the same way."""
        if snapshot_id not in data.available_snapshots():
            abort(404)
        try:
            snap = data.get_snapshot(snapshot_id)
            package = datapackage.read_or_describe(snap)
        except (data.QueryError, snapshots.SnapshotError):
            abort(404)
        return Response(json.dumps(package, ensure_ascii=False, indent=2) + "\n", mimetype="application/json",
                        headers={"X-Content-Type-Options": "nosniff"})


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def data_dictionary(path: Path = DICTIONARY) -> str | None:
    """Return the data dictionary (dashboard/bundled/README.md) as Markdown, re-read only when the file changes; None if absent."""
    try:
        return _read(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
