"""The nap-tracker connector on two made-up plans, their status records, the flattened CSVs, and the real schemas."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from dashboard.ingest import nap_tracker
from dashboard.ingest.common import IngestError, Source
from helpers.nap_tracker import seven_indicator_plan

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PLANS = FIXTURES / "nap"
FLAT = FIXTURES / "nap_flat"


def read(path: Path, **options) -> dict:
    return nap_tracker.read(Source(name="nap", kind="nap-tracker", path=path, options=options))


def by_id(table, key: str) -> dict[str, dict]:
    return {r[key]: r for r in table.to_pylist()}


def status_records() -> list[dict]:
    with open(PLANS / "status.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def plans_with_status(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the two plans with a status file `name` holding `text`."""
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_ids_are_prefixed_with_the_plan_so_they_are_unique_across_plans():
    tables = read(PLANS)
    assert {k: t.num_rows for k, t in tables.items()} == {
        "commitments": 3, "milestones": 4, "indicators": 5, "jurisdictions": 1}
    assert sorted(by_id(tables["commitments"], "commitment_id")) == ["CA-NAP7-C01", "CA-NAP7-C02", "CA-NAP8-C01"]
    assert sorted(by_id(tables["indicators"], "indicator_id")) == [
        "CA-NAP7-C01.1.1", "CA-NAP7-C01.1.2", "CA-NAP7-C01.2.1", "CA-NAP7-C02.1.1", "CA-NAP8-C01.1.1"]
    assert tables["jurisdictions"].to_pylist()[0]["jurisdiction_id"] == "ca"


def test_commitment_rows():
    c = by_id(read(PLANS)["commitments"], "commitment_id")["CA-NAP7-C01"]
    assert {k: v for k, v in c.items() if v is not None} == {
        "commitment_id": "CA-NAP7-C01", "jurisdiction_id": "ca", "cycle": "2030-2032", "cycle_start": 2030,
        "cycle_end": 2032, "action_plan_id": "AP_CAN07", "title_en": "Open data", "title_fr": "Données ouvertes",
        "indicators_total": 3, "indicators_reported": 0,  # no status records given: none of its 3 reported
        "source": "nap", "synthetic": False}


def test_milestone_due_date_is_its_latest_indicator_month_end():
    tables = read(PLANS)
    indicators = by_id(tables["indicators"], "indicator_id")
    assert indicators["CA-NAP7-C01.1.1"]["due_date"] == dt.date(2030, 6, 30)
    assert indicators["CA-NAP7-C01.1.2"]["due_date"] == dt.date(2031, 2, 28)
    assert indicators["CA-NAP7-C01.1.2"]["title_en"] == "Inventory updated"  # trailing spaces trimmed
    assert indicators["CA-NAP7-C01.1.2"]["lead_dept"] == "pch, tbs-sct"
    assert (indicators["CA-NAP7-C01.1.1"]["deadline_text_en"], indicators["CA-NAP7-C01.1.1"]["deadline_text_fr"]) == (
        "By June 2030", "D'ici juin 2030")
    milestones = by_id(tables["milestones"], "milestone_id")
    m = milestones["CA-NAP7-C01.1"]
    assert (m["commitment_id"], m["due_date"], m["lead_dept"]) == ("CA-NAP7-C01", dt.date(2031, 2, 28), "tbs-sct, pch")
    assert (m["deadline_text_en"], m["title_fr"]) == ("By June 2030", "Publier l'inventaire")
    assert milestones["CA-NAP7-C01.2"]["due_date"] is None  # its one indicator has no due month
    assert (m["progress"], m["status_code"]) == (None, None)  # no status records given


