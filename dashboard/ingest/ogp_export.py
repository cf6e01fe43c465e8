"""Connector for OGP's commitment + IRM export: the 171-column CSV of every member's commitments."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import pyarrow as pa

from dashboard import progress
from dashboard.ingest._shared import jurisdiction_row, local_copy, read_csv, with_downloads
from dashboard.ingest.common import Source, build_table

MISSING_CODES = ("ND", "NR", "NA")  # no data, not reviewed, not applicable: three different absences

FIRST_POLICY_AREA = "Anti-Corruption and Integrity"
LAST_POLICY_AREA = "Money in Politics"

# IRM field -> the export's column
IRM_COLUMNS = {
    "potential_impact": "Potential Impact",
    "completion_midterm": "Completion (Progress Report)",
    "completion_end_term": "Completion (End Of Term)",
    "starred": "Starred (Current Formula) End of Term",
    "opened_government": "Did It Open Government (Overall)",
}

REQUIRED = (
    "Commitment Unique Identifier", "Country/Locality", "Code", "Region", "National Or Local",
    "Year Of Submission", "Action Plan End Year", "Commitment Title", "Full Text", "Start Date",
    "End Date", "Lead Institution", FIRST_POLICY_AREA, LAST_POLICY_AREA, *IRM_COLUMNS.values(),
    "URL", "Action Plan ID",
)

LEVELS = {"national": "national", "subnational": "subnational", "legacy local": "local", "local": "local",
          "other": "local"}

# OGP member codes whose project id is not the lowercase code.
JURISDICTION_IDS = {"CAN": "ca"}

# Words the export puts in a date column to say there is no date.
NO_DATE = {"na", "underway", "in progress", "ongoing", "permanent activity"}

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Seasons are read as calendar quarters: plans use them as coarse deadlines.
_SEASONS = {"winter": 1, "spring": 2, "summer": 3, "fall": 4, "autumn": 4}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@with_downloads
def read(source: Source) -> dict[str, pa.Table]:
    """Return the export's commitments and the jurisdictions they belong to."""
    source = local_copy(source, "a CSV file")
    path = source.path
    commitments, jurisdictions = [], {}
    names_seen: dict[str, tuple[int, str]] = {}
    policy_columns: list[str] | None = None
    for line, rec in read_csv(source, path, required=REQUIRED):
        if policy_columns is None:
            policy_columns = _policy_columns(list(rec))

        def where(column: str, why: str, value: Any = None) -> Exception:
            return source.error(why, file=path, row=line, column=column,
                                value=rec.get(column) if value is None else value)

        code = rec["Code"].strip()
        if not code:
            raise where("Code", "member code is required")
        level = LEVELS.get(rec["National Or Local"].strip().lower())
        if level is None:
            raise where("National Or Local", f"expected one of {sorted(set(LEVELS))}")
        jurisdiction_id = JURISDICTION_IDS.get(code.upper(), code.lower())
        name = rec["Country/Locality"].strip()
        if jurisdiction_id in names_seen and names_seen[jurisdiction_id][1] != name:
            raise where("Country/Locality", f"member code {code} was named "
                        f"{names_seen[jurisdiction_id][1]!r} on row {names_seen[jurisdiction_id][0]}")
        if jurisdiction_id not in names_seen:
            names_seen[jurisdiction_id] = (line, name)
            jurisdictions[jurisdiction_id] = {
                "jurisdiction_id": jurisdiction_id, "name_en": name, "level": level,
                "country_code": code.upper() if level == "national" else None,
                "region": rec["Region"].strip() or None, "_row": line,
            }

        start_year, end_year = _year(rec, "Year Of Submission", where), _year(rec, "Action Plan End Year", where)
        irm: dict[str, Any] = {}
        for field, column in IRM_COLUMNS.items():
            value, missing = _irm_value(rec[column])
            if field == "starred" and value is not None:
                if value not in ("0", "1"):
                    raise where(column, "expected 0, 1, ND, NR or NA")
                value = value == "1"
            irm[field], irm[f"{field}_missing"] = value, missing

        commitments.append({
            "commitment_id": _required(rec, "Commitment Unique Identifier", where),
            "jurisdiction_id": jurisdiction_id,
            "cycle": f"{start_year}-{end_year}",
            "cycle_start": start_year,
            "cycle_end": end_year,
            "action_plan_id": _text(rec["Action Plan ID"]),
            "title_en": _text(rec["Commitment Title"]),
            "title_fr": None,  # the export is English only
            "description_en": _text(rec["Full Text"]),
            "description_fr": None,
            "lead_institution": _text(rec["Lead Institution"]),
            "policy_areas": _policy_areas(rec, policy_columns, where),
            "start_date": _date(rec, "Start Date", where, end=False),
            "end_date": _date(rec, "End Date", where, end=True),
            **irm,
            **_progress(irm),
            "url": _text(rec["URL"]),
            "source": source.name,
            "synthetic": False,
            "_row": line,
        })

    if not commitments:
        raise source.error("no commitments in the file (header only)", file=path)
    _link_local_members(jurisdictions)
    rows = []
    for j in jurisdictions.values():
        fields = {k: v for k, v in j.items() if k not in ("_row", "jurisdiction_id")}
        rows.append({**jurisdiction_row(source, j["jurisdiction_id"], **fields), "_row": j["_row"]})
    return {
        "commitments": build_table("commitments", commitments, source=source, file=path),
        "jurisdictions": build_table("jurisdictions", rows, source=source, file=path),
    }


