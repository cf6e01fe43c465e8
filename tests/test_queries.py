"""Exact results of every backbone query in queries/ on two tiny hand-written snapshots."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest

from dashboard import config, data, snapshots

from helpers import make_snapshot

D = dt.date.fromisoformat
BASE_ID = "20240101T000000Z"
MAIN_ID = "20240601T000000Z"
AS_OF = D("2024-06-01")

# ---------------------------------------------------------------- the fixture, row by row

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational",
     "parent_id": "ca"},
    {"jurisdiction_id": "mtl", "name_en": "Montreal", "name_fr": "Montréal", "level": "local",
     "parent_id": "ca-qc"},
    {"jurisdiction_id": "ukr", "name_en": "Ukraine", "name_fr": "Ukraine", "level": "national"},
]


def _commitment(cid, jur, cycle, progress, rank, *, synthetic=False, **extra):
    start, end = (int(y) for y in cycle.split("-"))
    return {"commitment_id": cid, "jurisdiction_id": jur, "cycle": cycle, "cycle_start": start,
            "cycle_end": end, "title_en": f"Commitment {cid}", "title_fr": f"Engagement {cid}",
            "progress": progress, "progress_rank": rank, "synthetic": synthetic, **extra}


COMMITMENTS = [
    _commitment("ca-1", "ca", "2018-2020", "complete", 3),
    _commitment("ca-2", "ca", "2018-2020", "substantial", 2),
    _commitment("ca-3", "ca", "2018-2020", "limited", 1),
    _commitment("ca-4", "ca", "2018-2020", "withdrawn", None),  # counted, not assessed
    _commitment("ca-5", "ca", "2022-2024", "not_started", 0),
    _commitment("ca-6", "ca", "2022-2024", None, None),  # not yet rated
    _commitment("qc-1", "ca-qc", "2018-2020", "substantial", 2),
    _commitment("qc-2", "ca-qc", "2022-2024", "stuck", 1),
    _commitment("mtl-1", "mtl", "2022-2024", "complete", 3),
    _commitment("ukr-1", "ukr", "2022-2024", "complete", 3, synthetic=True),
    _commitment("ukr-2", "ukr", "2022-2024", "limited", 1, synthetic=True),
    _commitment("xx-1", "xx", "2018-2020", None, None),  # a jurisdiction with no jurisdictions row
]


def _milestone(mid, cid, progress, rank, code, vocab, due, *, synthetic=False):
    return {"milestone_id": mid, "commitment_id": cid, "title_en": f"Milestone {mid}",
            "title_fr": f"Jalon {mid}", "progress": progress, "progress_rank": rank,
            "status_code": code, "status_vocab": vocab, "due_date": D(due) if due else None,
            "synthetic": synthetic}


MILESTONES = [
    _milestone("ca-1-m1", "ca-1", "complete", 3, "C", "nap", "2020-01-31"),  # past due but complete
    _milestone("ca-2-m1", "ca-2", "substantial", 2, "SP", "nap", "2024-03-31"),  # overdue (and stalled)
    _milestone("ca-2-m2", "ca-2", "substantial", 2, "SP", "nap", "2025-01-01"),  # one indicator moved
    _milestone("ca-3-m1", "ca-3", "limited", 1, "LP", "nap", "2024-12-31"),  # stalled 3 periods
    _milestone("ca-3-m2", "ca-3", "limited", 1, "LP", "nap", "2025-06-30"),  # unchanged for only 2
    _milestone("ca-4-m1", "ca-4", "withdrawn", None, "Withdrawn", "irm", "2023-01-01"),  # never listed
    _milestone("ca-5-m1", "ca-5", "not_started", 0, "Not Started", "ogp-tracker", "2024-06-20"),  # due soon
    _milestone("ca-5-m2", "ca-5", "substantial", 2, "SP", "nap", "2024-06-15"),  # due soon but substantial
    _milestone("ca-6-m1", "ca-6", "limited", 1, "In Progress", "ogp-tracker", "2024-07-01"),  # horizon's edge
    _milestone("ca-6-m2", "ca-6", "limited", 1, "In Progress", "ogp-tracker", "2024-07-02"),  # one day beyond
    _milestone("qc-1-m1", "qc-1", "limited", 1, "LP", "nap", None),  # stalled, no due date
    _milestone("qc-2-m1", "qc-2", None, None, None, None, "2024-05-31"),  # no status reported, one day past due
    _milestone("mtl-1-m1", "mtl-1", "complete", 3, "Finished", "ogp-tracker", "2024-07-01"),
    _milestone("ukr-2-m1", "ukr-2", "limited", 1, "In Progress", "ogp-tracker", "2023-12-31",
               synthetic=True),  # most overdue
]

NAP = {"NS": ("not_started", 0), "LP": ("limited", 1), "SP": ("substantial", 2), "C": ("complete", 3)}


def _status(mid, period, code, indicator=None):
    progress, rank = NAP[code.upper()]
    return {"commitment_id": mid.rsplit("-", 1)[0], "milestone_id": mid, "indicator_id": indicator,
            "reporting_period": period, "period_date": D(period + "-01"), "progress": progress,
            "progress_rank": rank, "status_code": code, "status_vocab": "nap"}


MILESTONE_STATUS = [
    *(_status("ca-2-m1", p, "SP") for p in ("2024-02", "2024-03", "2024-04")),
    # Per indicator: i1 unchanged for 4 periods, i2 changed in the latest, so the milestone moved.
    *(_status("ca-2-m2", p, "SP", "ca-2-m2-i1") for p in ("2024-01", "2024-02", "2024-03", "2024-04")),
    _status("ca-2-m2", "2024-02", "LP", "ca-2-m2-i2"),
    _status("ca-2-m2", "2024-03", "LP", "ca-2-m2-i2"),
    _status("ca-2-m2", "2024-04", "SP", "ca-2-m2-i2"),
    # Same code in another case is no change; i9 stopped reporting and does not count.
    _status("ca-3-m1", "2024-01", "LP", "ca-3-m1-i1"),
    _status("ca-3-m1", "2024-02", "lp", "ca-3-m1-i1"),
    _status("ca-3-m1", "2024-03", "LP", "ca-3-m1-i1"),
    _status("ca-3-m1", "2023-12", "NS", "ca-3-m1-i9"),
    _status("ca-3-m2", "2024-01", "NS"),
    _status("ca-3-m2", "2024-02", "LP"),
    _status("ca-3-m2", "2024-03", "LP"),
    *(_status("qc-1-m1", p, "LP") for p in ("2024-03", "2024-04", "2024-05")),
]


def _dataset(portal, did, jur, org, published, licence, formats, *, synthetic=False, title=None):
    orgs = {
        "statcan": ("Statistics Canada", "Statistique Canada"),
        "nrcan": ("Natural Resources Canada", "Ressources naturelles Canada"),
        "msss": ("Health and Social Services", "Santé et Services sociaux"),
        "ville-de-montreal": ("City of Montréal", "Ville de Montréal"),
        "mof": ("Ministry of Finance", "Ministère des Finances"),
    }
    en, fr = orgs[org]
    return {"dataset_id": did, "portal": portal, "jurisdiction_id": jur, "organization": org,
            "organization_title_en": en, "organization_title_fr": fr,
            "title_en": title or f"Dataset {did}", "title_fr": f"Jeu {did}",
            "published": D(published) if published else None, "licence": licence,
            "formats": formats, "synthetic": synthetic}


DATASETS = [
    _dataset("open.canada.ca", "d1", "ca", "statcan", "2023-01-15", "OGL-Canada-2.0", ["CSV", "csv ", "JSON"]),
    _dataset("open.canada.ca", "d2", "ca", "statcan", "2023-01-20", "OGL-Canada-2.0", ["CSV"]),
    _dataset("open.canada.ca", "d3", "ca", "nrcan", "2023-03-05", "OGL-Canada-2.0", ["SHP"]),
    _dataset("open.canada.ca", "d4", "ca", "nrcan", "2022-11-30", None, []),  # no licence, no formats
    _dataset("donneesquebec.ca", "q1", "ca-qc", "msss", "2023-01-02", "CC-BY-4.0", ["CSV"]),
    _dataset("donneesquebec.ca", "q2", "mtl", "ville-de-montreal", None, "CC-BY-4.0", ["XLSX"]),  # undated
    _dataset("data.gov.ua", "u1", "ukr", "mof", "2023-03-10", "CC-BY-4.0", ["CSV"], synthetic=True),
]


def _learning(period, start, end, jur, organizer, events, learners, organisations, *,
              event_type="webinar", synthetic=False):
    return {"period": period, "period_start": D(start), "period_end": D(end), "jurisdiction_id": jur,
            "organizer": organizer, "event_type": event_type, "topic": "open data", "events": events,
            "learners": learners, "organisations": organisations, "synthetic": synthetic}


LEARNING_EVENTS = [
    _learning("2024-01", "2024-01-01", "2024-01-31", "ca", "CSPS", 2, 100, 10),
    _learning("2024-01", "2024-01-01", "2024-01-31", "ca", "CSPS", 1, 20, None, event_type="workshop"),
    _learning("2024-01", "2024-01-01", "2024-01-31", "ca-qc", "ENAP", 1, 30, 3),
    _learning("2024-02", "2024-02-01", "2024-02-29", "ca", "CSPS", 0, 0, 0),  # no events: no ratio
    _learning("2024-Q1", "2024-01-01", "2024-03-31", "ukr", "OGP", 4, 50, 5, synthetic=True),  # a quarter
]


def _base_milestones():
    rows = []
    for m in MILESTONES:
        m = dict(m)
        if m["milestone_id"] == "mtl-1-m1":
            continue  # added in main
        if m["milestone_id"] == "ca-2-m1":
            m.update(progress="limited", progress_rank=1, status_code="LP")
        if m["milestone_id"] == "qc-2-m1":
            m.update(progress="not_started", progress_rank=0, status_code="NS", status_vocab="nap")
        if m["milestone_id"] == "ca-5-m2":
            m.update(status_code="sp")  # only the case differs: not a change
        rows.append(m)
    rows.append(_milestone("ca-1-m9", "ca-1", "not_started", 0, "NS", "nap", "2021-01-01"))  # removed in main
    return rows


BASE = {
    "jurisdictions": JURISDICTIONS,
    "commitments": COMMITMENTS,
    "milestones": _base_milestones(),
    "datasets": [
        *(d for d in DATASETS if d["dataset_id"] not in ("d3", "u1", "q1")),
        _dataset("donneesquebec.ca", "q1", "ca-qc", "msss", "2023-01-02", "CC-BY-4.0", ["CSV"],
                 title="Old title"),  # retitled in main: not added or removed
        _dataset("open.canada.ca", "d0", "ca", "statcan", "2021-05-01", "OGL-Canada-2.0", ["CSV"]),
        _dataset("donneesquebec.ca", "d2", "ca-qc", "msss", "2022-02-02", "CC-BY-4.0", ["CSV"]),  # same id, other portal
    ],
    "learning_events": LEARNING_EVENTS[0:1] + LEARNING_EVENTS[2:3],
}

MAIN = {
    "jurisdictions": JURISDICTIONS,
    "commitments": COMMITMENTS,
    "milestones": MILESTONES,
    "milestone_status": MILESTONE_STATUS,
    "datasets": DATASETS,
    "learning_events": LEARNING_EVENTS,
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("query-data")
    make_snapshot(root, BASE, snapshot_id=BASE_ID)
    make_snapshot(root, MAIN, snapshot_id=MAIN_ID)
    return root


# What the dashboard passes on every query; each query binds only the ones it names.
DEFAULTS = {
    "jurisdictions": [], "levels": [], "cycles": [], "date_from": None, "date_to": None,
    "as_of": AS_OF, "stale_periods": 3, "horizon_days": 30, "limit": None, "dimension": "jurisdiction",
    "min_assessed": 5, "align": "plan", "grain": "month",
}


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "tolist") and getattr(value, "ndim", 0) == 1:  # a list column (numpy array)
        return [_plain(v) for v in value.tolist()]
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def rows(frame: pd.DataFrame, columns: list[str] | None = None) -> list:
    """Return the frame as plain Python: dicts, or tuples of `columns`."""
    records = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
    if columns is None:
        return records
    return [tuple(r[c] for c in columns) for r in records]


def run(data_dir, name, *, base=None, **params):
    return data.query(name, snapshot=MAIN_ID, base=base, data_dir=data_dir, **{**DEFAULTS, **params})


# ---------------------------------------------------------------- completion

def _completion(jur, name_en, name_fr, level, cycle, plan, commitments, assessed, cos, share, synthetic=0):
    start, end = (int(y) for y in cycle.split("-"))
    return {"jurisdiction_id": jur, "jurisdiction_name_en": name_en, "jurisdiction_name_fr": name_fr,
            "level": level, "cycle": cycle, "cycle_start": start, "cycle_end": end,
            "plan_number": plan, "plan_number_basis": "counted",
            "commitments": commitments, "assessed": assessed, "complete_or_substantial": cos,
            "share": share, "low_confidence": 0 < assessed < 5, "sources": ["test"], "synthetic_rows": synthetic}


def test_completion_by_jurisdiction_cycle(data_dir):
    assert rows(run(data_dir, "completion_by_jurisdiction_cycle")) == [
        _completion("ca", "Canada", "Canada", "national", "2018-2020", 1, 4, 3, 2, 2 / 3),
        _completion("ca", "Canada", "Canada", "national", "2022-2024", 2, 2, 1, 0, 0.0),
        _completion("ca-qc", "Quebec", "Québec", "subnational", "2018-2020", 1, 1, 1, 1, 1.0),
        _completion("ca-qc", "Quebec", "Québec", "subnational", "2022-2024", 2, 1, 1, 0, 0.0),
        _completion("mtl", "Montreal", "Montréal", "local", "2022-2024", 1, 1, 1, 1, 1.0),
        _completion("ukr", "Ukraine", "Ukraine", "national", "2022-2024", 1, 2, 2, 1, 0.5, synthetic=2),
        _completion("xx", None, None, None, "2018-2020", 1, 1, 0, 0, None),
    ]
    # The minimum is bound, not written into the query.
    assert run(data_dir, "completion_by_jurisdiction_cycle", min_assessed=2)["low_confidence"].tolist() == \
        [False, True, True, True, True, False, False]


def test_completion_by_jurisdiction_cycle_filters(data_dir):
    cols = ["jurisdiction_id", "cycle", "commitments"]
    assert rows(run(data_dir, "completion_by_jurisdiction_cycle", levels=["subnational", "local"]), cols) == [
        ("ca-qc", "2018-2020", 1), ("ca-qc", "2022-2024", 1), ("mtl", "2022-2024", 1)]
    assert rows(run(data_dir, "completion_by_jurisdiction_cycle", jurisdictions=["ca", "ukr"],
                    cycles=["2022-2024"]), cols) == [("ca", "2022-2024", 2), ("ukr", "2022-2024", 2)]


def test_completion_by_cycle(data_dir):
    # Lined up by each jurisdiction's own sequence: every jurisdiction's 1st plan together, whatever its years.
    assert rows(run(data_dir, "completion_by_cycle")) == [
        {"position": 1, "cycle_start": 2018, "cycle_end": 2024, "cycles": ["2018-2020", "2022-2024"],
         "jurisdictions": 5, "commitments": 9, "assessed": 7, "complete_or_substantial": 5, "share": 5 / 7,
         "low_confidence": False, "sources": ["test"], "synthetic_rows": 2},
        {"position": 2, "cycle_start": 2022, "cycle_end": 2024, "cycles": ["2022-2024"],
         "jurisdictions": 2, "commitments": 3, "assessed": 2, "complete_or_substantial": 0, "share": 0.0,
         "low_confidence": True, "sources": ["test"], "synthetic_rows": 0},
    ]
    by_year = run(data_dir, "completion_by_cycle", align="year")
    assert rows(by_year, ["position", "jurisdictions", "commitments", "assessed", "complete_or_substantial",
                          "share", "low_confidence", "synthetic_rows"]) == [
        (2018, 3, 6, 4, 3, 0.75, True, 0),
        (2022, 4, 6, 5, 2, 0.4, False, 2),
    ]
    national = run(data_dir, "completion_by_cycle", levels=["national"], align="year")
    assert rows(national, ["position", "jurisdictions", "commitments", "assessed", "complete_or_substantial",
                           "share", "synthetic_rows"]) == [
        (2018, 1, 4, 3, 2, 2 / 3, 0),
        (2022, 2, 4, 3, 1, 1 / 3, 2),
    ]
    only_unrated = run(data_dir, "completion_by_cycle", jurisdictions=["xx"])
    assert rows(only_unrated, ["position", "commitments", "assessed", "share", "low_confidence"]) == \
        [(1, 1, 0, None, False)]


# ---------------------------------------------------------------- milestones

def test_milestone_status_counts(data_dir):
    assert rows(run(data_dir, "milestone_status_counts")) == [
        {"progress": "not_started", "progress_rank": 0, "status_vocab": "ogp-tracker",
         "status_code": "Not Started", "milestones": 1, "synthetic_rows": 0},
        {"progress": "limited", "progress_rank": 1, "status_vocab": "nap", "status_code": "LP",
         "milestones": 3, "synthetic_rows": 0},
        {"progress": "limited", "progress_rank": 1, "status_vocab": "ogp-tracker",
         "status_code": "In Progress", "milestones": 3, "synthetic_rows": 1},
        {"progress": "substantial", "progress_rank": 2, "status_vocab": "nap", "status_code": "SP",
         "milestones": 3, "synthetic_rows": 0},
        {"progress": "complete", "progress_rank": 3, "status_vocab": "nap", "status_code": "C",
         "milestones": 1, "synthetic_rows": 0},
        {"progress": "complete", "progress_rank": 3, "status_vocab": "ogp-tracker",
         "status_code": "Finished", "milestones": 1, "synthetic_rows": 0},
        {"progress": "withdrawn", "progress_rank": None, "status_vocab": "irm",
         "status_code": "Withdrawn", "milestones": 1, "synthetic_rows": 0},
        {"progress": None, "progress_rank": None, "status_vocab": None, "status_code": None,
         "milestones": 1, "synthetic_rows": 0},
    ]


def test_milestone_status_counts_filters(data_dir):
    cols = ["progress", "status_code", "milestones"]
    assert rows(run(data_dir, "milestone_status_counts", levels=["subnational"]), cols) == [
        ("limited", "LP", 1), (None, None, 1)]
    assert rows(run(data_dir, "milestone_status_counts", jurisdictions=["ca"], cycles=["2022-2024"]), cols) == [
        ("not_started", "Not Started", 1), ("limited", "In Progress", 2), ("substantial", "SP", 1)]


def _attention(mid, cid, jur, name_en, name_fr, level, cycle, due, days, progress, rank, code, vocab,
               latest_period, unchanged, reason, synthetic=False):
    return {"milestone_id": mid, "commitment_id": cid, "jurisdiction_id": jur,
            "jurisdiction_name_en": name_en, "jurisdiction_name_fr": name_fr, "level": level,
            "cycle": cycle, "title_en": f"Milestone {mid}", "title_fr": f"Jalon {mid}",
            "commitment_title_en": f"Commitment {cid}", "commitment_title_fr": f"Engagement {cid}",
            "due_date": D(due) if due else None, "days_overdue": days, "progress": progress,
            "progress_rank": rank, "status_code": code, "status_vocab": vocab, "indicators_total": None,
            "indicators_reported": None, "latest_period": latest_period, "periods_unchanged": unchanged,
            "reason": reason, "synthetic": synthetic}


CA = ("ca", "Canada", "Canada", "national")
QC = ("ca-qc", "Quebec", "Québec", "subnational")


def test_overdue_milestones(data_dir):
    # qc-2-m1 is past due with no status reported: listed after the others under its own, neutral
    # reason, never as overdue (it was "overdue" before statuses said only what was reported).
    assert rows(run(data_dir, "overdue_milestones")) == [
        _attention("ukr-2-m1", "ukr-2", "ukr", "Ukraine", "Ukraine", "national", "2022-2024", "2023-12-31", 153,
                   "limited", 1, "In Progress", "ogp-tracker", None, None, "overdue", synthetic=True),
        _attention("ca-2-m1", "ca-2", *CA, "2018-2020", "2024-03-31", 62,
                   "substantial", 2, "SP", "nap", "2024-04", 3, "overdue"),
        _attention("ca-5-m1", "ca-5", *CA, "2022-2024", "2024-06-20", -19,
                   "not_started", 0, "Not Started", "ogp-tracker", None, None, "due_soon"),
        _attention("ca-6-m1", "ca-6", *CA, "2022-2024", "2024-07-01", -30,
                   "limited", 1, "In Progress", "ogp-tracker", None, None, "due_soon"),
        _attention("ca-3-m1", "ca-3", *CA, "2018-2020", "2024-12-31", -213,
                   "limited", 1, "LP", "nap", "2024-03", 3, "stalled"),
        _attention("qc-1-m1", "qc-1", *QC, "2018-2020", None, None,
                   "limited", 1, "LP", "nap", "2024-05", 3, "stalled"),
        _attention("qc-2-m1", "qc-2", *QC, "2022-2024", "2024-05-31", 1,
                   None, None, None, None, None, None, "past_due_unreported"),
    ]


def test_attention_counts_keep_past_due_unreported_apart(data_dir):
    assert rows(run(data_dir, "attention_counts")) == [
        {"reason": "due_soon", "milestones": 2, "synthetic_rows": 0},
        {"reason": "overdue", "milestones": 2, "synthetic_rows": 1},  # ukr-2-m1, ca-2-m1: not qc-2-m1
        {"reason": "past_due_unreported", "milestones": 1, "synthetic_rows": 0},  # qc-2-m1
        {"reason": "stalled", "milestones": 2, "synthetic_rows": 0},
    ]
    assert rows(run(data_dir, "attention_counts", levels=["subnational"])) == [
        {"reason": "past_due_unreported", "milestones": 1, "synthetic_rows": 0},
        {"reason": "stalled", "milestones": 1, "synthetic_rows": 0},
    ]


def test_overdue_milestones_thresholds_limit_and_filters(data_dir):
    cols = ["milestone_id", "reason", "periods_unchanged"]
    # With one period enough to stall, every unfinished milestone with a history is listed,
    # and periods_unchanged shows how each was counted.
    assert rows(run(data_dir, "overdue_milestones", stale_periods=1, horizon_days=0), cols) == [
        ("ukr-2-m1", "overdue", None),
        ("ca-2-m1", "overdue", 3),
        ("ca-3-m1", "stalled", 3),  # i9 stopped reporting and is not counted
        ("ca-2-m2", "stalled", 1),  # i2 changed in the latest period
        ("ca-3-m2", "stalled", 2),
        ("qc-1-m1", "stalled", 3),
        ("qc-2-m1", "past_due_unreported", None),  # no status reported: after every reported reason
    ]
    assert rows(run(data_dir, "overdue_milestones", limit=2), ["milestone_id"]) == [("ukr-2-m1",), ("ca-2-m1",)]
    assert rows(run(data_dir, "overdue_milestones", levels=["subnational"]), cols) == [
        ("qc-1-m1", "stalled", 3), ("qc-2-m1", "past_due_unreported", None)]
    assert rows(run(data_dir, "overdue_milestones", jurisdictions=["ca"], cycles=["2022-2024"]), cols) == [
        ("ca-5-m1", "due_soon", None), ("ca-6-m1", "due_soon", None)]
    # On its due date a milestone is due (horizon 0 includes the day), not overdue; the
    # withdrawn ca-4-m1, past due by then, is still not listed.
    on_due_date = run(data_dir, "overdue_milestones", as_of=D("2023-12-31"), stale_periods=99, horizon_days=0)
    assert rows(on_due_date, ["milestone_id", "reason", "days_overdue"]) == [("ukr-2-m1", "due_soon", 0)]


# ---------------------------------------------------------------- releases

def test_releases_by_month(data_dir):
    # No source here judges catalogue loads (tests/test_catalogue_loads.py does): every dated record is a release.
    assert rows(run(data_dir, "releases_by_period", grain="month")) == [
        {"month": D("2022-11-01"), "datasets": 1, "catalogue_load_datasets": 0, "cumulative_datasets": 1, "synthetic_rows": 0},
        {"month": D("2022-12-01"), "datasets": 0, "catalogue_load_datasets": 0, "cumulative_datasets": 1, "synthetic_rows": 0},
        {"month": D("2023-01-01"), "datasets": 3, "catalogue_load_datasets": 0, "cumulative_datasets": 4, "synthetic_rows": 0},
        {"month": D("2023-02-01"), "datasets": 0, "catalogue_load_datasets": 0, "cumulative_datasets": 4, "synthetic_rows": 0},
        {"month": D("2023-03-01"), "datasets": 2, "catalogue_load_datasets": 0, "cumulative_datasets": 6, "synthetic_rows": 1},
    ]


def test_releases_by_month_range_keeps_the_running_total(data_dir):
    cols = ["month", "datasets", "cumulative_datasets"]
    # The range opens mid-January: d4 (Nov) and q1 (2 Jan) are before it but stay in the total.
    assert rows(run(data_dir, "releases_by_period", grain="month", date_from=D("2023-01-10"), date_to=D("2023-04-30")), cols) == [
        (D("2023-01-01"), 2, 4), (D("2023-02-01"), 0, 4), (D("2023-03-01"), 2, 6), (D("2023-04-01"), 0, 6)]
    assert rows(run(data_dir, "releases_by_period", grain="month", jurisdictions=["ca"], date_to=D("2023-01-15")), cols) == [
        (D("2022-11-01"), 1, 1), (D("2022-12-01"), 0, 1), (D("2023-01-01"), 1, 2)]
    assert rows(run(data_dir, "releases_by_period", grain="month", levels=["local"]), cols) == []  # q2 has no date


def test_releases_by_year(data_dir):
    assert rows(run(data_dir, "releases_by_period", grain="year")) == [
        {"year": 2022, "datasets": 1, "catalogue_load_datasets": 0, "cumulative_datasets": 1, "synthetic_rows": 0},
        {"year": 2023, "datasets": 5, "catalogue_load_datasets": 0, "cumulative_datasets": 6, "synthetic_rows": 1},
    ]
    cols = ["year", "datasets", "cumulative_datasets"]
    assert rows(run(data_dir, "releases_by_period", grain="year", date_from=D("2023-01-01"), date_to=D("2024-12-31")), cols) == [
        (2023, 5, 6), (2024, 0, 6)]
    assert rows(run(data_dir, "releases_by_period", grain="year", levels=["national"], date_to=D("2022-12-31")), cols) == [
        (2022, 1, 1)]


def _dim(dimension, value, en, fr, datasets, synthetic=0, loaded=0):
    return {"dimension": dimension, "value": value, "label_en": en, "label_fr": fr,
            "datasets": datasets, "synthetic_rows": synthetic, "catalogue_load_datasets": loaded}


def test_releases_by_dimension(data_dir):
    def by(dimension, **params):
        return rows(run(data_dir, "releases_by_dimension", dimension=dimension, **params))

    assert by("jurisdiction") == [
        _dim("jurisdiction", "ca", "Canada", "Canada", 4),
        _dim("jurisdiction", "ca-qc", "Quebec", "Québec", 1),
        _dim("jurisdiction", "mtl", "Montreal", "Montréal", 1),
        _dim("jurisdiction", "ukr", "Ukraine", "Ukraine", 1, synthetic=1),
    ]
    assert by("organization") == [
        _dim("organization", "nrcan", "Natural Resources Canada", "Ressources naturelles Canada", 2),
        _dim("organization", "statcan", "Statistics Canada", "Statistique Canada", 2),
        _dim("organization", "mof", "Ministry of Finance", "Ministère des Finances", 1, synthetic=1),
        _dim("organization", "msss", "Health and Social Services", "Santé et Services sociaux", 1),
        _dim("organization", "ville-de-montreal", "City of Montréal", "Ville de Montréal", 1),
    ]
    # d1 lists CSV twice ("CSV", "csv "): it counts once. d4 lists no format.
    assert by("format") == [
        _dim("format", "CSV", "CSV", "CSV", 4, synthetic=1),
        _dim("format", "JSON", "JSON", "JSON", 1),
        _dim("format", "SHP", "SHP", "SHP", 1),
        _dim("format", "XLSX", "XLSX", "XLSX", 1),
    ]
    assert by("licence") == [
        _dim("licence", "CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", 3, synthetic=1),
        _dim("licence", "OGL-Canada-2.0", "OGL-Canada-2.0", "OGL-Canada-2.0", 3),
        _dim("licence", None, None, None, 1),
    ]


def test_releases_by_dimension_limit_and_filters(data_dir):
    cols = ["value", "datasets"]
    assert rows(run(data_dir, "releases_by_dimension", dimension="organization", limit=2), cols) == [
        ("nrcan", 2), ("statcan", 2)]
    # A date range leaves out q2, which has no published date.
    assert rows(run(data_dir, "releases_by_dimension", dimension="licence", date_from=D("2023-01-01")), cols) == [
        ("OGL-Canada-2.0", 3), ("CC-BY-4.0", 2)]
    assert rows(run(data_dir, "releases_by_dimension", dimension="format", levels=["subnational", "local"]),
                cols) == [("CSV", 1), ("XLSX", 1)]


def test_releases_by_dimension_refuses_names_outside_the_allow_list(data_dir):
    for dimension in ("Jurisdiction", "title_en", "formats", "", None):
        assert run(data_dir, "releases_by_dimension", dimension=dimension).empty


def test_top_publishers(data_dir):
    assert rows(run(data_dir, "top_publishers")) == [
        {"organization": "nrcan", "organization_title_en": "Natural Resources Canada",
         "organization_title_fr": "Ressources naturelles Canada", "portal": "open.canada.ca",
         "jurisdiction_id": "ca", "datasets": 2, "first_published": D("2022-11-30"),
         "last_published": D("2023-03-05"), "synthetic_rows": 0, "catalogue_load_datasets": 0},
        {"organization": "statcan", "organization_title_en": "Statistics Canada",
         "organization_title_fr": "Statistique Canada", "portal": "open.canada.ca",
         "jurisdiction_id": "ca", "datasets": 2, "first_published": D("2023-01-15"),
         "last_published": D("2023-01-20"), "synthetic_rows": 0, "catalogue_load_datasets": 0},
        {"organization": "mof", "organization_title_en": "Ministry of Finance",
         "organization_title_fr": "Ministère des Finances", "portal": "data.gov.ua",
         "jurisdiction_id": "ukr", "datasets": 1, "first_published": D("2023-03-10"),
         "last_published": D("2023-03-10"), "synthetic_rows": 1, "catalogue_load_datasets": 0},
        {"organization": "msss", "organization_title_en": "Health and Social Services",
         "organization_title_fr": "Santé et Services sociaux", "portal": "donneesquebec.ca",
         "jurisdiction_id": "ca-qc", "datasets": 1, "first_published": D("2023-01-02"),
         "last_published": D("2023-01-02"), "synthetic_rows": 0, "catalogue_load_datasets": 0},
        {"organization": "ville-de-montreal", "organization_title_en": "City of Montréal",
         "organization_title_fr": "Ville de Montréal", "portal": "donneesquebec.ca",
         "jurisdiction_id": "mtl", "datasets": 1, "first_published": None,
         "last_published": None, "synthetic_rows": 0, "catalogue_load_datasets": 0},
    ]
    cols = ["organization", "datasets"]
    assert rows(run(data_dir, "top_publishers", limit=1), cols) == [("nrcan", 2)]
    assert rows(run(data_dir, "top_publishers", date_from=D("2023-01-01"), date_to=D("2023-01-31")), cols) == [
        ("statcan", 2), ("msss", 1)]
    assert rows(run(data_dir, "top_publishers", jurisdictions=["ca-qc", "mtl"]), cols) == [
        ("msss", 1), ("ville-de-montreal", 1)]


# ---------------------------------------------------------------- learning

def _reach(period, start, end, jur, name_en, name_fr, level, organizer, events, learners, organisations,
           ratio, synthetic=0):
    return {"period": period, "period_start": D(start), "period_end": D(end), "jurisdiction_id": jur,
            "jurisdiction_name_en": name_en, "jurisdiction_name_fr": name_fr, "level": level,
            "organizer": organizer, "events": events, "learners": learners, "organisations": organisations,
            "learners_per_event": ratio, "synthetic_rows": synthetic}


def test_learning_reach(data_dir):
    assert rows(run(data_dir, "learning_reach")) == [
        # The webinar and the workshop add up; the workshop's unknown organisations add nothing.
        _reach("2024-01", "2024-01-01", "2024-01-31", *CA, "CSPS", 3, 120, 10, 40.0),
        _reach("2024-01", "2024-01-01", "2024-01-31", *QC, "ENAP", 1, 30, 3, 30.0),
        _reach("2024-Q1", "2024-01-01", "2024-03-31", "ukr", "Ukraine", "Ukraine", "national", "OGP",
               4, 50, 5, 12.5, synthetic=1),
        _reach("2024-02", "2024-02-01", "2024-02-29", *CA, "CSPS", 0, 0, 0, None),
    ]
    cols = ["period", "jurisdiction_id", "learners"]
    assert rows(run(data_dir, "learning_reach", date_from=D("2024-02-01")), cols) == [("2024-02", "ca", 0)]
    assert rows(run(data_dir, "learning_reach", date_to=D("2024-01-31"), levels=["national"]), cols) == [
        ("2024-01", "ca", 120), ("2024-Q1", "ukr", 50)]


def test_learning_reach_by_period(data_dir):
    assert rows(run(data_dir, "learning_reach_by_period")) == [
        {"period": "2024-01", "period_start": D("2024-01-01"), "period_end": D("2024-01-31"),
         "jurisdictions": 2, "organizers": 2, "events": 4, "learners": 150, "organisations": 13,
         "learners_per_event": 37.5, "synthetic_rows": 0},
        {"period": "2024-Q1", "period_start": D("2024-01-01"), "period_end": D("2024-03-31"),
         "jurisdictions": 1, "organizers": 1, "events": 4, "learners": 50, "organisations": 5,
         "learners_per_event": 12.5, "synthetic_rows": 1},
        {"period": "2024-02", "period_start": D("2024-02-01"), "period_end": D("2024-02-29"),
         "jurisdictions": 1, "organizers": 1, "events": 0, "learners": 0, "organisations": 0,
         "learners_per_event": None, "synthetic_rows": 0},
    ]
    assert rows(run(data_dir, "learning_reach_by_period", jurisdictions=["ca-qc"]),
                ["period", "events", "learners"]) == [("2024-01", 1, 30)]


# ---------------------------------------------------------------- snapshot differences

def _diff(change, mid, cid, jur, before, after, rank_change, synthetic=False):
    before = before or (None, None, None, None)
    after = after or (None, None, None, None)
    return {"change": change, "milestone_id": mid, "commitment_id": cid, "jurisdiction_id": jur,
            "title_en": f"Milestone {mid}", "title_fr": f"Jalon {mid}",
            "from_progress": before[0], "from_rank": before[1], "from_status_code": before[2],
            "from_status_vocab": before[3], "to_progress": after[0], "to_rank": after[1],
            "to_status_code": after[2], "to_status_vocab": after[3], "rank_change": rank_change,
            "synthetic": synthetic}


def test_snapshot_diff_status(data_dir):
    assert rows(run(data_dir, "snapshot_diff_status", base=BASE_ID)) == [
        _diff("removed", "ca-1-m9", "ca-1", "ca", ("not_started", 0, "NS", "nap"), None, None),
        _diff("changed", "ca-2-m1", "ca-2", "ca", ("limited", 1, "LP", "nap"), ("substantial", 2, "SP", "nap"), 1),
        _diff("added", "mtl-1-m1", "mtl-1", "mtl", None, ("complete", 3, "Finished", "ogp-tracker"), None),
        _diff("changed", "qc-2-m1", "qc-2", "ca-qc", ("not_started", 0, "NS", "nap"), None, None),
    ]
    cols = ["change", "milestone_id"]
    assert rows(run(data_dir, "snapshot_diff_status", base=BASE_ID, levels=["local"]), cols) == [
        ("added", "mtl-1-m1")]
    assert rows(run(data_dir, "snapshot_diff_status", base=BASE_ID, cycles=["2018-2020"]), cols) == [
        ("removed", "ca-1-m9"), ("changed", "ca-2-m1")]
    # The same snapshot on both sides: nothing changed.
    assert run(data_dir, "snapshot_diff_status", base=MAIN_ID).empty


def test_snapshot_diff_datasets(data_dir):
    def ds(change, portal, did, jur, org, org_en, org_fr, title_en, title_fr, published, synthetic=False):
        return {"change": change, "portal": portal, "dataset_id": did, "jurisdiction_id": jur,
                "organization": org, "organization_title_en": org_en, "organization_title_fr": org_fr,
                "title_en": title_en, "title_fr": title_fr, "published": D(published), "synthetic": synthetic}

    assert rows(run(data_dir, "snapshot_diff_datasets", base=BASE_ID)) == [
        ds("added", "data.gov.ua", "u1", "ukr", "mof", "Ministry of Finance", "Ministère des Finances",
           "Dataset u1", "Jeu u1", "2023-03-10", synthetic=True),
        ds("added", "open.canada.ca", "d3", "ca", "nrcan", "Natural Resources Canada",
           "Ressources naturelles Canada", "Dataset d3", "Jeu d3", "2023-03-05"),
        ds("removed", "donneesquebec.ca", "d2", "ca-qc", "msss", "Health and Social Services",
           "Santé et Services sociaux", "Dataset d2", "Jeu d2", "2022-02-02"),
        ds("removed", "open.canada.ca", "d0", "ca", "statcan", "Statistics Canada", "Statistique Canada",
           "Dataset d0", "Jeu d0", "2021-05-01"),
    ]
    cols = ["change", "portal", "dataset_id"]
    assert rows(run(data_dir, "snapshot_diff_datasets", base=BASE_ID, limit=1), cols) == [
        ("added", "data.gov.ua", "u1")]
    assert rows(run(data_dir, "snapshot_diff_datasets", base=BASE_ID, jurisdictions=["ca"]), cols) == [
        ("added", "open.canada.ca", "d3"), ("removed", "open.canada.ca", "d0")]


def test_snapshot_diff_summary(data_dir):
    assert rows(run(data_dir, "snapshot_diff_summary", base=BASE_ID)) == [
        {"status_changes": 2, "milestones_added": 1, "milestones_removed": 1, "commitments_added": 0,
         "commitments_removed": 0, "datasets_added": 2, "datasets_removed": 2, "learners_added": 70,
         "events_added": 5}]
    assert rows(run(data_dir, "snapshot_diff_summary", base=BASE_ID, jurisdictions=["ca-qc"])) == [
        {"status_changes": 1, "milestones_added": 0, "milestones_removed": 0, "commitments_added": 0,
         "commitments_removed": 0, "datasets_added": 0, "datasets_removed": 1, "learners_added": 0,
         "events_added": 0}]
    # Read the other way round, everything is undone.
    assert rows(data.query("snapshot_diff_summary", snapshot=BASE_ID, base=MAIN_ID, data_dir=data_dir,
                           **DEFAULTS)) == [
        {"status_changes": 2, "milestones_added": 1, "milestones_removed": 1, "commitments_added": 0,
         "commitments_removed": 0, "datasets_added": 2, "datasets_removed": 2, "learners_added": -70,
         "events_added": -5}]


def test_snapshot_diff_summary_agrees_with_the_detail(data_dir):
    for params in ({}, {"levels": ["national"]}, {"cycles": ["2022-2024"]}, {"jurisdictions": ["ca", "mtl"]}):
        summary = rows(run(data_dir, "snapshot_diff_summary", base=BASE_ID, **params))[0]
        status = run(data_dir, "snapshot_diff_status", base=BASE_ID, **params)["change"].tolist()
        assert summary["status_changes"] == status.count("changed")
        assert summary["milestones_added"] == status.count("added")
        assert summary["milestones_removed"] == status.count("removed")
        if "cycles" not in params:
            sets = run(data_dir, "snapshot_diff_datasets", base=BASE_ID, **params)["change"].tolist()
            assert (summary["datasets_added"], summary["datasets_removed"]) == (
                sets.count("added"), sets.count("removed"))


# ---------------------------------------------------------------- hostile values stay values

DIFFS = {"snapshot_diff_status", "snapshot_diff_datasets", "snapshot_diff_summary"}
BACKBONE = [
    "completion_by_jurisdiction_cycle", "completion_by_cycle", "milestone_status_counts", "overdue_milestones",
    "attention_counts",
    "releases_by_period", "releases_by_dimension", "top_publishers", "learning_reach",
    "learning_reach_by_period", *sorted(DIFFS),
]
HOSTILE = ["'", ";", "' or 1=1 --", "ca') or ('1'='1", "ca; drop table datasets; --", '"ca"', "ca\x00"]


HOSTILE_CASES = [(name, param) for name in BACKBONE
                 for param in ("jurisdictions", "levels", "cycles", "dimension", "grain")
                 if param in data.parameters(data.sql_text(name))]


@pytest.mark.parametrize(("name", "param"), HOSTILE_CASES)
def test_hostile_values_stay_values(data_dir, name, param):
    base = BASE_ID if name in DIFFS else None
    before = rows(run(data_dir, name, base=base))
    for value in HOSTILE:
        given = value if param in ("dimension", "grain") else [value]
        result = run(data_dir, name, base=base, **{param: given})
        if name == "snapshot_diff_summary":
            if param == "cycles":  # cycles narrow only the milestone counts
                assert rows(result, ["status_changes", "milestones_added", "milestones_removed"]) == [(0, 0, 0)]
            else:
                assert rows(result) == [dict.fromkeys(before[0], 0)]
        else:
            assert result.empty, (name, param, value)
    assert rows(run(data_dir, name, base=base)) == before  # the data is unchanged
    for snapshot_id in (BASE_ID, MAIN_ID):
        snapshots.verify(data_dir, snapshot_id)


FRACTIONS = {"share", "learners_per_event"}


@pytest.mark.parametrize("name", BACKBONE)
def test_counts_come_back_as_integers(data_dir, name):
    # DuckDB's count_if and sum give HUGEINT, which pandas turns into float: 3.0 == 3 would
    # still pass the exact tests above, so the column types are checked here.
    frame = run(data_dir, name, base=BASE_ID if name in DIFFS else None)
    floats = {c for c, t in frame.dtypes.items() if pd.api.types.is_float_dtype(t)}
    assert floats <= FRACTIONS


def test_backbone_queries_are_all_tested():
    assert set(BACKBONE) <= set(data.query_names())


# ---------------------------------------------------------------- every query file's header

_PARAMS_LINE = re.compile(r"^-- Params: (none|\$[A-Za-z_]\w*(, \$[A-Za-z_]\w*)*)$")


@pytest.mark.parametrize("name", data.query_names())
def test_query_file_header(name):
    lines = (config.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 2, f"{name}.sql is too short to hold a header and a statement"
    summary, params = lines[0], lines[1]
    assert re.match(r"^-- [A-Z].*\.$", summary), f"{name}.sql line 1 should be one sentence: {summary!r}"
    assert _PARAMS_LINE.match(params), f"{name}.sql line 2 should be '-- Params: $a, $b' (or none): {params!r}"
    listed = [] if params.endswith("none") else [p.strip()[1:] for p in params[len("-- Params:"):].split(",")]
    used = data.parameters(data.sql_text(name))
    assert len(listed) == len(set(listed)), f"{name}.sql lists a parameter twice"
    assert sorted(listed) == sorted(used), f"{name}.sql: header lists {listed}, the statement binds {used}"
