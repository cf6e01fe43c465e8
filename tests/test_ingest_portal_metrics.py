"""The portal-metrics connector: long-form rows, and which days it flags, on a small report and the real one."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from dashboard.ingest import portal_metrics
from dashboard.ingest.common import IngestError, Source

# The real header, odd spaces included.
HEADER = ("Date,From, To,number of datasets,Non geospatial, % of non-geospatial with 3+ rating,"
          "number of API enabled datasets,% of API enable datasets ,Totals downloads,Total visits")

# (date, datasets created this fiscal year, share rated 3+) - the other counts follow the first.
DAYS = [
    # End of fiscal year 2023-24: steady growth.
    ("2024-03-25", 900, 50.0), ("2024-03-26", 905, 50.5), ("2024-03-27", 910, 50.2), ("2024-03-28", 915, 50.1),
    ("2024-03-29", 920, 50.3), ("2024-03-30", 925, 50.4), ("2024-03-31", 930, 50.0),
    # 1 April: the count restarts near zero - a reset, not an error.
    ("2024-04-01", 0, 0.0), ("2024-04-02", 3, 0.0), ("2024-04-03", 6, 40.0), ("2024-04-04", 9, 41.0),
    # 5 April: the count jumps to 2,000 and stays; 3, 6 and 9 were undercounts.
    ("2024-04-05", 2000, 40.0), ("2024-04-06", 2003, 40.5), ("2024-04-07", 2006, 40.2),
    # 8 April reads 0 for everything between normal days; 9 April half the count.
    ("2024-04-08", 0, 0.0), ("2024-04-09", 1000, 40.1), ("2024-04-10", 2012, 40.3),
    ("2024-04-11", 2015, 40.2), ("2024-04-12", 2018, 40.4), ("2024-04-13", 2021, 40.0),
    ("2024-04-14", 2024, 39.9),
]


def report(tmp_path: Path, days=DAYS, header: str = HEADER) -> Path:
    lines = [header]
    for day, created, share in days:
        start = "2023-04-01" if day < "2024-04-01" else "2024-04-01"
        lines.append(f"{day},{start},{day},{created},{created // 2},{share},{created // 10},10.0,{created * 100},"
                     f"{created * 1000}")
    path = tmp_path / "corporate_report.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path, **options) -> list[dict]:
    return portal_metrics.read(Source(name="metrics", kind="portal-metrics", path=path,
                                      options=options))["portal_metrics"].to_pylist()


def flagged(rows: list[dict], metric: str) -> dict[str, str]:
    return {r["date"].isoformat(): r["outlier_reason"] for r in rows if r["metric"] == metric and r["is_outlier"]}


def test_long_rows_with_snake_case_metrics(tmp_path):
    rows = read(report(tmp_path))
    assert len(rows) == 7 * len(DAYS)
    assert sorted({r["metric"] for r in rows}) == [
        "api_enabled_datasets", "datasets_created_fytd", "non_geospatial_datasets_created_fytd",
        "pct_api_enabled_datasets", "pct_non_geospatial_rated_3_plus", "total_downloads", "total_visits"]
    first = next(r for r in rows if r["metric"] == "total_visits")
    assert first == {"portal": "open.canada.ca", "metric": "total_visits", "date": dt.date(2024, 3, 25),
                     "value": 900000.0, "is_outlier": False, "outlier_reason": None, "source": "metrics",
                     "synthetic": False}


def test_flags_the_zero_the_dip_and_the_undercount_but_not_the_reset(tmp_path):
    rows = read(report(tmp_path))
    assert flagged(rows, "datasets_created_fytd") == {
        "2024-04-02": "undercount: the fiscal-year count jumps from 9 to 2,000 on 2024-04-05 and stays there; "
                      "earlier values this year look too low",
        "2024-04-03": "undercount: the fiscal-year count jumps from 9 to 2,000 on 2024-04-05 and stays there; "
                      "earlier values this year look too low",
        "2024-04-04": "undercount: the fiscal-year count jumps from 9 to 2,000 on 2024-04-05 and stays there; "
                      "earlier values this year look too low",
        # Compared with the days around that are not undercounts: 1 April's 0 included.
        "2024-04-08": "zero: 0 where the days around it are about 2,002",
        "2024-04-09": "dip: 1,000 where the days around it are about 2,000",
    }
    # A share is only flagged when it reads 0 between days that are not; 0.0 on 2 April sits beside 0.0.
    assert flagged(rows, "pct_non_geospatial_rated_3_plus") == {
        "2024-04-08": "zero: 0 where the days around it are about 40.0"}
    assert flagged(rows, "pct_api_enabled_datasets") == {}


def test_a_spike_that_falls_back(tmp_path):
    days = [(d, 2000 if d == "2024-03-28" else c, s) for d, c, s in DAYS[:7]]
    assert flagged(read(report(tmp_path, days)), "datasets_created_fytd") == {
        "2024-03-28": "spike: 2,000 where the days around it are about 925"}


def test_header_spaces_do_not_matter_and_missing_columns_are_listed(tmp_path):
    assert len(read(report(tmp_path, header=HEADER.replace(" To", "To").replace("enable datasets ", "enable datasets")
                           ))) == 7 * len(DAYS)
    bad = report(tmp_path, header=HEADER.replace("Totals downloads", "Downloads").replace("From", "Start"))
    with pytest.raises(IngestError, match=r"missing columns \['from', 'totals downloads'\]"):
        read(bad)


def test_wrong_values_name_row_column_and_value(tmp_path):
    path = report(tmp_path)
    text = path.read_text(encoding="utf-8").replace("2024-03-27,2023-04-01,2024-03-27,910,",
                                                     "2024-03-27,2023-04-01,2024-03-27,9l0,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match="expected a number") as err:
        read(path)
    assert (err.value.row, err.value.column, err.value.value) == (4, "number of datasets", "9l0")
    path.write_text(text.replace("9l0", "910").replace("2024-03-28,", "28/03/2024,", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="not a date") as err:
        read(path)
    assert (err.value.row, err.value.column, err.value.value) == (5, "Date", "28/03/2024")


def test_duplicate_days_are_refused(tmp_path):
    with pytest.raises(IngestError, match="duplicate id in table portal_metrics") as err:
        read(report(tmp_path, DAYS[:3] + DAYS[2:3]))
    assert err.value.row == 5


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match="is empty"):
        read(tmp_path / "empty.csv")


@pytest.mark.shared
def test_real_report(shared_data):
    rows = read(shared_data / "open-canada" / "corporate_report.csv")
    assert len(rows) == 7 * 1021
    assert Counter(r["metric"] for r in rows if r["is_outlier"]) == {
        "datasets_created_fytd": 162, "non_geospatial_datasets_created_fytd": 82,
        "pct_non_geospatial_rated_3_plus": 1, "api_enabled_datasets": 2, "pct_api_enabled_datasets": 1}
    created = {r["date"].isoformat(): r for r in rows if r["metric"] == "datasets_created_fytd"}
    # The known errors: 0 on 2025-10-27 (1,620 the day before), ~400 instead of ~3,300 in Aug-Sep 2025.
    assert created["2025-10-27"]["outlier_reason"] == "zero: 0 where the days around it are about 3,347"
    assert created["2025-10-26"]["outlier_reason"] == "dip: 1,620 where the days around it are about 3,347"
    aug_sep = [r for d, r in created.items() if "2025-08-01" <= d <= "2025-09-18"]
    assert len(aug_sep) == 46 and all(r["is_outlier"] for r in aug_sep)
    assert aug_sep[0]["outlier_reason"].startswith("undercount: the fiscal-year count jumps from 482 to 3,278 on "
                                                   "2025-09-19")
    # Normal days, fiscal-year resets included, are not flagged.
    for day in ("2023-07-18", "2024-03-31", "2024-04-16", "2024-08-13", "2025-04-01", "2025-09-19", "2025-10-24",
                "2025-10-28", "2026-04-02", "2026-08-22"):
        assert not created[day]["is_outlier"], day
    assert not any(r["is_outlier"] for r in rows if r["metric"] in ("total_downloads", "total_visits"))
    assert {r["date"].isoformat() for r in rows if r["is_outlier"] and r["metric"].startswith("pct_")} == {
        "2025-10-27"}