def test_status_records_and_latest_progress():
    tables = read(PLANS, status="status.csv")
    status = tables["milestone_status"].to_pylist()
    assert len(status) == 6
    first = status[0]
    assert {k: v for k, v in first.items() if v is not None} == {
        "commitment_id": "CA-NAP7-C01", "milestone_id": "CA-NAP7-C01.1", "indicator_id": "CA-NAP7-C01.1.1",
        "reporting_period": "2030-06", "period_date": dt.date(2030, 6, 1), "progress": "limited",
        "progress_rank": 1, "status_code": "LP", "status_vocab": "nap", "progress_en": "Drafted",
        "progress_fr": "Rédigé", "record_modified": dt.datetime(2030, 7, 2, 10, 0), "source": "nap",
        "synthetic": False}
    assert status[3]["record_modified"] == dt.datetime(2031, 1, 6, 8, 0)  # +00:00 read as UTC
    assert status[5]["indicator_id"] == "CA-NAP8-C01.1.1"  # 2033-06 is a NAP8 reporting period
    milestones = by_id(tables["milestones"], "milestone_id")
    # Latest period 2030-12: C01.1.1 complete, C01.1.2 substantial -> the worst, substantial.
    assert [milestones["CA-NAP7-C01.1"][k] for k in ("progress", "progress_rank", "status_code", "status_vocab")] == [
        "substantial", 2, "SP", "nap"]
    assert milestones["CA-NAP7-C01.2"]["status_code"] == "LP"
    assert milestones["CA-NAP7-C02.1"]["progress"] is None
    commitments = by_id(tables["commitments"], "commitment_id")
    assert (commitments["CA-NAP7-C01"]["progress"], commitments["CA-NAP7-C01"]["status_code"]) == ("limited", "LP")
    assert commitments["CA-NAP8-C01"]["progress"] == "complete"
    assert [(milestones[m]["indicators_total"], milestones[m]["indicators_reported"])
            for m in ("CA-NAP7-C01.1", "CA-NAP7-C01.2", "CA-NAP7-C02.1")] == [(2, 2), (1, 1), (1, 0)]
    assert [(commitments[c]["indicators_total"], commitments[c]["indicators_reported"])
            for c in ("CA-NAP7-C01", "CA-NAP7-C02", "CA-NAP8-C01")] == [(3, 3), (1, 0), (1, 1)]


# ---------------------------------------------------------------- statuses built from indicator reports

def statuses(folder: Path) -> tuple[dict, dict]:
    tables = read(folder, status="status.csv")
    keep = ("progress", "progress_rank", "status_code", "indicators_total", "indicators_reported")
    return ({k[8:]: tuple(r[c] for c in keep) for k, r in by_id(tables["milestones"], "milestone_id").items()},
            {k[8:]: tuple(r[c] for c in keep) for k, r in by_id(tables["commitments"], "commitment_id").items()})


def test_one_of_seven_indicators_complete_is_not_a_complete_milestone(tmp_path):
    milestones, commitments = statuses(seven_indicator_plan(tmp_path, [
        "2036-03,C01.1.1,C", "2036-03,C01.2.1,C", "2036-03,C02.1.1,C"]))
    assert milestones == {
        "C01.1": (None, None, None, 7, 1),  # 1 of 7 reported, complete: whether the milestone is, is not known
        "C01.2": ("complete", 3, "C", 1, 1),  # its one indicator reported complete
        "C02.1": ("complete", 3, "C", 1, 1),
    }
    assert commitments == {
        "C01": (None, None, None, 8, 2),  # one of its milestones has no status: not complete
        "C02": ("complete", 3, "C", 1, 1),  # every part reported complete
    }


def test_a_reported_unfinished_indicator_gives_the_milestone_its_status(tmp_path):
    milestones, commitments = statuses(seven_indicator_plan(tmp_path, [
        "2036-03,C01.1.1,C", "2036-03,C01.1.2,LP", "2036-03,C01.1.3,SP", "2036-03,C01.2.1,C"]))
    assert milestones["C01.1"] == ("limited", 1, "LP", 7, 3)  # the least advanced of what was reported
    assert commitments["C01"] == ("limited", 1, "LP", 8, 4)


