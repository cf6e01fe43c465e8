"""The learning connector on the project's CSV template, and on rows that break it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.ingest import learning
from dashboard.ingest.common import IngestError, Source

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "learning" / "learning_events.csv"
HEADER = "period,jurisdiction,organizer,event_type,topic,events,learners,organisations"


def read(path: Path, **options) -> dict:
    return learning.read(Source(name="learning", kind="learning", path=path, options=options))


def one_row(tmp_path: Path, row: str, header: str = HEADER) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def test_rows_and_periods():
    tables = read(FIXTURE)
    rows = tables["learning_events"].to_pylist()
    assert rows[0] == {
        "period": "2024-03", "period_start": dt.date(2024, 3, 1), "period_end": dt.date(2024, 3, 31),
        "jurisdiction_id": "ca", "organizer": "TBS", "event_type": "workshop", "topic": "Open data 101",
        "events": 2, "learners": 45, "organisations": 12, "commitment_id": "CA-NAP5-C05", "source": "learning",
        "synthetic": False}
    assert [(r["period"], r["period_start"], r["period_end"]) for r in rows[1:]] == [
        ("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30)), ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31))]
    assert (rows[1]["organisations"], rows[1]["commitment_id"]) == (None, None)  # blank optional cells
    assert rows[2]["learners"] == 0
    places = {r["jurisdiction_id"]: r for r in tables["jurisdictions"].to_pylist()}
    assert sorted(places) == ["ca", "ca-qc", "ukr"]
    assert (places["ca-qc"]["level"], places["ca-qc"]["parent_id"]) == ("subnational", "ca")


def test_commitment_id_column_may_be_left_out(tmp_path):
    path = one_row(tmp_path, "2024-02,ca,CSPS,course,Open data,1,20,4")
    assert read(path)["learning_events"].column("commitment_id").to_pylist() == [None]


def test_jurisdiction_names_option_names_a_jurisdiction_the_project_does_not_know(tmp_path):
    path = one_row(tmp_path, "2024,ukr,NACP,course,Integrity,1,20,4")
    assert read(path, jurisdiction_names={"ukr": "Ukraine"})["jurisdictions"].to_pylist()[0]["name_en"] == "Ukraine"


@pytest.mark.parametrize("row, column, value, why", [
    ("2024-02,ca,CSPS,course,Open data,1,abc,4", "learners", "abc", "whole number"),
    ("2024-02,ca,CSPS,course,Open data,1,-3,4", "learners", "-3", "whole number"),
    ("2024-02,ca,CSPS,course,Open data,1.5,3,4", "events", "1.5", "whole number"),
    ("2024-02,ca,CSPS,course,Open data,,3,4", "events", "", "required"),
    ("2024-13,ca,CSPS,course,Open data,1,3,4", "period", "2024-13", "YYYY-MM, YYYY-Qn or YYYY"),
    ("2024-Q5,ca,CSPS,course,Open data,1,3,4", "period", "2024-Q5", "YYYY-MM, YYYY-Qn or YYYY"),
    ("2024-02,Canada,CSPS,course,Open data,1,3,4", "jurisdiction", "Canada", "jurisdiction id"),
    ("2024-02,ca,,course,Open data,1,3,4", "organizer", "", "required"),
])
def test_wrong_values_name_row_column_and_value(tmp_path, row, column, value, why):
    path = one_row(tmp_path, row)
    with pytest.raises(IngestError, match=why) as err:
        read(path)
    e = err.value
    assert (e.source, e.file, e.row, e.column, e.value) == ("learning", str(path), 2, column, value)


def test_wrong_columns_are_listed(tmp_path):
    path = one_row(tmp_path, "2024-02,ca,CSPS,1,3", header="period,jurisdiction,organizer,events,learners")
    with pytest.raises(IngestError, match=r"missing columns \['event_type', 'topic', 'organisations'\]"):
        read(path)


def test_a_row_with_too_few_fields(tmp_path):
    with pytest.raises(IngestError, match="expected 8 fields, found 5") as err:
        read(one_row(tmp_path, "2024-02,ca,CSPS,1,3"))
    assert err.value.row == 2


def test_duplicate_rows_are_refused(tmp_path):
    row = "2024-02,ca,CSPS,course,Open data,1,3,4"
    with pytest.raises(IngestError, match="duplicate id in table learning_events") as err:
        read(one_row(tmp_path, f"{row}\n{row}"))
    assert err.value.row == 3


def test_missing_empty_and_header_only_files(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match="is empty"):
        read(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text(HEADER + "\n")
    with pytest.raises(IngestError, match="no learning events"):
        read(tmp_path / "header.csv")
