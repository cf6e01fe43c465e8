"""Exact values of the hand-written reference data, and the reference connector's refusals."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dashboard import config
from dashboard.ingest import reference
from dashboard.ingest.common import IngestError, Source

REPO = Path(__file__).resolve().parent.parent
REFERENCE = config.BUNDLED_DIR / "reference"  # shipped with the package (data/ in a checkout before the move)
SHARED_REFERENCE = REPO.parent / "shared" / "reference"


def _read(path: Path = REFERENCE, **options) -> dict:
    return reference.read(Source(name="reference", kind="reference", path=path, options=options))


@pytest.fixture(scope="module")
def tables() -> dict:
    return {name: t.to_pylist() for name, t in _read().items()}


def _by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_canadas_register_has_73_commitments_in_four_cycles(tables):
    canada = [r for r in tables["commitments"] if r["jurisdiction_id"] == "ca"]
    assert sorted(r["commitment_id"] for r in canada) == [f"CA{i:04d}" for i in range(1, 74)]
    per_cycle = {}
    for r in canada:
        per_cycle[r["cycle"]] = per_cycle.get(r["cycle"], 0) + 1
    assert per_cycle == {"2012-2014": 29, "2014-2016": 12, "2016-2018": 22, "2018-2020": 10}
    by_id = _by(canada, "commitment_id")
    assert by_id["CA0001"]["title_en"] == "Open Government Directive: Issue Directive on Open Government"
    assert by_id["CA0001"]["policy_areas"] == ["E-Government"]
    assert by_id["CA0004"]["policy_areas"] is None  # the register gives it none
    assert by_id["CA0067"]["policy_areas"] == ["Automated Decision-Making"]
    assert (by_id["CA0064"]["cycle_start"], by_id["CA0064"]["cycle_end"]) == (2018, 2020)
    assert by_id["CA0073"]["policy_areas"] == ["Access to Information", "Capacity Building", "E-Government",
                                               "Gender", "Marginalized Communities", "Open Data"]
    assert all(r["title_fr"] is None for r in canada)  # no document gives French titles


def test_ca0047_status_and_deliverables(tables):
    ca0047 = _by(tables["commitments"], "commitment_id")["CA0047"]
    assert ca0047["title_en"] == "Develop Open Government Skills Across the Federal Public Service"
    assert ca0047["cycle"] == "2016-2018"
    assert ca0047["lead_institution"] == "Treasury Board Secretariat; Canada School of Public Service"
    assert (ca0047["status_code"], ca0047["status_vocab"], ca0047["progress"], ca0047["progress_rank"]) == \
        ("Substantial", "irm", "substantial", 2)
    # The report is a self-assessment, not an IRM rating: the IRM fields say "no data".
    assert ca0047["completion_midterm"] is None and ca0047["completion_midterm_missing"] == "ND"
    deliverables = [m for m in tables["milestones"] if m["commitment_id"] == "CA0047"]
    assert [m["milestone_id"] for m in deliverables] == ["CA0047-1", "CA0047-2", "CA0047-3"]
    assert {(m["status_code"], m["progress"]) for m in deliverables} == {("Substantial", "substantial")}
    history = [s for s in tables["milestone_status"] if s["commitment_id"] == "CA0047"]
    assert [(s["milestone_id"], s["reporting_period"], s["period_date"], s["status_code"]) for s in history] == [
        ("CA0047-1", "2017-06", dt.date(2017, 6, 1), "Substantial"),
        ("CA0047-2", "2017-06", dt.date(2017, 6, 1), "Substantial"),
        ("CA0047-3", "2017-06", dt.date(2017, 6, 1), "Substantial"),
    ]


def test_ca0047_learning_figures(tables):
    rows = {(r["organizer"], r["event_type"]): r for r in tables["learning_events"]}
    tbs = rows[("Treasury Board of Canada Secretariat", "learning event")]
    assert (tbs["events"], tbs["learners"], tbs["organisations"]) == (34, 1800, 26)
    assert (tbs["period"], tbs["period_start"], tbs["period_end"]) == \
        ("2016-07/2017-06", dt.date(2016, 7, 1), dt.date(2017, 6, 30))
    assert tbs["jurisdiction_id"] == "ca" and tbs["commitment_id"] == "CA0047"
    courses = rows[("Canada School of Public Service", "course")]
    assert (courses["events"], courses["learners"], courses["organisations"]) == (14, 35755, 109)
    armchair = rows[("Canada School of Public Service; Treasury Board of Canada Secretariat", "armchair discussion")]
    assert (armchair["events"], armchair["learners"]) == (1, 98 + 287 + 71)
    pco = rows[("Privy Council Office", "training session")]
    assert (pco["events"], pco["learners"], pco["topic"]) == (5, 135, "public engagement")
    assert len(rows) == 4
    [visits] = tables["portal_metrics"]
    assert (visits["metric"], visits["date"], visits["value"]) == ("visits_to_date", dt.date(2017, 6, 30), 1893.0)


def test_ca0073_milestones_and_deadlines(tables):
    milestones = {m["milestone_id"]: m for m in tables["milestones"] if m["commitment_id"] == "CA0073"}
    assert {k: (m["due_date"], m["lead_dept"]) for k, m in milestones.items()} == {
        "CA0073-10.1": (dt.date(2020, 6, 30), "TBS"),
        "CA0073-10.2": (dt.date(2020, 6, 30), "IDRC"),
        "CA0073-10.3": (dt.date(2020, 6, 30), "IDRC/TBS"),
        "CA0073-10.4": (dt.date(2019, 5, 31), "IDRC"),
        "CA0073-10.5": (dt.date(2020, 5, 31), "TBS"),
        "CA0073-10.6": (dt.date(2020, 5, 31), "TBS"),
        "CA0073-10.7": (dt.date(2020, 5, 31), "CSPS/TBS"),
    }
    assert milestones["CA0073-10.5"]["deadline_text_en"] == \
        "May 2019 to onboard 2 provinces; May 2020 to onboard 2 municipalities"
    assert all(m["status_code"] is None and m["progress"] is None for m in milestones.values())
    indicators = {i["indicator_id"]: i for i in tables["indicators"]}
    assert len(indicators) == 16
    assert indicators["CA0073-10.3.1"]["due_date"] == dt.date(2018, 9, 30)
    assert indicators["CA0073-10.6.1"]["due_date"] == dt.date(2019, 2, 28)
    assert indicators["CA0073-10.1.2"]["due_date"] is None  # "Spring 2019" names no day
    assert indicators["CA0073-10.1.2"]["deadline_text_en"] == "Spring 2019"
    # Each milestone is due on its latest dated indicator.
    for milestone_id, m in milestones.items():
        dates = [i["due_date"] for i in indicators.values() if i["milestone_id"] == milestone_id and i["due_date"]]
        assert m["due_date"] == max(dates)


def test_quebec_commitments_and_milestones(tables):
    commitments = _by(tables["commitments"], "commitment_id")
    assert commitments["CAQUE0001"]["title_en"] == "Democratize open data"
    assert commitments["CAQUE0005"]["title_en"] == "Equip government employees in the use of open source software."
    for cid, start in (("CAQUE0001", dt.date(2022, 4, 1)), ("CAQUE0005", dt.date(2022, 2, 1))):
        c = commitments[cid]
        assert (c["jurisdiction_id"], c["cycle"], c["start_date"], c["end_date"]) == \
            ("ca-qc", "2021-2023", start, dt.date(2023, 3, 31))
    due = {m["milestone_id"]: m["due_date"] for m in tables["milestones"] if m["commitment_id"].startswith("CAQUE")}
    assert due == {
        "CAQUE0001-1.1": dt.date(2023, 3, 31), "CAQUE0001-1.2": dt.date(2023, 3, 31),
        "CAQUE0001-1.3": dt.date(2023, 3, 31), "CAQUE0001-1.4": dt.date(2022, 10, 31),
        "CAQUE0001-1.5": dt.date(2022, 11, 30), "CAQUE0005-5.1": dt.date(2023, 3, 31),
        "CAQUE0005-5.2": dt.date(2023, 3, 31), "CAQUE0005-5.3": dt.date(2023, 3, 31),
    }
    jurisdictions = _by(tables["jurisdictions"], "jurisdiction_id")
    assert (jurisdictions["ca-qc"]["level"], jurisdictions["ca-qc"]["parent_id"]) == ("subnational", "ca")
    assert (jurisdictions["ca"]["level"], jurisdictions["ca"]["parent_id"]) == ("national", None)


def test_every_row_is_real_and_tagged_with_its_source(tables):
    for name, rows in tables.items():
        assert rows, name
        assert {(r["source"], r["synthetic"]) for r in rows} == {("reference", False)}, name


def test_every_row_names_a_reference_document_that_exists():
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"reference documents folder {SHARED_REFERENCE} is absent")
    import csv

    documents = {p.name for p in SHARED_REFERENCE.iterdir()}
    for path in sorted(REFERENCE.glob("*.csv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        for row in csv.DictReader(lines):
            cited = [d.strip() for d in row["source_doc"].split(";")]
            assert cited and set(cited) <= documents, (path.name, row)


def test_tables_option_limits_what_is_read():
    assert set(_read(tables=["jurisdictions", "learning_events"])) == {"jurisdictions", "learning_events"}
    with pytest.raises(IngestError, match="option `tables`"):
        _read(tables=["datasets"])


# ---------------------------------------------------------------- refusals name where the problem is

@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE, target)
    return target


def _line_of(path: Path, startswith: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return number
    raise AssertionError(startswith)


def test_missing_folder_and_missing_file(tmp_path, copy):
    with pytest.raises(IngestError, match="reference folder not found"):
        _read(tmp_path / "nowhere")
    (copy / "milestones.csv").unlink()
    with pytest.raises(IngestError, match="missing file milestones.csv") as err:
        _read(copy)
    assert str(copy / "milestones.csv") in str(err.value)


def test_empty_file(copy):
    (copy / "indicators.csv").write_text("")
    with pytest.raises(IngestError, match="empty file") as err:
        _read(copy)
    assert "indicators.csv" in str(err.value)


def test_unknown_and_missing_columns(copy):
    path = copy / "commitments.csv"
    header = _line_of(path, "commitment_id,")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title_en,title_fr", "titel_en,title_fr", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="unknown column") as err:
        _read(copy)
    assert (err.value.row, err.value.column, err.value.value) == (header, "titel_en", "titel_en")
    path.write_text(text.replace("commitment_id,jurisdiction_id,", "commitment_id,", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="missing required column") as err:
        _read(copy)
    assert (err.value.row, err.value.column) == (header, "jurisdiction_id")


def test_duplicate_id_names_both_rows(copy):
    path = copy / "commitments.csv"
    first = _line_of(path, "CA0047,")
    row = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("CA0047,"))
    total = len(path.read_text(encoding="utf-8").splitlines())
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    with pytest.raises(IngestError, match="duplicate id") as err:
        _read(copy)
    assert (err.value.row, err.value.column, err.value.value) == (total + 1, "commitment_id", "CA0047")
    assert f"rows {first}, {total + 1}" in str(err.value)


def test_bad_values_are_named(copy):
    path = copy / "milestones.csv"
    text = path.read_text(encoding="utf-8")
    line = _line_of(path, "CA0073-10.4,")
    path.write_text(text.replace("2019-05-31", "31/05/2019", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="not a date") as err:
        _read(copy)
    assert (err.value.row, err.value.column, err.value.value) == (line, "due_date", "31/05/2019")
    path.write_text(text.replace("CA0047-1,CA0047,", "CA0047-1,CA9999,", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="names no row of commitments.csv") as err:
        _read(copy)
    assert (err.value.column, err.value.value) == ("commitment_id", "CA9999")
    path.write_text(text.replace(",Substantial,irm,", ",Mostly,irm,", 1), encoding="utf-8")
    with pytest.raises(IngestError, match="'Mostly' is not a irm status") as err:
        _read(copy)
    assert (err.value.column, err.value.value) == ("status_code", "Mostly")


def test_computed_columns_cannot_be_set_by_hand(copy):
    path = copy / "milestone_status.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status_code,status_vocab,", "status_code,status_vocab,synthetic,", 1)
                    .replace(",Substantial,irm,", ",Substantial,irm,true,"), encoding="utf-8")
    with pytest.raises(IngestError, match="computed by the connector") as err:
        _read(copy)
    assert err.value.column == "synthetic"