def test_each_indicator_counts_with_its_own_latest_report(tmp_path):
    # All seven reported complete, six of them in March and one in September: the milestone is complete.
    # C01.2.1 moved from complete back to limited: its latest report counts, so C01 is not complete.
    every = [f"2036-03,C01.1.{k},C" for k in range(1, 7)]
    milestones, commitments = statuses(seven_indicator_plan(tmp_path, [
        *every, "2036-09,C01.1.7,C", "2036-03,C01.2.1,C", "2036-09,C01.2.1,LP", "2036-03,C02.1.1,NS"]))
    assert milestones == {
        "C01.1": ("complete", 3, "C", 7, 7),
        "C01.2": ("limited", 1, "LP", 1, 1),
        "C02.1": ("not_started", 0, "NS", 1, 1),
    }
    assert commitments == {"C01": ("limited", 1, "LP", 8, 8), "C02": ("not_started", 0, "NS", 1, 1)}


@pytest.mark.parametrize("name, render", [
    ("status.json", lambda recs: json.dumps(recs)),
    ("status.json", lambda recs: json.dumps({"success": True, "result": {"records": recs}})),
    ("status.jsonl", lambda recs: "\n".join(json.dumps(r) for r in recs) + "\n"),
])
def test_status_as_json_and_json_lines(tmp_path, name, render):
    folder = plans_with_status(tmp_path, name, render(status_records()))
    from_json = read(folder, status=name)["milestone_status"]
    assert from_json.equals(read(PLANS, status="status.csv")["milestone_status"])


def test_status_table_names_each_file_plan(tmp_path):
    records = [r for r in status_records() if r["reporting_period"] != "2033-06"]
    records[0]["reporting_period"] = "2031-03"  # not in the schema's list: fine when the plan is given
    folder = plans_with_status(tmp_path, "nap7.json", json.dumps(records))
    status = read(folder, status={"nap7": "nap7.json"})["milestone_status"].to_pylist()
    assert status[0]["reporting_period"] == "2031-03"
    with pytest.raises(IngestError, match="cannot tell which plan") as err:
        read(folder, status="nap7.json")
    assert (err.value.row, err.value.column, err.value.value) == (1, "reporting_period", "2031-03")


def test_unknown_status_code_names_row_column_value(tmp_path):
    text = (PLANS / "status.csv").read_text(encoding="utf-8").replace("2030-12,C01,C01.2,C01.2.1,LP",
                                                                      "2030-12,C01,C01.2,C01.2.1,XX")
    folder = plans_with_status(tmp_path, "bad.csv", text)
    with pytest.raises(IngestError, match="'XX' is not a nap status") as err:
        read(folder, status="bad.csv")
    e = err.value
    assert (e.file, e.row, e.column, e.value) == (str(folder / "bad.csv"), 6, "status", "XX")


def test_status_for_an_indicator_the_plan_lacks(tmp_path):
    folder = plans_with_status(tmp_path, "bad.jsonl", json.dumps(
        {"reporting_period": "2030-06", "indicators": "C09.9.9", "status": "C"}) + "\n")
    with pytest.raises(IngestError, match="not an indicator of NAP7") as err:
        read(folder, status="bad.jsonl")
    assert (err.value.row, err.value.column, err.value.value) == (1, "indicators", "C09.9.9")


def test_duplicate_status_records_are_refused(tmp_path):
    text = (PLANS / "status.csv").read_text(encoding="utf-8")
    folder = plans_with_status(tmp_path, "dup.csv", text + text.splitlines()[1] + "\n")
    with pytest.raises(IngestError, match="duplicate id in table milestone_status") as err:
        read(folder, status="dup.csv")
    assert err.value.row == 8


def test_empty_and_missing_status_files(tmp_path):
    folder = plans_with_status(tmp_path, "empty.csv", "")
    with pytest.raises(IngestError, match="status file is empty"):
        read(folder, status="empty.csv")
    with pytest.raises(IngestError, match="status file not found"):
        read(folder, status="nope.csv")


