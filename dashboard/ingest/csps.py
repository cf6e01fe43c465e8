"""Connector for Canada School of Public Service registration extracts (lsr layout), as monthly learning events."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import pyarrow as pa

from dashboard.ingest._shared import jurisdiction_row, read_csv
from dashboard.ingest.common import Source, build_table

REQUIRED = ("course_title_en", "course_code", "business_type", "offering_id", "month_en", "reg_id", "reg_status",
            "no_show", "learner_id", "billing_dept_name_en")
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
GRAINS = ("course", "month")


def read(source: Source) -> dict[str, pa.Table]:
    """Return learning_events counted per month (and per course, unless grain = "month"), and Canada."""
    path = source.path
    opts = source.options
    grain = opts.get("grain", "course")
    if grain not in GRAINS:
        raise source.error(f"option grain must be one of {GRAINS}", column="grain", value=grain)
    confirmed = str(opts.get("confirmed_status", "Confirmed")).strip().lower()
    organizer = str(opts.get("organizer", "CSPS"))
    jurisdiction_id = str(opts.get("jurisdiction", "ca"))
    first_year = _fiscal_year(source)

    groups: dict[tuple, dict[str, Any]] = {}
    seen_regs: dict[int, int] = {}
    for line, rec in read_csv(source, path, required=REQUIRED):
        def fail(column: str, why: str) -> Exception:
            return source.error(why, file=path, row=line, column=column, value=rec[column])

        reg_id = _int(rec, "reg_id", fail)
        if reg_id in seen_regs:
            raise fail("reg_id", f"duplicate registration id (first on row {seen_regs[reg_id]})")
        seen_regs[reg_id] = line
        month = MONTHS.get(rec["month_en"].strip().lower())
        if month is None:
            raise fail("month_en", "expected an English month name such as April")
        if rec["reg_status"].strip().lower() != confirmed:
            continue  # cancelled and waitlisted registrations are not attendance
        offering_id = _int(rec, "offering_id", fail)
        no_show = rec["no_show"].strip()
        if no_show not in ("0", "1"):
            raise fail("no_show", "expected 0 or 1")
        learner_id = rec["learner_id"].strip()
        if not learner_id:
            raise fail("learner_id", "a confirmed registration needs a learner id")

        year = first_year if month >= 4 else first_year + 1  # the fiscal year runs April to March
        period = f"{year}-{month:02d}"
        if grain == "course":
            key = (period, rec["business_type"].strip() or None, rec["course_title_en"].strip() or None)
        else:
            key = (period, None, None)
        group = groups.setdefault(key, {"offerings": set(), "learners": set(), "departments": set(), "_row": line})
        group["offerings"].add(offering_id)
        if no_show == "0":
            group["learners"].add(learner_id)
            department = rec["billing_dept_name_en"].strip()
            if department:
                group["departments"].add(department)

    rows = []
    for (period, event_type, topic), group in groups.items():
        year, month = int(period[:4]), int(period[5:])
        rows.append({
            "period": period, "period_start": dt.date(year, month, 1),
            "period_end": dt.date(year, month, calendar.monthrange(year, month)[1]),
            "jurisdiction_id": jurisdiction_id, "organizer": organizer, "event_type": event_type, "topic": topic,
            "events": len(group["offerings"]), "learners": len(group["learners"]),
            "organisations": len(group["departments"]), "commitment_id": None,
            "source": source.name, "synthetic": False, "_row": group["_row"],
        })
    if not seen_regs:
        raise source.error("no registrations in the file (header only)", file=path)
    return {
        "learning_events": build_table("learning_events", rows, source=source, file=path),
        "jurisdictions": build_table("jurisdictions", [jurisdiction_row(source, jurisdiction_id)], source=source,
                                     file=path),
    }


def _int(rec: dict[str, str], column: str, fail) -> int:
    value = rec[column].strip()
    if not re.fullmatch(r"\d+", value):
        raise fail(column, "expected a whole number")
    return int(value)


def _fiscal_year(source: Source) -> int:
    """The calendar year the extract's fiscal year starts in: option fiscal_year "2018-19", else the file name
    (lsr2018_19.csv, as the CSPS extracts are named)."""
    text = source.options.get("fiscal_year")
    where = "fiscal_year"
    if text is None and source.path is not None:
        m = re.search(r"((?:19|20)\d\d)[_-](\d\d)(?!\d)", source.path.name)
        text, where = (f"{m[1]}-{m[2]}" if m else None), "file name"
    if text is None:
        raise source.error("set option fiscal_year (e.g. \"2018-19\"): month names alone do not say the year",
                           column="fiscal_year")
    m = re.fullmatch(r"((?:19|20)\d\d)-(\d\d|\d{4})", str(text).strip())
    if not m or int(m[2][-2:]) != (int(m[1]) + 1) % 100:
        raise source.error("expected a fiscal year such as 2018-19", column=where, value=text)
    return int(m[1])
