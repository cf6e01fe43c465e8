"""The compare page on two tiny snapshots: the transition, dataset and learning diffs, the lists, tiles and picker."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from conftest import make_snapshot
from dashboard import charts, data, state
from layout_helpers import find_all

D = dt.date.fromisoformat
BASE, HEAD = "20260101T000000Z", "20260201T000000Z"
HOSTILE = ["'", ";", "' or 1=1 --", "'; drop table milestones; --"]

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational"},
]
COMMITMENTS = [
    {"commitment_id": "CA0047", "jurisdiction_id": "ca", "cycle": "2016-2018", "cycle_start": 2016, "cycle_end": 2018},
    {"commitment_id": "QC0001", "jurisdiction_id": "ca-qc", "cycle": "2021-2023", "cycle_start": 2021,
     "cycle_end": 2023},
]


def _milestone(mid, cid, progress, rank, code, title_en=None, title_fr=None):
    return {"milestone_id": mid, "commitment_id": cid, "progress": progress, "progress_rank": rank,
            "status_code": code, "status_vocab": "nap", "title_en": title_en, "title_fr": title_fr}


BASE_MILESTONES = [
    _milestone("m1", "CA0047", "limited", 1, "LP", "Train staff", "Former le personnel"),
    _milestone("m2", "CA0047", "not_started", 0, "NS"),
    _milestone("m3", "QC0001", "complete", 3, "C", "Publish"),
    _milestone("m4", "QC0001", "substantial", 2, "SP", "Gone later"),
]
HEAD_MILESTONES = [
    _milestone("m1", "CA0047", "substantial", 2, "SP", "Train staff", "Former le personnel"),  # forward
    _milestone("m2", "CA0047", "not_started", 0, "ns"),  # same code in another case: not a change
    _milestone("m3", "QC0001", "limited", 1, "LP", "Publish"),  # back
    _milestone("m5", "CA0047", "not_started", 0, "NS", "New one"),  # added; m4 removed
]


def _dataset(dataset_id, jurisdiction, published, title):
    return {"dataset_id": dataset_id, "portal": "p", "jurisdiction_id": jurisdiction, "organization": "org",
            "organization_title_en": "Org", "title_en": title, "published": D(published)}


D1, D2 = _dataset("d1", "ca", "2024-01-01", "Kept"), _dataset("d2", "ca", "2024-02-01", "Removed one")
D3, D4 = _dataset("d3", "ca", "2025-01-01", "Added one"), _dataset("d4", "ca-qc", "2025-02-01", "Added two")
EVENT = {"period": "2024-Q1", "period_start": D("2024-01-01"), "period_end": D("2024-03-31"), "jurisdiction_id": "ca",
         "organizer": "TBS", "events": 34, "learners": 1800}
NEW_EVENT = {**EVENT, "jurisdiction_id": "ca-qc", "organizer": "MCN", "events": 2, "learners": 50}


def write_two(data_dir):
    common = {"jurisdictions": JURISDICTIONS, "commitments": COMMITMENTS}
    make_snapshot(data_dir, {**common, "milestones": BASE_MILESTONES, "datasets": [D1, D2], "learning_events": [EVENT]},
                  snapshot_id=BASE)
    make_snapshot(data_dir, {**common, "milestones": HEAD_MILESTONES, "datasets": [D1, D3, D4],
                             "learning_events": [EVENT, NEW_EVENT]}, snapshot_id=HEAD)


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("compare-data")
    write_two(data_dir)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        app = create_app(data_dir)
        yield {"app": app, "data_dir": data_dir}


@pytest.fixture
def page(app_env):
    return next(m for m in list(sys.modules.values())
                if (getattr(m, "__file__", "") or "").replace("\\", "/").endswith("dashboard/pages/compare.py"))


def records(frame, *columns):
    return [tuple(None if v is None or v != v else v for v in row) for row in frame[list(columns)].itertuples(index=False)]


def text_of(node) -> str:
    if node is None:
        return ""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, (list, tuple)):
        return " ".join(text_of(c) for c in node)
    return text_of(getattr(node, "children", None))



ALL = {"jurisdictions": [], "levels": [], "cycles": []}


# ---------------------------------------------------------------- queries

def test_status_transitions_count_from_to_pairs(app_env):
    rows = data.query("compare_status_transitions", snapshot=HEAD, base=BASE, **ALL)
    assert sorted(records(rows, "change", "from_progress", "to_progress", "milestones")) == [
        ("added", None, "not_started", 1),
        ("changed", "complete", "limited", 1),
        ("changed", "limited", "substantial", 1),
        ("removed", "substantial", None, 1),
    ]
    qc = data.query("compare_status_transitions", snapshot=HEAD, base=BASE, jurisdictions=[], levels=[],
                    cycles=["2021-2023"])
    assert sorted(records(qc, "change", "from_progress", "to_progress")) == [
        ("changed", "complete", "limited"), ("removed", "substantial", None)]


def test_dataset_changes_per_jurisdiction(app_env):
    rows = data.query("compare_dataset_changes", snapshot=HEAD, base=BASE, jurisdictions=[], levels=[])
    assert records(rows, "jurisdiction_id", "jurisdiction_name_fr", "added", "removed", "net") == [
        ("ca", "Canada", 1, 1, 0), ("ca-qc", "Québec", 1, 0, 1)]


def test_learning_changes_leave_unchanged_organizers_out(app_env):
    rows = data.query("compare_learning_changes", snapshot=HEAD, base=BASE, jurisdictions=[], levels=[])
    assert records(rows, "organizer", "base_learners", "learners", "learners_added", "events_added") == [
        ("MCN", 0, 50, 50, 2)]
    backwards = data.query("compare_learning_changes", snapshot=BASE, base=HEAD, jurisdictions=[], levels=[])
    assert records(backwards, "organizer", "learners_added") == [("MCN", -50)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_stay_values(app_env, hostile):
    bad = {"jurisdictions": [hostile], "levels": [hostile]}
    assert data.query("compare_status_transitions", snapshot=HEAD, base=BASE, cycles=[hostile], **bad).empty
    assert data.query("compare_dataset_changes", snapshot=HEAD, base=BASE, **bad).empty
    assert data.query("compare_learning_changes", snapshot=HEAD, base=BASE, **bad).empty
    assert len(data.query("compare_status_transitions", snapshot=HEAD, base=BASE, **ALL)) == 4


# ---------------------------------------------------------------- pair selection

def test_pair_defaults_to_the_served_snapshot_and_the_one_before(page, app_env):
    assert page.pair(state.parse("")) == (BASE, HEAD)
    assert page.pair(state.parse(f"?base={HEAD}&snapshot={BASE}")) == (HEAD, BASE)
    assert page.pair(state.parse(f"?base={HEAD}")) == (BASE, HEAD)  # the same one twice
    assert page.pair(state.parse("?snapshot=20990101T000000Z")) == (BASE, HEAD)  # unknown: the default


def test_snapshot_label_reads_the_id(page):
    assert page.snapshot_label(HEAD, "en") == f"February 1, 2026, 00:00 UTC · {HEAD}"
    assert page.snapshot_label(HEAD, "fr") == f"1 février 2026, 00 h 00 UTC · {HEAD}"


# ---------------------------------------------------------------- charts and lists

def test_every_compare_chart_renders(app_env):
    ids = sorted(c for c in charts.REGISTRY if c.startswith("compare-"))
    assert ids == ["compare-datasets", "compare-learning", "compare-summary", "compare-transitions"]
    for chart_id in ids:
        for search in ("", "?lang=fr", f"?base={BASE}&snapshot={HEAD}"):
            fig, sentence, *_ = charts.render(chart_id, search)
            assert fig.data and sentence, (chart_id, search)


def test_transitions_sentence_and_click(page, app_env):
    fig, sentence, *_ = charts.render("compare-transitions", "")
    assert sentence == ("Milestones that changed status: 2 (1 forward, 1 back). New milestones: 1; no longer listed: 1. "
                        "Rows are the earlier status, columns the newer one.")
    view = state.parse(f"?lang=fr&base={BASE}&snapshot={HEAD}")
    assert page.transitions_click({"customdata": ["limited", "substantial"]}, view) == \
        f"/commitments?lang=fr&status=substantial&snapshot={HEAD}"
    assert page.transitions_click({"customdata": ["substantial", "__gone__"]}, view) is None


def test_summary_and_learning_sentences(app_env):
    _, summary, *_ = charts.render("compare-summary", "?lang=fr")
    assert summary == "Changements de statut\u00a0: 2. Jeux de données ajoutés\u00a0: 2\u00a0; retirés\u00a0: 1."
    fig, learning, *_ = charts.render("compare-learning", "")
    assert learning == "Learners added in the newer snapshot: 50; events added: 2; organizers with a change: 1."
    assert list(fig.data[0].text) == ["+50"]


def test_kpis_and_lists(page, app_env):
    store = {"search": f"?base={BASE}&snapshot={HEAD}"}
    assert [text_of(t) for t in page.compare_kpis(store)] == [
        "Status changes 2 milestones added: 1, removed: 1", "Datasets added +2", "Datasets removed 1",
        "Learners added +50 +2 events"]
    statuses, datasets = page.compare_lists(store)
    text = " ".join(text_of(statuses).split())
    assert text == ("Limited → Substantial 1 m1 Train staff (new milestone) → Not started 1 m5 New one "
                    "Complete → Limited 1 m3 Publish Substantial → (removed) 1 m4 Gone later")
    assert [n.href for n in find_all(statuses, lambda n: getattr(n, "href", None))] == [
        f"/commitments/{cid}?snapshot={HEAD}" for cid in ("CA0047", "CA0047", "QC0001", "QC0001")]
    assert "Added 2" in text_of(datasets) and "Removed one" in text_of(datasets)


def test_picker_navigates_only_to_known_snapshots(page, app_env):
    store = {"search": f"?base={BASE}&snapshot={HEAD}"}
    assert page.pick_snapshots(HEAD, BASE, store) == f"/compare?snapshot={BASE}&base={HEAD}"
    import dash

    assert page.pick_snapshots("../../etc", HEAD, store) is dash.no_update
    assert page.pick_snapshots(BASE, HEAD, store) is dash.no_update  # nothing changed


def test_layout_with_two_snapshots(page, app_env):
    tree = page.layout(lang="fr")
    dropdowns = find_all(tree, lambda n: getattr(n, "id", None) in ("compare-base", "compare-snapshot"))
    assert [d.value for d in dropdowns] == [BASE, HEAD]
    assert [o["value"] for o in dropdowns[0].options] == [HEAD, BASE]


def test_one_snapshot_explains_how_to_build_another(page, app_env, tmp_path, monkeypatch):
    make_snapshot(tmp_path, {"jurisdictions": JURISDICTIONS}, snapshot_id=BASE)
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    tree = page.layout()
    text = text_of(tree)
    assert "There is only one snapshot to compare" in text and "ogdash snapshot build" in text
    assert page.pair(state.parse("")) is None
    fig, sentence, *_ = charts.render("compare-summary", "")
    assert sentence == "Pick two different snapshots to compare."


def test_get_compare_page(app_env):
    assert app_env["app"].server.test_client().get(f"/compare?base={BASE}&snapshot={HEAD}").status_code == 200
