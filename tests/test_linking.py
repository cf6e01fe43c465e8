"""One record per commitment: the linking step on tiny hand-written sources, aliases in search and URLs,
conflicts kept and shown, and Canada's 2018-2020 plan built from the real reference and NAP tracker files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard import config as ogdash_config
from dashboard import data, linking, publish, schema, snapshots, state
from dashboard.ingest.common import IngestError, Source, build_table
from helpers import REPO, SHARED_DATA, find_all, page_module, records, text_of

D = dt.date.fromisoformat
NAP_PLANS = REPO / "tests" / "fixtures" / "ingest" / "nap"  # made-up plans NAP7 (2030-2032) and NAP8

# A reference folder in the reference connector's layout. Each row is there for a reason:
# CA9001 is the NAP tracker's C01 by the crosswalk (its title differs only in case); CA9002 is C02 by
# title alone; CA9003 has C02's title too, but in another plan, so it is not linked; its crosswalk
# alias CA-OLD-9 is used by no loaded source; CA9999 is not in the snapshot, so its pair is dropped.
REFERENCE = {
    "jurisdictions.csv": """jurisdiction_id,name_en,name_fr,level,country_code
ca,Canada,Canada,national,CAN
""",
    "commitments.csv": """commitment_id,jurisdiction_id,cycle,title_en,description_en
CA9001,ca,2030-2032,Open Data,Publish data.
CA9002,ca,2030-2032,Open justice,
CA9003,ca,2033-2035,Open justice,
""",
    # CA9001-1.1 is due earlier than the tracker says (its last indicator is due February 2031);
    # CA9002-1.1 has no due date, so the tracker's fills it; its title ends with its lead, as a
    # tracker title might, and still matches.
    "milestones.csv": """milestone_id,commitment_id,title_en,lead_dept,due_date
CA9001-1.1,CA9001,Publish the inventory,,2030-06-30
CA9002-1.1,CA9002,Publish court data (JUS),JUS,
""",
    "indicators.csv": """indicator_id,milestone_id,commitment_id,title_en,due_date
CA9001-1.1.1,CA9001-1.1,CA9001,Inventory released,2030-06-30
""",
    "crosswalk.csv": """# Pairs for the test.
