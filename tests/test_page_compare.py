"""The compare page on two tiny snapshots: the source, commitment, transition, dataset and learning diffs, the story
in words, the lists, tiles and picker; and on two snapshots a refresh of real files published."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from dashboard import charts, cli, config, data, snapshots, state
from dashboard.specs import compare as compare_spec
from helpers import find_all, make_snapshot, page_module
from helpers import records
from helpers import spaced_text_of as text_of

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
GONE_COMMITMENT = {"commitment_id": "QC0002", "jurisdiction_id": "ca-qc", "cycle": "2021-2023", "cycle_start": 2021,
                   "cycle_end": 2023, "title_en": "Dropped from the register", "source": "old-ckan"}
NEW_COMMITMENT = {"commitment_id": "CA0099", "jurisdiction_id": "ca", "cycle": "2025-2029", "cycle_start": 2025,
                  "cycle_end": 2029, "title_en": "A new one", "title_fr": "Un nouveau", "source": "nap"}


def _source(name, kind, digest, data_date, **rows):
    return {"name": name, "kind": kind, "path": f"{name}.csv", "rows": rows, "content_sha256": digest * 64,
            "data_date": data_date, "data_date_basis": "stated"}


BASE_SOURCES = [_source("reference", "reference", "a", "2017-06-30", commitments=2),
                _source("old-ckan", "ckan", "b", "2025-01-01", datasets=2),
                _source("nap", "nap-tracker", "c", "2025-06-30", milestones=4)]
HEAD_SOURCES = [_source("reference", "reference", "a", "2017-06-30", commitments=2),
                _source("nap", "nap-tracker", "d", "2026-01-29", milestones=4, commitments=1),
                _source("metrics", "portal-metrics", "e", "2026-08-22", portal_metrics=10)]


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


def _with_sources(snap, sources):
    """Give a fixture snapshot's manifest these sources (the manifest itself carries no checksum)."""
    manifest = snapshots.open_snapshot(snap.path.parent.parent, snap.id).manifest
    manifest["sources"] = sources
    (snap.path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def write_two(data_dir):
    common = {"jurisdictions": JURISDICTIONS}
    base = make_snapshot(data_dir, {**common, "commitments": COMMITMENTS + [GONE_COMMITMENT],
                                    "milestones": BASE_MILESTONES, "datasets": [D1, D2], "learning_events": [EVENT]},
                         snapshot_id=BASE)
    head = make_snapshot(data_dir, {**common, "commitments": COMMITMENTS + [NEW_COMMITMENT],
                                    "milestones": HEAD_MILESTONES, "datasets": [D1, D3, D4],
                                    "learning_events": [EVENT, NEW_EVENT]}, snapshot_id=HEAD)
    _with_sources(base, BASE_SOURCES)
    _with_sources(head, HEAD_SOURCES)


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("compare-data", write_two)


@pytest.fixture
def page(app_env):
    return page_module("compare")





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
    assert data.query("snapshot_diff_commitments", snapshot=HEAD, base=BASE, cycles=[hostile], limit=None, **bad).empty
    assert len(data.query("snapshot_diff_commitments", snapshot=HEAD, base=BASE, limit=None, **ALL)) == 2
    assert data.query("compare_dataset_changes", snapshot=HEAD, base=BASE, **bad).empty
    assert data.query("compare_learning_changes", snapshot=HEAD, base=BASE, **bad).empty
    assert len(data.query("compare_status_transitions", snapshot=HEAD, base=BASE, **ALL)) == 4


# ---------------------------------------------------------------- pair selection

def test_pair_defaults_to_the_served_snapshot_and_the_one_before(page, app_env):
    assert compare_spec.pair(state.parse("")) == (BASE, HEAD)
    assert compare_spec.pair(state.parse(f"?base={HEAD}&snapshot={BASE}")) == (HEAD, BASE)
    assert compare_spec.pair(state.parse(f"?base={HEAD}")) == (BASE, HEAD)  # the same one twice
    assert compare_spec.pair(state.parse("?snapshot=20990101T000000Z")) == (BASE, HEAD)  # unknown: the default


def test_snapshot_label_reads_the_id(page):
    assert compare_spec.snapshot_label(HEAD, "en") == f"February 1, 2026, 00:00 UTC · {HEAD}"
    assert compare_spec.snapshot_label(HEAD, "fr") == f"1 février 2026, 00 h 00 UTC · {HEAD}"


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
    assert compare_spec.transitions_click({"customdata": ["limited", "substantial"]}, view) == \
        f"/commitments?lang=fr&status=substantial&snapshot={HEAD}"
    assert compare_spec.transitions_click({"customdata": ["substantial", "__gone__"]}, view) is None


def test_summary_and_learning_sentences(app_env):
    fig, summary, *_ = charts.render("compare-summary", "?lang=fr")
    assert summary == ("Engagements ajoutés\u00a0: 1\u00a0; retirés\u00a0: 1. Changements de statut\u00a0: 2. "
                       "Jeux de données ajoutés\u00a0: 2\u00a0; retirés\u00a0: 1.")
    assert list(fig.data[0].x) == [1, 1, 2, 1, 1, 2, 1]
    fig, learning, *_ = charts.render("compare-learning", "")
    assert learning == "Learners added in the newer snapshot: 50; events added: 2; organizers with a change: 1."
    assert list(fig.data[0].text) == ["+50"]


def test_kpis_and_lists(page, app_env):
    store = {"search": f"?base={BASE}&snapshot={HEAD}"}
    assert [text_of(t) for t in page.compare_kpis(store)] == [
        "Commitments added +1 removed: 1", "Status changes 2 milestones added: 1, removed: 1", "Datasets added +2",
        "Datasets removed 1", "Learners added +50 +2 events"]
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
    assert compare_spec.pair(state.parse("")) is None
    fig, sentence, *_ = charts.render("compare-summary", "")
    assert sentence == "Pick two different snapshots to compare."


def test_get_compare_page(app_env):
    assert app_env["app"].server.test_client().get(f"/compare?base={BASE}&snapshot={HEAD}").status_code == 200


# ---------------------------------------------------------------- sources and commitments, in words

def test_commitments_added_and_removed(app_env):
    rows = data.query("snapshot_diff_commitments", snapshot=HEAD, base=BASE, limit=None, **ALL)
    assert records(rows, "change", "commitment_id", "jurisdiction_id", "jurisdiction_name_fr", "cycle", "title_en",
                   "source") == [
        ("added", "CA0099", "ca", "Canada", "2025-2029", "A new one", "nap"),
        ("removed", "QC0002", "ca-qc", "Québec", "2021-2023", "Dropped from the register", "old-ckan")]
    only_qc = data.query("snapshot_diff_commitments", snapshot=HEAD, base=BASE, limit=None, jurisdictions=["ca-qc"],
                         levels=[], cycles=[])
    assert records(only_qc, "change", "commitment_id") == [("removed", "QC0002")]
    assert data.query("snapshot_diff_commitments", snapshot=HEAD, base=BASE, limit=None, jurisdictions=[], levels=[],
                      cycles=["2016-2018"]).empty
    summary = data.query("snapshot_diff_summary", snapshot=HEAD, base=BASE, **ALL).iloc[0]
    assert (summary["commitments_added"], summary["commitments_removed"]) == (1, 1)
    assert data.query("snapshot_diff_summary", snapshot=HEAD, base=BASE, jurisdictions=[], levels=[],
                      cycles=["2025-2029"]).iloc[0]["commitments_added"] == 1


def test_source_changes_compare_the_manifests():
    changes = snapshots.source_changes({"sources": BASE_SOURCES}, {"sources": HEAD_SOURCES})
    assert [(c["name"], c["change"], c["rows_before"], c["rows_after"], c["data_date_before"], c["data_date_after"])
            for c in changes] == [
        ("reference", "unchanged", 2, 2, "2017-06-30", "2017-06-30"),
        ("nap", "updated", 4, 5, "2025-06-30", "2026-01-29"),
        ("metrics", "added", None, 10, None, "2026-08-22"),
        ("old-ckan", "dropped", 2, None, "2025-01-01", None),
    ]
    # Manifests written before content hashes: a source is updated when its rows or location differ.
    old = [{"name": "s", "kind": "ckan", "path": "a.json", "rows": {"datasets": 3}}]
    assert snapshots.source_changes({"sources": old}, {"sources": old})[0]["change"] == "unchanged"
    assert snapshots.source_changes({"sources": old}, {"sources": [{**old[0], "rows": {"datasets": 4}}]})[0][
        "change"] == "updated"
    assert snapshots.source_changes({}, {})[:] == []


STORY_EN = [
    "Source added: metrics.",
    "Source dropped: old-ckan.",
    "Source with new data: nap (data of January 29, 2026; before, June 30, 2025).",
    "Commitments added: 1; removed: 1.",
    "Milestones that changed status: 2; milestones added: 1; removed: 1.",
    "Datasets added: 2; removed: 1.",
    "Learners: +50 (+2 events).",
]
STORY_FR = [
    "Source ajoutée\u00a0: metrics.",
    "Source retirée\u00a0: old-ckan.",
    "Source aux données nouvelles\u00a0: nap (données du 29 janvier 2026\u00a0; auparavant, 30 juin 2025).",
    "Engagements ajoutés\u00a0: 1\u00a0; retirés\u00a0: 1.",
    "Jalons qui ont changé de statut\u00a0: 2\u00a0; jalons ajoutés\u00a0: 1\u00a0; retirés\u00a0: 1.",
    "Jeux de données ajoutés\u00a0: 2\u00a0; retirés\u00a0: 1.",
    "Apprenants\u00a0: +50 (+2 activités).",
]


@pytest.mark.parametrize(("lang", "story"), [("en", STORY_EN), ("fr", STORY_FR)])
def test_the_story_says_what_changed_in_words(page, app_env, lang, story):
    search = f"?base={BASE}&snapshot={HEAD}" + ("&lang=fr" if lang == "fr" else "")
    said, sources, commitments = page.compare_story({"search": search})
    assert [text_of(p) for p in said] == story
    listed = " ".join(text_of(sources).split())
    if lang == "en":
        assert listed == ("Unchanged reference reference Rows: 2 · data as of Jun 30, 2017 "
                          "New data nap nap-tracker Rows: 4 → 5 · data as of Jun 30, 2025 → Jan 29, 2026 "
                          "New source metrics portal-metrics Rows: 10 · data as of Aug 22, 2026 "
                          "Dropped old-ckan ckan Rows: 2 · data as of Jan 1, 2025")
        assert [n.href for n in find_all(commitments, lambda n: getattr(n, "href", None))] == [
            f"/commitments/CA0099?snapshot={HEAD}", f"/commitments/QC0002?snapshot={BASE}"]
        assert "Added 1 CA0099 A new one Canada · 2025-2029 · nap" in " ".join(text_of(commitments).split())


def test_the_story_of_two_identical_snapshots(page, app_env):
    said, _, commitments = page.compare_story({"search": f"?base={HEAD}&snapshot={HEAD}"})  # the one before is used
    assert [text_of(p) for p in said] == STORY_EN
    same = compare_spec.change_story(data.query("snapshot_diff_summary", snapshot=HEAD, base=HEAD, **ALL).iloc[0],
                             snapshots.source_changes({"sources": HEAD_SOURCES}, {"sources": HEAD_SOURCES}), "en")
    assert same == ["No source changed.", "No commitment, status, dataset or learning figure changed."]


BUNDLED = config.BUNDLED_DIR / "sources"
REFRESH_SOURCES = """
[[source]]
name = "canada-nap"
kind = "nap-tracker"
path = "nap"
format = "yaml"

[[source]]
name = "open-canada-metrics"
kind = "portal-metrics"
path = "corporate_report.csv"
portal = "open.canada.ca"
"""


def test_a_refresh_that_changes_one_source_is_told_in_words(page, app_env, tmp_path, monkeypatch, capsys):
    """Real bundled files built twice unchanged (one snapshot), then the tracker drops its sixth plan (two)."""
    shutil.copytree(BUNDLED / "canada-nap", tmp_path / "nap")
    shutil.copy(BUNDLED / "open-canada" / "corporate_report.csv", tmp_path / "corporate_report.csv")
    (tmp_path / "sources.toml").write_text(REFRESH_SOURCES, encoding="utf-8")
    build = ["snapshot", "build", "--config", str(tmp_path / "sources.toml"), "--data-dir", str(tmp_path / "data")]
    assert cli.main(build) == 0
    assert cli.main(build) == 0
    assert "nothing changed since snapshot" in capsys.readouterr().err
    assert len(snapshots.list_snapshots(tmp_path / "data")) == 1
    (tmp_path / "nap" / "nap6_2025-2029.yaml").unlink()
    assert cli.main(build) == 0
    first, second = snapshots.list_snapshots(tmp_path / "data")

    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path / "data"))
    said, sources, commitments = page.compare_story({"search": ""})
    assert [text_of(p) for p in said] == [
        "Source with new data: canada-nap.",
        "Commitments added: 0; removed: 4.",
        "Milestones that changed status: 0; milestones added: 0; removed: 19.",
    ]
    assert "Unchanged open-canada-metrics portal-metrics Rows: 7,147 · data as of Aug 22, 2026" in " ".join(
        text_of(sources).split())
    removed = [n.children for n in find_all(commitments, lambda n: getattr(n, "href", None))]
    assert removed == [f"CA-NAP6-C0{i}" for i in range(1, 5)]
    before = snapshots.verify(tmp_path / "data", first).manifest["sources"][0]["rows"]
    after = snapshots.verify(tmp_path / "data", second).manifest["sources"][0]["rows"]
    assert (before["commitments"] - after["commitments"], before["milestones"] - after["milestones"]) == (4, 19)