def test_flattened_csvs_give_the_same_rows_without_french_deadlines():
    flat = read(FLAT)
    assert read(FLAT / "nap_indicators.csv")["indicators"].equals(flat["indicators"])
    yaml_tables = read(PLANS)
    for table, key in (("commitments", "commitment_id"), ("milestones", "milestone_id"),
                       ("indicators", "indicator_id")):
        from_yaml = {k: v for k, v in by_id(yaml_tables[table], key).items() if "NAP7" in k}
        from_csv = by_id(flat[table], key)
        assert sorted(from_csv) == sorted(from_yaml)
        for k in from_csv:
            assert {c: v for c, v in from_csv[k].items() if c != "deadline_text_fr"} == {
                c: v for c, v in from_yaml[k].items() if c != "deadline_text_fr"}
    assert by_id(flat["indicators"], "indicator_id")["CA-NAP7-C01.1.1"]["deadline_text_fr"] is None


def test_bad_yaml_names_the_line(tmp_path):
    (tmp_path / "nap9_2036-2038.yaml").write_text("resources:\n- fields: [\n  oops: {\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not valid YAML") as err:
        read(tmp_path)
    assert err.value.file == str(tmp_path / "nap9_2036-2038.yaml") and err.value.row == 4


def test_indicator_of_an_unknown_milestone(tmp_path):
    text = (PLANS / "nap8_2033-2035.yaml").read_text(encoding="utf-8").replace("C01.1.1: {en: Consultation",
                                                                             "C01.7.1: {en: Consultation")
    (tmp_path / "nap8_2033-2035.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match="does not belong to any of the plan's milestones") as err:
        read(tmp_path)
    assert (err.value.row, err.value.column, err.value.value) == (17, "indicators", "C01.7.1")


def test_missing_folder_and_folder_without_schemas(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(tmp_path / "nope")
    with pytest.raises(IngestError, match=r"no nap\*\.yaml schemas"):
        read(tmp_path)
    (tmp_path / "nap9_2036-2038.yaml").write_text("")
    with pytest.raises(IngestError, match="NAP schema is empty") as err:
        read(tmp_path)
    assert err.value.file == str(tmp_path / "nap9_2036-2038.yaml")


def test_wrong_columns_in_the_flattened_csv(tmp_path):
    shutil.copytree(FLAT, tmp_path / "flat")
    (tmp_path / "flat" / "nap_milestones.csv").write_text("plan,cycle,milestone\nNAP7,2030-2032,C01.1\n")
    with pytest.raises(IngestError, match=r"missing columns \['commitment_id', 'milestone_id', 'title_en', "
                                          r"'title_fr'\]"):
        read(tmp_path / "flat")


@pytest.mark.shared
def test_real_schemas(shared_data):
    folder = shared_data / "canada-nap"
    tables = read(folder)
    assert {k: t.num_rows for k, t in tables.items()} == {
        "commitments": 19, "milestones": 94, "indicators": 306, "jurisdictions": 1}
    commitments = by_id(tables["commitments"], "commitment_id")
    assert {c["cycle"] for c in commitments.values()} == {"2018-2020", "2022-2024", "2025-2029"}
    c = commitments["CA-NAP5-C01"]
    assert (c["title_en"], c["title_fr"], c["cycle"], c["action_plan_id"]) == (
        "Climate Change and Sustainable Growth", "Changements climatiques et croissance durable", "2022-2024",
        "AP_CAN05")
    indicator = by_id(tables["indicators"], "indicator_id")["CA-NAP5-C01.1.1"]
    assert (indicator["due_date"], indicator["deadline_text_en"], indicator["lead_dept"]) == (
        dt.date(2023, 12, 31), "By 2023", "nrcan-rncan")
    flat = read(folder, format="csv")
    for table, key in (("commitments", "commitment_id"), ("milestones", "milestone_id"),
                       ("indicators", "indicator_id")):
        assert sorted(by_id(flat[table], key)) == sorted(by_id(tables[table], key))
