"""Statuses say only what was reported: overdue versus past due with no status reported, and statuses built from
indicator reports, in the queries, the pages' sentences and tiles, the attention table and the milestone timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import charts, data, progress, state
from dashboard.ingest import nap_tracker
from dashboard.ingest.common import Source
from dashboard.specs import overview as overview_spec
from helpers import find_all, make_snapshot, page_module, records, text_of
from helpers.nap_tracker import seven_indicator_plan

TODAY = dt.date.today()
LONG_AGO = dt.date(2020, 6, 30)
SOON = TODAY + dt.timedelta(days=10)
LATER = TODAY + dt.timedelta(days=400)

JURISDICTIONS = [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]
COMMITMENTS = [
    {"commitment_id": "C1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018, "cycle_end": 2020,
     "title_en": "Reported and not", "title_fr": "Déclarés ou non"},
    # Built from indicator reports: 2 of 8 reported, so no status yet; and one whose 3 indicators all reported complete.
    {"commitment_id": "C2", "jurisdiction_id": "ca", "cycle": "2022-2024", "cycle_start": 2022, "cycle_end": 2024,
     "title_en": "Partly reported", "indicators_total": 8, "indicators_reported": 2},
    {"commitment_id": "C3", "jurisdiction_id": "ca", "cycle": "2022-2024", "cycle_start": 2022, "cycle_end": 2024,
     "title_en": "All reported", "progress": "complete", "progress_rank": 3, "status_code": "C",
     "status_vocab": "nap", "indicators_total": 3, "indicators_reported": 3},
    {"commitment_id": "C4", "jurisdiction_id": "ca", "cycle": "2022-2024", "cycle_start": 2022, "cycle_end": 2024,
     "title_en": "Undated milestones"},
]


def _m(mid, progress_, rank, code, vocab, due, **extra):
    return {"milestone_id": mid, "commitment_id": "C1", "title_en": f"Milestone {mid}", "progress": progress_,
            "progress_rank": rank, "status_code": code, "status_vocab": vocab, "due_date": due, **extra}


MILESTONES = [
    _m("C1-1", "limited", 1, "LP", "nap", LONG_AGO),  # reported, not complete, past due: overdue
    _m("C1-2", None, None, None, None, LONG_AGO),  # nothing reported, past due: past due, no status reported
    _m("C1-3", "complete", 3, "C", "nap", LONG_AGO),  # complete: nothing to say
    _m("C1-4", "withdrawn", None, "Withdrawn", "irm", LONG_AGO),  # nothing more expected: never listed
    _m("C1-5", "unclear", None, "Unclear", "irm", LONG_AGO),  # a reported status that is not complete: overdue
    _m("C1-6", None, None, None, None, SOON),  # nothing reported, due soon: nobody said it lacks progress
    _m("C1-7", None, None, None, None, LONG_AGO, indicators_total=7, indicators_reported=1),  # 1 of 7 reported
    _m("C1-8", None, None, None, None, None),  # nothing reported, no due date: never past due
    _m("C1-9", "not_started", 0, "NS", "nap", SOON),  # reported below substantial, due soon
    _m("C1-10", "substantial", 2, "SP", "nap", LATER),  # reported, due later: nothing to say
    {**_m("C4-1", None, None, None, None, None, indicators_total=2, indicators_reported=0), "commitment_id": "C4"},
]


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("statuses-data", lambda data_dir: make_snapshot(
        data_dir, {"jurisdictions": JURISDICTIONS, "commitments": COMMITMENTS, "milestones": MILESTONES}))


def _attention(**params):
    where = {"jurisdictions": [], "levels": [], "cycles": [], "as_of": TODAY, "stale_periods": 3, "horizon_days": 60}
    return {**where, **params}


# ---------------------------------------------------------------- the queries

def test_overdue_is_a_reported_status_and_past_due_unreported_is_apart(app_env):
    rows = data.query("overdue_milestones", limit=None, **_attention())
    assert records(rows, "milestone_id", "reason", "progress", "indicators_total", "indicators_reported") == [
        ("C1-1", "overdue", "limited", None, None),
        ("C1-5", "overdue", "unclear", None, None),
        ("C1-9", "due_soon", "not_started", None, None),
        ("C1-2", "past_due_unreported", None, None, None),  # listed last, under its own reason
        ("C1-7", "past_due_unreported", None, 7, 1),
    ]
    counts = data.query("attention_counts", **_attention())
    assert records(counts, "reason", "milestones") == [
        ("due_soon", 1), ("overdue", 2), ("past_due_unreported", 2)]


def test_commitment_milestones_mark_overdue_only_on_a_reported_status(app_env):
    rows = data.query("commitment_milestones", commitment_id="C1", as_of=TODAY)
    assert records(rows, "milestone_id", "past_due", "overdue", "indicators_total", "indicators_reported") == [
        ("C1-1", "overdue", True, None, None),
        ("C1-2", "past_due_unreported", False, None, None),
        ("C1-3", None, False, None, None),
        ("C1-4", None, False, None, None),
        ("C1-5", "overdue", True, None, None),
        ("C1-6", None, False, None, None),
        ("C1-7", "past_due_unreported", False, 7, 1),
        ("C1-8", None, False, None, None),
        ("C1-9", None, False, None, None),
        ("C1-10", None, False, None, None),
    ]


def test_commitment_indicator_reports(app_env):
    def run(**params):
        return records(data.query("commitment_indicator_reports", **{"jurisdictions": [], "levels": [], "cycles": [],
                                                                     **params}),
                       "commitments", "indicators_total", "indicators_reported", "complete", "unreported",
                       "synthetic_rows")

    assert run() == [(2, 11, 5, 1, 1, 0)]
    assert run(cycles=["2018-2020"]) == [(0, 0, 0, 0, 0, 0)]  # C1's status is not built from indicators
    for hostile in ("'", "ca') or ('1'='1", "ca; drop table commitments; --"):
        assert run(jurisdictions=[hostile]) == run(levels=[hostile]) == [(0, 0, 0, 0, 0, 0)]
    assert run() == [(2, 11, 5, 1, 1, 0)]


# ---------------------------------------------------------------- the pages

def test_status_tiles_say_how_many_indicators_reported(app_env):
    page = page_module("commitments")
    tiles = page.status_tiles(state.parse(""))
    note = find_all(tiles, lambda n: getattr(n, "id", None) == "commitments-status-reports")[0]
    assert text_of(note) == ("2 of these commitments have a status built from indicator reports (5 of 11 indicators "
                             "reported): each is complete only when every indicator reported complete.")
    static = find_all(tiles, lambda n: "status-tile-static" in (getattr(n, "className", "") or ""))[0]
    assert static.title == "Commitments with no completion rating or reported status yet"
    assert not find_all(page.status_tiles(state.parse("?cycle=2018-2020")),
                        lambda n: getattr(n, "id", None) == "commitments-status-reports")
    fr = find_all(page.status_tiles(state.parse("?lang=fr")),
                  lambda n: getattr(n, "id", None) == "commitments-status-reports")[0]
    assert text_of(fr).startswith("2 de ces engagements ont un état établi à partir des déclarations par indicateur "
                                  "(état déclaré pour 5 des 11 indicateurs)")


def test_overview_counts_overdue_and_says_past_due_unreported_apart(app_env):
    page = page_module("overview")
    view = state.parse("")
    k = overview_spec.kpis(view)
    assert (k["overdue"], k["attention"], k["past_due_unreported"]) == (2, 3, 2)
    when = page.i18n.fmt_date(TODAY, "en")
    headline = overview_spec.headline(k, view)
    assert f"2 milestones are overdue as of {when}. 2 milestones are past their due date with no status reported: " \
           "whether they are finished is not known." in headline
    tile = next(t for t in page.kpi_tiles(k, view) if t.children.id == "overview-kpi-overdue")
    assert text_of(tile) == "Milestones overdue21 more stalled or due within 60 days · 2 past due, no status reported"
    fr = state.parse("?lang=fr")
    assert "2 jalons ont dépassé leur échéance sans état déclaré : on ne sait pas s’ils sont achevés." in \
        overview_spec.headline(overview_spec.kpis(fr), fr)


def test_attention_table_shows_past_due_unreported_as_its_own_neutral_reason(app_env):
    page = page_module("commitments")
    sentence, table, caption, badge = page.overdue_parts(state.parse(""))
    when = page.i18n.fmt_date(TODAY, "en")
    assert sentence == (
        f"As of {when}: 2 milestones are overdue, 0 have not moved in 3 or more reporting periods, and 1 are due "
        "within 60 days without substantial progress. 2 milestones are past their due date with no status "
        "reported: whether they are finished is not known, so they are not counted as overdue.")
    rows = find_all(table, lambda n: type(n).__name__ == "Tr")[1:]
    assert [text_of(r.children[5]) for r in rows] == [
        "Overdue", "Overdue", "Due soon", "Past due, no status reported", "Past due, no status reported"]
    reasons = [find_all(r.children[5], lambda n: type(n).__name__ == "Span")[0].className for r in rows]
    assert reasons[3:] == ["reason reason-past_due_unreported"] * 2
    assert text_of(rows[3].children[6]) == "No status reported"
    assert text_of(rows[4].children[6]) == "No status reported1 of 7 indicators reported"
    head = find_all(table, lambda n: type(n).__name__ == "Th" and getattr(n, "scope", None) == "col")
    assert [text_of(h) for h in head][4] == "Days past due"
    fr, *_ = page.overdue_parts(state.parse("?lang=fr"))
    assert fr.endswith("2 jalons ont dépassé leur échéance sans état déclaré : on ne sait pas s’ils sont achevés, "
                       "ils ne sont donc pas comptés en retard.")


def test_commitment_page_sentence_and_timeline_say_what_was_reported(app_env):
    fig, sentence, *_ = charts.render("commitment-milestones", "", "C1")
    assert sentence.startswith(
        "10 milestones: 1 complete, 2 overdue. 4 have no reported status yet. 2 of them are past their due date: "
        "whether they are finished is not known, so they are not counted as overdue. Their statuses are built from "
        "indicator reports: 1 of 7 indicators reported. Due dates run from ")
    words = {tr.name: list(tr.text) for tr in fig.data if tr.name}
    assert words["Limited"] == ["Limited · overdue"]
    assert words["Unclear"] == ["Unclear · overdue"]
    assert words["Complete"] == ["Complete"]
    assert words["No status reported"] == ["No status reported · past due", "No status reported",
                                           "No status reported · 1 of 7 indicators reported · past due"]
    assert not any("overdue" in w for w in words["No status reported"])
    undated = [tr for tr in fig.data if tr.mode == "text"]
    assert list(undated[0].text) == ["No status reported · no due date"]
    fig, *_ = charts.render("commitment-milestones", "?lang=fr", "C1")
    words = {tr.name: list(tr.text) for tr in fig.data if tr.name}
    assert words["Aucun état déclaré"][2] == \
        "Aucun état déclaré · état déclaré pour 1 des 7 indicateurs · échéance passée"


def test_undated_milestone_list_says_no_status_reported_and_the_indicators(app_env):
    page = page_module("commitment_detail")
    section = page.milestone_list_section(state.parse(""), "C4")
    row = find_all(section, lambda n: type(n).__name__ == "Tr")[1]
    assert text_of(row.children[3]) == "No status reported0 of 2 indicators reported"
    section = page.milestone_list_section(state.parse("?lang=fr"), "C4")
    row = find_all(section, lambda n: type(n).__name__ == "Tr")[1]
    assert text_of(row.children[3]) == "Aucun état déclaréétat déclaré pour 0 des 2 indicateurs"


# ---------------------------------------------------------------- one of seven indicators, end to end

def test_one_of_seven_indicators_reported_is_not_complete_on_the_page(tmp_path, monkeypatch):
    plan = seven_indicator_plan(tmp_path, ["2036-03,C01.1.1,C", "2036-03,C01.2.1,C", "2036-03,C02.1.1,C"])
    tables = nap_tracker.read(Source(name="nap", kind="nap-tracker", path=plan, options={"status": "status.csv"}))
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {name: table.to_pylist() for name, table in tables.items()})
    rows = data.query("commitment_milestones", data_dir=data_dir, commitment_id="CA-NAP9-C01",
                      as_of=dt.date(2037, 1, 1))
    assert records(rows, "milestone_id", "progress", "indicators_total", "indicators_reported", "past_due") == [
        ("CA-NAP9-C01.1", None, 7, 1, "past_due_unreported"),  # not complete, and not called overdue
        ("CA-NAP9-C01.2", "complete", 1, 1, None),
    ]
    listed = data.query("commitments_list", data_dir=data_dir, statuses=[progress.COMPLETE], q="", limit=10,
                        offset=0, jurisdictions=[], levels=[], cycles=[])
    assert listed["commitment_id"].tolist() == ["CA-NAP9-C02"]  # C01 is not complete: one milestone is unknown
