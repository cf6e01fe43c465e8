"""The csps-registrations connector on a hand-written extract in the lsr table's layout (no real data is public)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dashboard.ingest import csps
from dashboard.ingest.common import IngestError, Source

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "csps" / "lsr2018_19.csv"


def read(path: Path = FIXTURE, **options) -> dict:
    return csps.read(Source(name="csps", kind="csps-registrations", path=path, options=options))


def edited(tmp_path: Path, old: str, new: str, name: str = "lsr2018_19.csv") -> Path:
    path = tmp_path / name
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def counts(table) -> list[tuple]:
    return [(r["period"], r["event_type"], r["topic"], r["events"], r["learners"], r["organisations"])
            for r in table.to_pylist()]


def test_per_month_per_course():
    tables = read()
    # April: offerings 11 and 12 of G101 (confirmed regs 1, 2, 3, 5; reg 4 cancelled); learners L1 and L3
    # (L2 did not show, L1 came twice); their departments. January falls in 2019, the fiscal year's end.
    assert counts(tables["learning_events"]) == [
        ("2018-04", "Instructor-Led", "Open Government 101", 2, 2, 2),
        ("2019-01", "Online", "Data Literacy", 1, 1, 1),  # reg 7 was waitlisted
        ("2018-04", "Online", "Data Literacy", 1, 1, 1),
    ]
    first = tables["learning_events"].to_pylist()[0]
    assert (first["period_start"], first["period_end"], first["jurisdiction_id"], first["organizer"]) == (
        dt.date(2018, 4, 1), dt.date(2018, 4, 30), "ca", "CSPS")
    assert (first["commitment_id"], first["source"], first["synthetic"]) == (None, "csps", False)
    assert tables["jurisdictions"].column("jurisdiction_id").to_pylist() == ["ca"]


def test_per_month_counts_each_learner_once():
    assert counts(read(grain="month")["learning_events"]) == [
        ("2018-04", None, None, 3, 2, 2),  # L3 took two courses in April: one learner
        ("2019-01", None, None, 1, 1, 1),
    ]


def test_fiscal_year_option_and_file_name(tmp_path):
    assert read(fiscal_year="2020-21")["learning_events"].column("period").to_pylist() == [
        "2020-04", "2021-01", "2020-04"]
    unnamed = tmp_path / "extract.csv"
    shutil.copy(FIXTURE, unnamed)
    with pytest.raises(IngestError, match="set option fiscal_year"):
        read(unnamed)
    with pytest.raises(IngestError, match="expected a fiscal year such as 2018-19") as err:
        read(unnamed, fiscal_year="2018-20")
    assert (err.value.column, err.value.value) == ("fiscal_year", "2018-20")


@pytest.mark.parametrize("old, new, row, column, value", [
    (",11,April,", ",eleven,April,", 2, "offering_id", "eleven"),
    (",Confirmed,1,L2,", ",Confirmed,maybe,L2,", 3, "no_show", "maybe"),
    (",21,January,", ",21,Janvier,", 7, "month_en", "Janvier"),
    (",Confirmed,0,L5,", ",Confirmed,0,,", 7, "learner_id", ""),
    ("-75.69,2,Confirmed", "-75.69,1,Confirmed", 3, "reg_id", "1"),  # a registration id given twice
])
def test_wrong_values_name_row_column_and_value(tmp_path, old, new, row, column, value):
    path = edited(tmp_path, old, new)
    with pytest.raises(IngestError) as err:
        read(path)
    e = err.value
    assert (e.source, e.file, e.row, e.column, e.value) == ("csps", str(path), row, column, value)


def test_wrong_columns_are_listed(tmp_path):
    path = edited(tmp_path, "reg_status,no_show,learner_id", "status,absent,learner_id")
    with pytest.raises(IngestError, match=r"missing columns \['reg_status', 'no_show'\]"):
        read(path)


def test_missing_and_empty_files_and_a_bad_grain(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(tmp_path / "lsr2018_19.csv")
    (tmp_path / "lsr2018_19.csv").write_text("")
    with pytest.raises(IngestError, match="is empty"):
        read(tmp_path / "lsr2018_19.csv")
    with pytest.raises(IngestError, match="option grain"):
        read(grain="week")