def _policy_columns(header: list[str]) -> list[str]:
    first, last = header.index(FIRST_POLICY_AREA), header.index(LAST_POLICY_AREA)
    return header[first:last + 1]


def _policy_areas(rec: dict[str, str], columns: list[str], where) -> list[str]:
    areas = []
    for column in columns:
        flag = rec[column].strip()
        if flag == "1":
            areas.append(column)
        elif flag not in ("0", "", *MISSING_CODES):
            raise where(column, "a policy-area flag must be 0, 1, ND, NR or NA")
    return areas


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _required(rec: dict[str, str], column: str, where) -> str:
    value = _text(rec[column])
    if value is None:
        raise where(column, "is required")
    return value


def _year(rec: dict[str, str], column: str, where) -> int:
    value = rec[column].strip()
    if not re.fullmatch(r"(19|20)\d\d", value):
        raise where(column, "expected a four-digit year")
    return int(value)


def _irm_value(text: str) -> tuple[str | None, str | None]:
    """Return (value, missing code): a missing code gives no value; any other text is kept as it is."""
    value = (text or "").strip()
    if value in MISSING_CODES:
        return None, value
    return (value or None), None


def _progress(irm: dict[str, Any]) -> dict[str, Any]:
    """The commitment's progress: end-of-term completion when the IRM gave one, else the progress report's."""
    code = irm["completion_end_term"] or irm["completion_midterm"]
    if code is None:
        return {"progress": None, "progress_rank": None, "status_code": None, "status_vocab": None}
    try:
        read = progress.normalise(code, "irm")
    except progress.UnknownStatus:
        return {"progress": None, "progress_rank": None, "status_code": code, "status_vocab": "irm"}
    return {"progress": read.progress, "progress_rank": read.rank, "status_code": read.code,
            "status_vocab": read.vocab}


def _date(rec: dict[str, str], column: str, where, *, end: bool) -> dt.date | None:
    """Return the first (start) or last (end) day a date cell names; raise IngestError for text that is no date."""
    text = rec[column]
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise where(column, f"not a date: {exc}") from None
    if period is None:
        return None
    return period[1] if end else period[0]


def parse_period(text: str | None) -> tuple[dt.date, dt.date] | None:
    """Return the (first, last) day of the period a date cell of the export names, None for no date.

    Accepted: M/D/YYYY (D/M/YYYY when the first number is over 12), M/D/YY, 'Month YYYY',
    'YYYY', 'Quarter N YYYY', 'IV quarter of YYYY', 'Spring YYYY' (seasons as calendar quarters),
    Excel day serials such as 43525, and the 1905 dates Excel shows when a year was typed
    into a date cell (2023 -> 1905-07-15). NA and a few words meaning "no date" give None.
    """
    s = " ".join((text or "").split())
    if s == "" or s.lower() in NO_DATE:
        return None
    low = s.lower()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", s)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = 2000 + y if len(m[3]) == 2 else y
        month, day = (b, a) if a > 12 >= b else (a, b)
        try:
            day_named = dt.date(y, month, day)
        except ValueError:
            raise ValueError(f"no such day {s!r}") from None
        if day_named.year < 1950:
            serial = (day_named - _EXCEL_EPOCH).days
            if 1990 <= serial <= 2100:
                return _year_period(serial)
            raise ValueError(f"implausible year {day_named.year}")
        return day_named, day_named
    m = re.fullmatch(r"\d{5}", s)
    if m:
        day_named = _EXCEL_EPOCH + dt.timedelta(days=int(s))
        if not 1990 <= day_named.year <= 2100:
            raise ValueError(f"{s} is not a plausible Excel date serial")
        return day_named, day_named
    m = re.fullmatch(r"(19|20)\d\d", s)
    if m:
        return _year_period(int(s))
    m = re.fullmatch(r"([a-z]+)\.? ((?:19|20)\d\d)", low)
    if m and m[1] in _MONTHS:
        y, month = int(m[2]), _MONTHS[m[1]]
        return dt.date(y, month, 1), dt.date(y, month, calendar.monthrange(y, month)[1])
    if m and m[1] in _SEASONS:
        return _quarter(int(m[2]), _SEASONS[m[1]])
    m = (re.fullmatch(r"(?:quarter|q) ?([1-4]),? ((?:19|20)\d\d)", low)
         or re.fullmatch(r"((?:19|20)\d\d)-?q([1-4])", low))
    if m:
        q, y = (m[1], m[2]) if len(m[1]) == 1 else (m[2], m[1])
        return _quarter(int(y), int(q))
    m = re.fullmatch(r"(i|ii|iii|iv) quarter of ((?:19|20)\d\d)", low)
    if m:
        return _quarter(int(m[2]), _ROMAN[m[1]])
    raise ValueError("expected M/D/YYYY, Month YYYY, YYYY, a quarter, or NA")


def _year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    last_month = 3 * q
    return (dt.date(year, last_month - 2, 1),
            dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))


def _link_local_members(jurisdictions: dict[str, dict[str, Any]]) -> None:
    """Give a local member ("Buenos Aires, Argentina") its country as parent when that country is in the file."""
    by_name = {j["name_en"]: j for j in jurisdictions.values() if j["level"] == "national"}
    for j in jurisdictions.values():
        if j["level"] != "national" and ", " in j["name_en"]:
            country = by_name.get(j["name_en"].rsplit(", ", 1)[1])
            if country:
                j["parent_id"] = country["jurisdiction_id"]
                j["country_code"] = country["country_code"]

