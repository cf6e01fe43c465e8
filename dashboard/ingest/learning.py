"""Connector for the project's learning-events CSV template (documented in docs/sources.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pyarrow as pa

from dashboard.ingest._shared import (JURISDICTION_ID, jurisdiction_row, local_copy, parse_count, read_csv,
                                      with_downloads)
from dashboard.ingest.common import Source, build_table

REQUIRED = ("period", "jurisdiction", "organizer", "event_type", "topic", "events", "learners", "organisations")
OPTIONAL = ("commitment_id",)  # the column may be left out


@with_downloads
def read(source: Source) -> dict[str, pa.Table]:
    """Return one learning_events row per CSV row, and the jurisdictions they name."""
    source = local_copy(source, "a CSV file")
    path = source.path
    rows, jurisdictions = [], {}
    for line, rec in read_csv(source, path, required=REQUIRED):
        def count(column: str, required: bool = True) -> int | None:
            return parse_count(rec[column], source=source, file=path, row=line, column=column, required=required)

        def text(column: str, required: bool = False) -> str | None:
            value = (rec.get(column) or "").strip() or None
            if value is None and required:
                raise source.error("is required", file=path, row=line, column=column, value=rec.get(column))
            return value

        period = text("period", required=True)
        try:
            start, end = period_bounds(period)
        except ValueError:
            raise source.error("expected a period YYYY-MM, YYYY-Qn or YYYY", file=path, row=line, column="period",
                               value=rec["period"]) from None
        jurisdiction_id = text("jurisdiction", required=True)
        if not JURISDICTION_ID.match(jurisdiction_id):
            raise source.error("expected a jurisdiction id such as ca, ca-qc or ukr", file=path, row=line,
                               column="jurisdiction", value=rec["jurisdiction"])
        jurisdictions.setdefault(jurisdiction_id, line)
        rows.append({
            "period": period, "period_start": start, "period_end": end, "jurisdiction_id": jurisdiction_id,
            "organizer": text("organizer", required=True), "event_type": text("event_type"),
            "topic": text("topic"), "events": count("events"), "learners": count("learners"),
            "organisations": count("organisations", required=False), "commitment_id": text("commitment_id"),
            "source": source.name, "synthetic": False, "_row": line,
        })
    if not rows:
        raise source.error("no learning events in the file (header only)", file=path)
    places = [{**jurisdiction_row(source, j), "_row": line} for j, line in jurisdictions.items()]
    return {
        "learning_events": build_table("learning_events", rows, source=source, file=path),
        "jurisdictions": build_table("jurisdictions", places, source=source, file=path),
    }


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a 'YYYY-MM', 'YYYY-Qn' (calendar quarter) or 'YYYY' period."""
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(0[1-9]|1[0-2])|-Q([1-4]))?", period)
    if not m:
        raise ValueError(period)
    year = int(m[1])
    if m[2]:
        first_month = last_month = int(m[2])
    elif m[3]:
        last_month = 3 * int(m[3])
        first_month = last_month - 2
    else:
        first_month, last_month = 1, 12
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
