"""Connector for open.canada.ca's daily corporate report: one row per metric and day, with doubtful values flagged."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import statistics
from typing import Any

import pyarrow as pa

from dashboard.ingest._shared import header_key, local_copy, read_csv, with_downloads
from dashboard.ingest.common import Source, build_table, parse_date

PORTAL = "open.canada.ca"

# header (spaces normalised, lower case) -> (metric, kind). Every figure counts from the row's
# `From` date, the start of the fiscal year (1 April), so each series restarts near zero then.
# "count" series only grow within a fiscal year; "share" series are percentages.
METRICS: dict[str, tuple[str, str]] = {
    "number of datasets": ("datasets_created_fytd", "count"),
    "non geospatial": ("non_geospatial_datasets_created_fytd", "count"),
    "% of non-geospatial with 3+ rating": ("pct_non_geospatial_rated_3_plus", "share"),
    "number of api enabled datasets": ("api_enabled_datasets", "count"),
    "% of api enable datasets": ("pct_api_enabled_datasets", "share"),
    "totals downloads": ("total_downloads", "count"),
    "total visits": ("total_visits", "count"),
}
REQUIRED = ("date", "from", *METRICS)

NEIGHBOURS = 7  # days each side that a value is compared with
# A count is a dip (or spike) when it is 20% below (25% above) the median of the days on BOTH
# sides, by at least 5% of the series' largest value that fiscal year: a real change persists
# on one side, a bad reading does not, and a count only grows within a fiscal year.
DIP_RATIO = 0.8
MIN_GAP_SHARE = 0.05
# Shares swing on their own while few datasets are counted (2 of 13 is 15%), so a share is
# only flagged when it reads 0 between days that are not.
# A count that jumps in one day by half its fiscal year's largest value, by twenty times its
# typical daily change, to three times what it was, and stays there, shows that the days
# before it counted too little.
SHIFT_SHARE, SHIFT_FACTOR, SHIFT_TYPICAL = 0.5, 3.0, 20


@with_downloads
def read(source: Source) -> dict[str, pa.Table]:
    """Return portal_metrics rows in long form: (portal, metric, date, value, is_outlier, outlier_reason)."""
    source = local_copy(source, "a CSV file")
    path = source.path
    portal = str(source.options.get("portal", PORTAL))
    series: dict[str, list[dict[str, Any]]] = {metric: [] for metric, _ in METRICS.values()}
    for line, rec in read_csv(source, path, required=REQUIRED, key=lambda h: header_key(h).lower()):
        day = parse_date(rec["date"], source=source, file=path, row=line, column="Date")
        if day is None:
            raise source.error("a date is required", file=path, row=line, column="Date", value=rec["date"])
        fiscal_start = parse_date(rec["from"], source=source, file=path, row=line, column="From")
        for column, (metric, _) in METRICS.items():
            series[metric].append({
                "portal": portal, "metric": metric, "date": day,
                "value": _number(source, path, line, column, rec[column]),
                "is_outlier": False, "outlier_reason": None, "source": source.name, "synthetic": False,
                "_row": line, "_fiscal_start": fiscal_start,
            })
    rows = []
    for metric, kind in METRICS.values():
        points = sorted(series[metric], key=lambda p: p["date"])
        flag_outliers(points, kind)
        rows += points
    if not rows:
        raise source.error("no days in the file (header only)", file=path)
    return {"portal_metrics": build_table("portal_metrics", rows, source=source, file=path)}


def _number(source: Source, path: Any, line: int, column: str, text: str) -> float | None:
    s = text.strip().replace(",", "")
    if s == "":
        return None
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise source.error("expected a number", file=path, row=line, column=column, value=text)
    return float(s)


def flag_outliers(points: list[dict[str, Any]], kind: str) -> None:
    """Mark, in place, the days of one metric's date-ordered series whose value looks wrong.

    Values are only compared within one fiscal year (the rows' `From` date), so the 1 April
    restart near zero is never a dip.
    """
    by_year: dict[dt.date | None, list[dict[str, Any]]] = {}
    for p in points:
        by_year.setdefault(p["_fiscal_start"], []).append(p)
    for year in by_year.values():
        known = [p for p in year if p["value"] is not None]
        if not known:
            continue
        largest = max(abs(p["value"]) for p in known)
        if kind == "count":
            _flag_level_shift(known, largest)
        _flag_dips_and_spikes(known, kind, largest)


def _flag(point: dict[str, Any], reason: str) -> None:
    if not point["is_outlier"]:
        point["is_outlier"], point["outlier_reason"] = True, reason


def _flag_dips_and_spikes(year: list[dict[str, Any]], kind: str, largest: float) -> None:
    trusted = [q for q in year if not q["is_outlier"]]  # undercounts are no yardstick
    dates = [q["date"] for q in trusted]
    for p in year:
        i = bisect.bisect_left(dates, p["date"])
        before = [q["value"] for q in trusted[max(0, i - NEIGHBOURS):i]]
        after = [q["value"] for q in trusted[i:i + NEIGHBOURS + 1] if q is not p][:NEIGHBOURS]
        if len(before) < 2 or len(after) < 2:
            continue
        low = min(statistics.median(before), statistics.median(after))
        high = max(statistics.median(before), statistics.median(after))
        value, gap = p["value"], MIN_GAP_SHARE * largest
        if value == 0 and low > 0 and low >= gap:
            _flag(p, f"zero: 0 where the days around it are about {_show(low, kind)}")
        elif kind == "count" and value < DIP_RATIO * low and low - value >= gap:
            _flag(p, f"dip: {_show(value, kind)} where the days around it are about {_show(low, kind)}")
        elif kind == "count" and value * DIP_RATIO > high and value - high >= gap:
            _flag(p, f"spike: {_show(value, kind)} where the days around it are about {_show(high, kind)}")


def _show(value: float, kind: str = "count") -> str:
    return f"{round(value):,}" if kind == "count" else f"{value:.1f}"


def _flag_level_shift(year: list[dict[str, Any]], largest: float) -> None:
    changes = [abs(b["value"] - a["value"]) for a, b in zip(year, year[1:]) if b["value"] != a["value"]]
    typical = statistics.median(changes) if changes else 0
    for i in range(1, len(year)):
        before, after = year[i - 1]["value"], year[i]["value"]
        rise = after - before
        if (before <= 0  # zeros before a year's first figure mean "not reported yet", not a count
                or rise < SHIFT_SHARE * largest or rise < SHIFT_TYPICAL * typical or after < SHIFT_FACTOR * before):
            continue
        following = [q["value"] for q in year[i:i + NEIGHBOURS]]
        if statistics.median(following) < DIP_RATIO * after:
            continue  # it fell back: a spike, which the neighbour test handles
        for q in year[:i]:
            if 0 < q["value"] < 0.5 * after:
                _flag(q, f"undercount: the fiscal-year count jumps from {_show(before)} to {_show(after)} on "
                         f"{year[i]['date'].isoformat()} and stays there; earlier values this year look too low")