record,canonical_id,alias_id,basis
commitment,CA9001,CA-NAP7-C01,first commitment of the plan in both
milestone,CA9001-1.1,CA-NAP7-C01.1,milestone 1.1 in both
indicator,CA9001-1.1.1,CA-NAP7-C01.1.1,indicator 1.1.1 in both
commitment,CA9003,CA-OLD-9,an id no source of the test uses
commitment,CA9999,CA-GONE-1,a commitment not in the snapshot
""",
}
TABLES = '["jurisdictions", "commitments", "milestones", "indicators", "aliases"]'


def write_sources(folder: Path, *, crosswalk: str | None = None) -> Path:
    """Write the reference folder and a sources file (reference, then the NAP tracker's made-up plans)."""
    ref = folder / "reference"
    ref.mkdir(parents=True)
    for name, text in REFERENCE.items():
        (ref / name).write_text(crosswalk if name == "crosswalk.csv" and crosswalk is not None else text,
                                encoding="utf-8")
    shutil.copytree(NAP_PLANS, folder / "nap")
    config = folder / "sources.toml"
    config.write_text(f"""[[source]]
name = "reference"
kind = "reference"
path = "reference"
tables = {TABLES}

[[source]]
name = "nap"
kind = "nap-tracker"
path = "nap"
status = "status.csv"
""", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linking")
    config = write_sources(folder)
    snap = publish.build(config, folder / "data")
    return folder / "data", snap


def table(snap, name: str) -> list[dict]:
    return list(snapshots.iter_rows(snap, name))


# ---------------------------------------------------------------- linking via the crosswalk and titles

def test_a_commitment_two_sources_give_is_one_row_under_the_canonical_id(built):
    _, snap = built
    commitments = {c["commitment_id"]: c for c in table(snap, "commitments")}
    assert sorted(commitments) == ["CA-NAP8-C01", "CA9001", "CA9002", "CA9003"]
    ca9001 = commitments["CA9001"]
    # Each field from the first source that gives it; the reference's placeholder plan id is no value.
    assert (ca9001["title_en"], ca9001["title_fr"], ca9001["description_en"], ca9001["action_plan_id"],
            ca9001["source"]) == ("Open Data", "Données ouvertes", "Publish data.", "AP_CAN07", "reference")
    # The plan's other commitment is linked by its title; the same title in another plan is not.
    assert commitments["CA9002"]["title_fr"] == "Justice ouverte"
    assert commitments["CA9003"]["title_fr"] is None


def test_aliases_say_which_source_uses_each_id_and_why(built):
    _, snap = built
    rows = sorted((a["record"], a["alias_id"], a["canonical_id"], a["commitment_id"], a["alias_source"], a["rule"],
                   a["source"]) for a in table(snap, "aliases"))
    assert rows == [
        ("commitment", "CA-NAP7-C01", "CA9001", "CA9001", "nap", "crosswalk", "reference"),
        ("commitment", "CA-NAP7-C02", "CA9002", "CA9002", "nap", "title", "nap"),
        ("commitment", "CA-OLD-9", "CA9003", "CA9003", None, "crosswalk", "reference"),
        ("indicator", "CA-NAP7-C01.1.1", "CA9001-1.1.1", "CA9001", "nap", "crosswalk", "reference"),
        ("milestone", "CA-NAP7-C01.1", "CA9001-1.1", "CA9001", "nap", "crosswalk", "reference"),
        ("milestone", "CA-NAP7-C02.1", "CA9002-1.1", "CA9002", "nap", "title", "nap"),
    ]


def test_milestones_indicators_and_statuses_point_at_canonical_ids(built):
    _, snap = built
    milestones = {m["milestone_id"]: m for m in table(snap, "milestones")}
    assert {m: r["commitment_id"] for m, r in milestones.items() if r["commitment_id"].startswith("CA9")} == {
        "CA9001-1.1": "CA9001", "CA-NAP7-C01.2": "CA9001", "CA9002-1.1": "CA9002"}
    # A due date one source lacks comes from the other.
    assert milestones["CA9002-1.1"]["due_date"] == D("2032-03-31")
    indicators = sorted((i["indicator_id"], i["milestone_id"], i["commitment_id"]) for i in table(snap, "indicators")
                        if i["commitment_id"].startswith("CA9"))
    assert indicators == [
        ("CA-NAP7-C01.1.2", "CA9001-1.1", "CA9001"),
        ("CA-NAP7-C01.2.1", "CA-NAP7-C01.2", "CA9001"),
        ("CA-NAP7-C02.1.1", "CA9002-1.1", "CA9002"),
        ("CA9001-1.1.1", "CA9001-1.1", "CA9001"),
    ]
    status = sorted({(s["commitment_id"], s["milestone_id"], s["indicator_id"]) for s in table(snap, "milestone_status")
                     if s["reporting_period"] < "2033"})
    assert status == [("CA9001", "CA-NAP7-C01.2", "CA-NAP7-C01.2.1"),
                      ("CA9001", "CA9001-1.1", "CA-NAP7-C01.1.2"),
                      ("CA9001", "CA9001-1.1", "CA9001-1.1.1")]
    # The linked milestone's two indicators are counted once each.
    assert (milestones["CA9001-1.1"]["indicators_total"], milestones["CA9001-1.1"]["indicators_reported"]) == (2, 2)


def test_each_field_keeps_its_source_and_conflicts_keep_every_value(built):
    _, snap = built
    conflicts = sorted((c["record"], c["record_id"], c["field"], c["value"], c["source"], c["source_record_id"],
                        c["kept"]) for c in table(snap, "conflicts"))
    assert conflicts == [
        ("milestone", "CA9001-1.1", "due_date", "2030-06-30", "reference", "CA9001-1.1", True),
        ("milestone", "CA9001-1.1", "due_date", "2031-02-28", "nap", "CA-NAP7-C01.1", False),
    ]
    fields = {(f["field"], f["source"], f["source_record_id"]) for f in table(snap, "field_sources")
              if f["record_id"] == "CA9001"}
    assert {("title_en", "reference", "CA9001"), ("title_fr", "nap", "CA-NAP7-C01"),
            ("action_plan_id", "nap", "CA-NAP7-C01"), ("cycle", "reference", "CA9001")} <= fields


def test_the_manifest_counts_links_and_conflicts(built):
    _, snap = built
    assert snap.manifest["linking"] == {
        "records_joined": {"commitments": 2, "milestones": 2, "indicators": 1},
        "links": {"commitments": 2, "milestones": 2, "indicators": 1},
        "links_by_rule": {"crosswalk": 3, "title": 2},
        "aliases_not_loaded": 1,
        "conflicts": {"commitments": 0, "milestones": 1, "indicators": 0},
        "conflicting_fields": {"milestones.due_date": 1},
    }


# ---------------------------------------------------------------- the rule's limits, on rows in memory

def _tables(commitments: list[dict], aliases: list[dict] = ()) -> dict[str, pa.Table]:
    src = Source(name="test", kind="reference")
    out = {name: schema.TABLES[name].empty_table() for name in schema.TABLES}
    out["commitments"] = build_table("commitments", [
        {"jurisdiction_id": "ca", "cycle": "2030-2032", "cycle_start": 2030, "cycle_end": 2032, "synthetic": False,
         **c} for c in commitments], source=src)
    out["aliases"] = build_table("aliases", [{"rule": "crosswalk", "source": "a", "synthetic": False, **a}
                                             for a in aliases], source=src)
    return out


SOURCES = [Source(name="a", kind="reference", path=Path("/nowhere")), Source(name="b", kind="nap-tracker")]


def test_a_title_one_source_uses_twice_links_nothing():
    tables = linking.link(_tables([
        {"commitment_id": "A1", "title_en": "Open data", "source": "a"},
        {"commitment_id": "A2", "title_en": "Open  DATA.", "source": "a"},
        {"commitment_id": "B1", "title_en": "Open data", "source": "b"},
    ]), SOURCES)
    assert tables["commitments"].num_rows == 3 and tables["aliases"].num_rows == 0


def test_generated_rows_are_never_linked_to_real_ones():
    tables = linking.link(_tables([
        {"commitment_id": "A1", "title_en": "Open data", "source": "a"},
        {"commitment_id": "SYN-1", "title_en": "Open data", "source": "b", "synthetic": True},
    ]), SOURCES)
    assert tables["commitments"].num_rows == 2 and tables["aliases"].num_rows == 0


def test_titles_match_across_case_dashes_quotes_and_spaces():
    tables = linking.link(_tables([
        {"commitment_id": "A1", "title_en": "Canada’s co-chair  strategy", "source": "a"},
        {"commitment_id": "B1", "title_en": "canada's co\u2011chair strategy.", "source": "b"},
    ]), SOURCES)
    assert records(tables["aliases"].to_pandas(), "alias_id", "canonical_id", "rule") == [("B1", "A1", "title")]


def test_a_crosswalk_pair_across_plans_stops_the_build_naming_the_pair(tmp_path):
    crosswalk = REFERENCE["crosswalk.csv"] + "commitment,CA9003,CA-NAP7-C02,wrong on purpose\n"
    config = write_sources(tmp_path, crosswalk=crosswalk)
    with pytest.raises(IngestError) as caught:
        publish.build(config, tmp_path / "data")
    err = caught.value
    assert (err.source, err.column, err.value, err.row) == ("reference", "alias_id", "CA-NAP7-C02", 8)
    assert err.file == str(tmp_path / "reference" / "crosswalk.csv")
    assert "cycle_start" in err.why and "2033" in err.why and "2030" in err.why
    assert snapshots.list_snapshots(tmp_path / "data") == []


def test_a_crosswalk_pairing_two_rows_of_one_source_is_refused():
    with pytest.raises(IngestError, match="two rows of one source are two records"):
        linking.link(_tables([
            {"commitment_id": "A1", "title_en": "One", "source": "a"},
            {"commitment_id": "A2", "title_en": "Two", "source": "a"},
            {"commitment_id": "B1", "title_en": "Three", "source": "b"},
        ], [{"record": "commitment", "canonical_id": "A1", "alias_id": "A2"},
            {"record": "commitment", "canonical_id": "A1", "alias_id": "B1"}]), SOURCES)


def test_a_bad_crosswalk_line_is_refused_by_the_reference_source(tmp_path):
    crosswalk = "record,canonical_id,alias_id,basis\nprogramme,CA9001,CA-NAP7-C01,\n"
    config = write_sources(tmp_path, crosswalk=crosswalk)
    with pytest.raises(IngestError) as caught:
        publish.build(config, tmp_path / "data")
    assert (caught.value.column, caught.value.value, caught.value.row) == ("record", "programme", 2)


def test_a_source_that_yields_still_fills_gaps_and_keeps_its_disagreements():
    """on_duplicate = "skip": the later source's row is left out, its values are not."""
    src_a, src_b = Source(name="a", kind="reference"), Source(name="b", kind="ogp-export",
                                                            options={"on_duplicate": "skip"})
    base = {"commitment_id": "CA1", "jurisdiction_id": "ca", "cycle_start": 2018, "synthetic": False}
    a = build_table("commitments", [{**base, "cycle": "2018-2020", "cycle_end": 2020, "title_en": "Open data",
                                     "source": "a"}], source=src_a)
    b = build_table("commitments", [{**base, "cycle": "2018-2021", "cycle_end": 2021, "title_en": "Open data",
                                     "potential_impact": "Moderate", "progress": "complete", "progress_rank": 3,
                                     "status_code": "Complete", "status_vocab": "irm", "source": "b"}], source=src_b)
    tables = {name: schema.TABLES[name].empty_table() for name in schema.TABLES}
    tables["commitments"] = a
    out = linking.link(tables, [src_a, src_b], {"commitments": [(src_a, a), (src_b, b)]})
    [row] = out["commitments"].to_pylist()
    assert (row["cycle"], row["potential_impact"], row["progress"], row["source"]) == (
        "2018-2020", "Moderate", "complete", "a")
    assert records(out["conflicts"].to_pandas(), "field", "value", "source", "kept") == [
        ("cycle", "2018-2020", "a", True), ("cycle", "2018-2021", "b", False)]
    assert out["aliases"].num_rows == 0


# ---------------------------------------------------------------- aliases in search and URLs, conflicts on the page

@pytest.fixture(scope="module")
def app_env(built):
    data_dir, snap = built
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        yield {"app": create_app(data_dir), "snapshot": snap}


def _list(q: str) -> list[str]:
    return data.query("commitments_list", q=q, jurisdictions=[], levels=[], cycles=[], statuses=[], limit=None,
                      offset=0)["commitment_id"].tolist()


def test_search_finds_a_commitment_by_its_alias_exact_alias_first(app_env):
    assert _list("CA-NAP7-C01") == ["CA9001"]
    assert _list("ca-nap7-c0") == ["CA9001", "CA9002"]
    assert _list("nap7-c02") == ["CA9002"]
    assert _list("ca-old-9") == ["CA9003"]  # an alias no loaded source uses still finds its record
    assert _list("CA-NAP7-C01.1") == []  # a milestone's alias is not a commitment


def test_alias_queries_exact_values(app_env):
    assert records(data.query("commitment_alias", alias_id="CA-NAP7-C02"), "commitment_id", "alias_source",
                   "rule") == [("CA9002", "nap", "title")]
    assert data.query("commitment_alias", alias_id="ca-nap7-c02").empty  # ids are exact
    assert data.query("commitment_alias", alias_id="CA-NAP7-C01.1").empty  # a milestone's
    assert records(data.query("commitment_aliases", commitment_id="CA9001"), "record", "canonical_id", "alias_id") == [
        ("commitment", "CA9001", "CA-NAP7-C01"), ("milestone", "CA9001-1.1", "CA-NAP7-C01.1"),
        ("indicator", "CA9001-1.1.1", "CA-NAP7-C01.1.1")]
    assert records(data.query("commitment_conflicts", commitment_id="CA9001"), "record_id", "field", "value", "kept",
                   "source") == [("CA9001-1.1", "due_date", "2030-06-30", True, "reference"),
                                 ("CA9001-1.1", "due_date", "2031-02-28", False, "nap")]
    sources = data.query("commitment_field_sources", commitment_id="CA9001")
    assert set(sources["source"]) == {"reference", "nap"}
    assert data.query("commitment_field_sources", commitment_id="CA9003").empty  # one source: not listed


@pytest.mark.parametrize("hostile", ("'", "' or 1=1 --", "%", "_", "CA9001'; drop table aliases; --"))
def test_hostile_ids_stay_values(app_env, hostile):
    assert data.query("commitment_alias", alias_id=hostile).empty
    for name in ("commitment_aliases", "commitment_conflicts", "commitment_field_sources"):
        assert data.query(name, commitment_id=hostile).empty, name
    assert _list(hostile) == []


def _body(commitment_id: str, lang: str = "en"):
    page = page_module("commitment_detail")
    return page.draw_detail({"search": f"?lang={lang}" if lang != "en" else "", "id": commitment_id})


def test_the_page_of_an_alias_shows_its_record_and_says_so(app_env):
    body = _body("CA-NAP7-C01")
    [badge] = find_all(body, lambda n: "commitment-id" in (getattr(n, "className", "") or ""))
    assert badge.children == "CA9001"
    [notice] = find_all(body, lambda n: getattr(n, "id", None) == "commitment-alias-notice")
    assert text_of(notice) == "“CA-NAP7-C01” is nap's id for this commitment; the dashboard keeps it under CA9001."
    assert not find_all(_body("CA9001"), lambda n: getattr(n, "id", None) == "commitment-alias-notice")
    assert find_all(_body("CA-GONE-1"), lambda n: getattr(n, "id", None) == "commitment-not-found")


def test_the_record_page_shows_each_conflicting_value_with_its_source(app_env):
    body = _body("CA9001")
    assert "Sources: reference, nap (see “Sources of this record”)" in text_of(body)
    [section] = find_all(body, lambda n: getattr(n, "id", None) == "commitment-sources")
    text = text_of(section)
    assert "This record joins 2 sources: reference (CA9001), nap (CA-NAP7-C01)." in text
    assert "From nap: " in text and "Title (French)" in text
    [table_div] = find_all(section, lambda n: getattr(n, "id", None) == "commitment-conflicts")
    rows = [[text_of(cell) for cell in tr.children] for tr in find_all(table_div, lambda n: type(n).__name__ == "Tr")]
    assert rows[1:] == [["Milestone 1.1", "Due date", "June 30, 2030shown", "reference (CA9001-1.1)"],
                        ["Milestone 1.1", "Due date", "February 28, 2031", "nap (CA-NAP7-C01.1)"]]
    french = text_of(find_all(_body("CA9001", "fr"), lambda n: getattr(n, "id", None) == "commitment-sources"))
    assert "Là où les sources divergent" in french and "28 février 2031" in french


def test_a_record_from_one_source_has_no_sources_section(app_env):
    body = _body("CA-NAP8-C01")
    assert not find_all(body, lambda n: getattr(n, "id", None) == "commitment-sources")
    assert "Source: nap" in text_of(body)


# ---------------------------------------------------------------- the real files: Canada's 2018-2020 plan

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A snapshot of dashboard/bundled/reference plus the NAP tracker's YAML schemas from ../shared/data."""
    if not (SHARED_DATA / "canada-nap").is_dir():
        pytest.skip(f"real data folder {SHARED_DATA / 'canada-nap'} is absent (it sits beside the checkout)")
    folder = tmp_path_factory.mktemp("linking-real")
    config = folder / "sources.toml"
    config.write_text(f"""[[source]]
name = "reference"
kind = "reference"
path = "{ogdash_config.BUNDLED_DIR / 'reference'}"

[[source]]
name = "canada-nap"
kind = "nap-tracker"
path = "{SHARED_DATA / 'canada-nap'}"
format = "yaml"
""", encoding="utf-8")
    snap = publish.build(config, folder / "data")
    return folder / "data", snap


def _nap4_milestones() -> list[str]:
    from dashboard.ingest import nap_tracker

    source = Source(name="canada-nap", kind="nap-tracker", path=SHARED_DATA / "canada-nap",
                    options={"files": ["nap4_2018-2020.yaml"]})
    return nap_tracker.read(source)["milestones"].column("milestone_id").to_pylist()


@pytest.mark.shared
def test_canadas_2018_plan_has_10_commitments_and_the_trackers_56_milestones_each_once(real):
    _, snap = real
    plan = sorted(c["commitment_id"] for c in table(snap, "commitments")
                  if c["jurisdiction_id"] == "ca" and c["cycle"] == "2018-2020")
    assert plan == [f"CA{n:04d}" for n in range(64, 74)]
    milestones = [m["milestone_id"] for m in table(snap, "milestones") if m["commitment_id"] in plan]
    assert len(milestones) == len(set(milestones)) == 56
    tracker = _nap4_milestones()
    assert len(tracker) == 56
    canonical = {a["alias_id"]: a["canonical_id"] for a in table(snap, "aliases") if a["record"] == "milestone"}
    assert sorted(canonical.get(m, m) for m in tracker) == sorted(milestones)  # each of the tracker's, once
    assert sorted(m for m in milestones if m.startswith("CA0073-")) == [f"CA0073-10.{n}" for n in range(1, 8)]
    assert snap.manifest["linking"]["links"] == {"commitments": 10, "milestones": 7, "indicators": 16}


@pytest.mark.shared
def test_the_deadline_conflict_on_milestone_10_1_is_recorded_and_shown(real):
    data_dir, snap = real
    conflict = sorted((c["source"], c["source_record_id"], c["value"], c["kept"]) for c in table(snap, "conflicts")
                      if c["record_id"] == "CA0073-10.1" and c["field"] == "due_date")
    assert conflict == [("canada-nap", "CA-NAP4-C10.1", "2019-05-31", False),
                        ("reference", "CA0073-10.1", "2020-06-30", True)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        create_app(data_dir)
        page = page_module("commitment_detail")
        view = state.parse({})
        body = page.detail_body("CA-NAP4-C10", view)
    [table_div] = find_all(body, lambda n: getattr(n, "id", None) == "commitment-conflicts")
    rows = [[text_of(cell) for cell in tr.children] for tr in find_all(table_div, lambda n: type(n).__name__ == "Tr")]
    assert ["Milestone 10.1", "Due date", "June 30, 2020shown", "reference (CA0073-10.1)"] in rows
    assert ["Milestone 10.1", "Due date", "May 31, 2019", "canada-nap (CA-NAP4-C10.1)"] in rows
