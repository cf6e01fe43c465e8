"""The ogp-export connector on a five-row hand-written export, on broken copies of it, and on the real file."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from dashboard.ingest import ogp_export
from dashboard.ingest.common import IngestError, Source

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "ogp" / "ogp_small.csv"


def read(path: Path) -> dict:
    return ogp_export.read(Source(name="ogp", kind="ogp-export", path=path))


def rows_by_id(path: Path = FIXTURE) -> dict[str, dict]:
    return {r["commitment_id"]: r for r in read(path)["commitments"].to_pylist()}


def edited(tmp_path: Path, change) -> Path:
    """A copy of the fixture after `change(header, rows)` edits its rows in place."""
    with open(FIXTURE, encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    header, rows = records[0], records[1:]
    header = change(header, rows) or header
    out = tmp_path / "export.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return out


def set_cell(commitment_id: str, column: str, value: str):
    def change(header, rows):
        row = next(r for r in rows if r[0] == commitment_id)
        row[header.index(column)] = value
    return change


def test_commitment_fields_cycle_and_policy_areas():
    ca = rows_by_id()["CA0001"]
    assert ca["jurisdiction_id"] == "ca"  # OGP code CAN is the project's "ca"
    assert (ca["cycle"], ca["cycle_start"], ca["cycle_end"]) == ("2018-2020", 2018, 2020)
    assert ca["action_plan_id"] == "AP_CAN04"
    assert (ca["title_en"], ca["title_fr"]) == ("Open data portal", None)
    assert ca["description_en"] == 'Improve the portal, with "quotes" and\na second line'
    assert ca["lead_institution"] == "Treasury Board"
    assert ca["policy_areas"] == ["Open Data"]
    assert ca["url"] == "https://example.org/ca0001"
    assert (ca["source"], ca["synthetic"]) == ("ogp", False)
    assert rows_by_id()["UA0001"]["policy_areas"] == ["Anti-Corruption and Integrity", "Money in Politics"]
    assert rows_by_id()["UA0002"]["policy_areas"] == []  # ND in a flag column is no area


def test_nd_nr_na_stay_three_different_missing_values():
    rows = rows_by_id()
    ua2 = rows["UA0002"]
    assert (ua2["potential_impact"], ua2["potential_impact_missing"]) == (None, "NR")
    assert (ua2["completion_midterm"], ua2["completion_midterm_missing"]) == (None, "NA")
    assert (ua2["completion_end_term"], ua2["completion_end_term_missing"]) == (None, "ND")
    assert (ua2["starred"], ua2["starred_missing"]) == (None, "ND")
    assert (ua2["progress"], ua2["status_code"], ua2["status_vocab"]) == (None, None, None)
    ca = rows["CA0001"]
    assert (ca["potential_impact"], ca["potential_impact_missing"]) == ("Moderate", None)
    assert (ca["starred"], ca["starred_missing"]) == (True, None)
    assert rows["BUE0001"]["starred"] is False


def test_text_outside_the_vocabulary_is_kept():
    ua1 = rows_by_id()["UA0001"]
    assert (ua1["opened_government"], ua1["opened_government_missing"]) == ("No early results to report yet", None)


def test_progress_from_end_of_term_else_progress_report():
    rows = rows_by_id()
    assert [rows[i]["progress"] for i in ("CA0001", "UA0001", "BUE0001", "AR0001")] == [
        "complete", "substantial", "withdrawn", "unclear"]
    assert (rows["CA0001"]["progress_rank"], rows["CA0001"]["status_code"], rows["CA0001"]["status_vocab"]) == (
        3, "Complete", "irm")
    assert (rows["UA0001"]["status_code"], rows["UA0001"]["progress_rank"]) == ("Substantial", 2)  # end term NR
    assert rows["AR0001"]["progress_rank"] is None


@pytest.mark.parametrize("text, first, last", [
    ("9/1/2018", dt.date(2018, 9, 1), dt.date(2018, 9, 1)),
    ("30/6/2016", dt.date(2016, 6, 30), dt.date(2016, 6, 30)),  # day first when the first number is over 12
    ("6/30/20", dt.date(2020, 6, 30), dt.date(2020, 6, 30)),
    ("July 2021", dt.date(2021, 7, 1), dt.date(2021, 7, 31)),
    ("2013", dt.date(2013, 1, 1), dt.date(2013, 12, 31)),
    ("Quarter 2 2015", dt.date(2015, 4, 1), dt.date(2015, 6, 30)),
    ("IV quarter of 2022", dt.date(2022, 10, 1), dt.date(2022, 12, 31)),
    ("Spring 2015", dt.date(2015, 4, 1), dt.date(2015, 6, 30)),
    ("43525", dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
    ("7/15/1905", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),  # Excel's day 2023: the year 2023
])
def test_date_cells_name_a_period(text, first, last):
    assert ogp_export.parse_period(text) == (first, last)


@pytest.mark.parametrize("text", ["NA", "", "Underway", "In progress", "Ongoing", "Permanent activity"])
def test_no_date(text):
    assert ogp_export.parse_period(text) is None


def test_start_takes_the_first_day_and_end_the_last():
    rows = rows_by_id()
    assert (rows["UA0001"]["start_date"], rows["UA0001"]["end_date"]) == (dt.date(2021, 7, 1), dt.date(2022, 12, 31))
    assert (rows["UA0002"]["start_date"], rows["UA0002"]["end_date"]) == (None, dt.date(2027, 12, 31))
    assert (rows["BUE0001"]["start_date"], rows["BUE0001"]["end_date"]) == (dt.date(2018, 1, 1), None)
    assert (rows["AR0001"]["start_date"], rows["AR0001"]["end_date"]) == (dt.date(2019, 3, 1), dt.date(2020, 6, 30))


def test_jurisdictions_levels_and_parents():
    places = {r["jurisdiction_id"]: r for r in read(FIXTURE)["jurisdictions"].to_pylist()}
    assert sorted(places) == ["arba", "arg", "ca", "ukr"]
    assert places["ca"] | {"source": None} == {
        "jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national",
        "country_code": "CAN", "region": "Americas", "parent_id": None, "source": None, "synthetic": False}
    assert (places["ukr"]["level"], places["ukr"]["country_code"], places["ukr"]["region"]) == (
        "national", "UKR", "Europe")
    assert (places["arba"]["level"], places["arba"]["parent_id"], places["arba"]["country_code"]) == (
        "local", "arg", "ARG")


def test_other_is_local(tmp_path):
    path = edited(tmp_path, set_cell("AR0001", "National Or Local", "Other"))
    places = {r["jurisdiction_id"]: r for r in read(path)["jurisdictions"].to_pylist()}
    assert places["arg"]["level"] == "local"


def test_bad_date_names_row_column_and_value(tmp_path):
    path = edited(tmp_path, set_cell("UA0001", "Start Date", "sometime soon"))
    with pytest.raises(IngestError) as err:
        read(path)
    e = err.value
    assert (e.source, e.file, e.row, e.column, e.value) == ("ogp", str(path), 4, "Start Date", "sometime soon")
    assert "not a date" in str(e)


def test_row_numbers_are_lines_even_after_a_multi_line_cell(tmp_path):
    path = edited(tmp_path, set_cell("UA0002", "Year Of Submission", "20x1"))
    with pytest.raises(IngestError) as err:
        read(path)
    assert (err.value.row, err.value.column, err.value.value) == (5, "Year Of Submission", "20x1")


def test_starred_must_be_a_flag(tmp_path):
    path = edited(tmp_path, set_cell("CA0001", "Starred (Current Formula) End of Term", "yes"))
    with pytest.raises(IngestError, match="expected 0, 1, ND, NR or NA") as err:
        read(path)
    assert err.value.row == 2


def test_wrong_columns_are_listed(tmp_path):
    def drop(header, rows):
        for name in ("Code", "Completion (End Of Term)"):
            i = header.index(name)
            del header[i]
            for r in rows:
                del r[i]
    path = edited(tmp_path, drop)
    with pytest.raises(IngestError, match=r"missing columns \['Code', 'Completion \(End Of Term\)'\]"):
        read(path)


def test_duplicate_commitment_ids_are_refused(tmp_path):
    path = edited(tmp_path, lambda header, rows: rows.append(list(rows[1])))
    with pytest.raises(IngestError, match="duplicate id in table commitments") as err:
        read(path)
    assert (err.value.row, err.value.value) == (8, "UA0001")  # CA0001 spans lines 2-3


def test_missing_empty_and_header_only_files(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match="is empty"):
        read(tmp_path / "empty.csv")
    header_only = edited(tmp_path, lambda header, rows: rows.clear())
    with pytest.raises(IngestError, match="no commitments"):
        read(header_only)


@pytest.mark.shared
def test_real_export(shared_data):
    tables = read(shared_data / "ogp" / "ogp_commitments_export_2024-07.csv")
    commitments = tables["commitments"].to_pylist()
    assert len(commitments) == 558
    assert tables["jurisdictions"].num_rows == 75
    assert len({r["jurisdiction_id"] for r in commitments}) == 75
    assert Counter(r["potential_impact_missing"] for r in commitments) == {None: 345, "ND": 155, "NR": 58}
    assert Counter(r["completion_midterm_missing"] for r in commitments) == {None: 208, "ND": 261, "NR": 58,
                                                                               "NA": 31}
    assert Counter(r["opened_government"] for r in commitments)["No early results to report yet"] == 22
    assert Counter(r["progress"] for r in commitments) == {
        None: 152, "limited": 144, "substantial": 135, "complete": 94, "not_started": 30, "unclear": 2,
        "withdrawn": 1}
    by_id = {r["commitment_id"]: r for r in commitments}
    ca = by_id["CA0036"]
    assert (ca["jurisdiction_id"], ca["cycle"], ca["start_date"], ca["end_date"]) == (
        "ca", "2014-2016", dt.date(2014, 11, 1), dt.date(2016, 6, 30))
    ke = by_id["KE0038"]  # years typed into date cells, shown by Excel as 1905 dates
    assert (ke["start_date"], ke["end_date"]) == (dt.date(2024, 1, 1), dt.date(2028, 12, 31))
    levels = Counter(r["level"] for r in tables["jurisdictions"].to_pylist())
    assert levels == {"national": 67, "local": 8}


def test_no_evidence_available_is_part_of_the_irm_vocabulary(tmp_path):
    """OGP's completion value "No Evidence Available" cannot be judged, like Unclear: no rank, left out of
    shares; the words stay in status_code and in the IRM column, and it is not a missing value."""
    path = edited(tmp_path, set_cell("CA0001", "Completion (End Of Term)", "No Evidence Available"))
    ca = rows_by_id(path)["CA0001"]
    assert (ca["completion_end_term"], ca["completion_end_term_missing"]) == ("No Evidence Available", None)
    assert (ca["progress"], ca["progress_rank"], ca["status_code"], ca["status_vocab"]) == (
        "unclear", None, "No Evidence Available", "irm")
