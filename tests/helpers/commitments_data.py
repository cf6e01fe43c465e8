"""A tiny hand-written snapshot for the overview and commitments pages; each row is there for a reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import make_snapshot

D = dt.date.fromisoformat
TODAY = dt.date.today()

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational", "parent_id": "ca"},
    {"jurisdiction_id": "xx", "name_en": "Testville", "name_fr": None, "level": "local"},
]


def _commitment(cid, jur, cycle, progress, rank, *, impact=None, missing=None, title_en=None, title_fr=None,
                code=None, vocab=None, synthetic=False, **extra):
    start, end = (int(y) for y in cycle.split("-"))
    return {"commitment_id": cid, "jurisdiction_id": jur, "cycle": cycle, "cycle_start": start, "cycle_end": end,
            "title_en": title_en, "title_fr": title_fr, "progress": progress, "progress_rank": rank,
            "potential_impact": impact, "potential_impact_missing": missing, "status_code": code,
            "status_vocab": vocab, "synthetic": synthetic, **extra}


COMMITMENTS = [
    _commitment("CA0001", "ca", "2018-2020", "complete", 3, impact="Transformative", title_en="Open data portal",
                title_fr="Portail de données ouvertes", code="Complete", vocab="irm",
                lead_institution="Treasury Board", policy_areas=["Open Data", "E-Government"],
                completion_midterm="Substantial", completion_end_term="Complete", starred=True,
                opened_government="Major", url="https://example.org/CA0001"),
    # English title only (the French page shows its "only in English" marker); a literal % to search for.
    _commitment("CA0002", "ca", "2018-2020", "substantial", 2, impact="Moderate", title_en="Access to information 100% online",
                code="SP", vocab="nap", completion_midterm_missing="NR", starred_missing="NA"),
    _commitment("CA0003", "ca", "2018-2020", "limited", 1, impact="None", title_en="Budget transparency"),
    _commitment("CA0004", "ca", "2022-2024", "not_started", 0, missing="ND", title_en="Open science"),
    _commitment("CA0005", "ca", "2022-2024", None, None, missing="NR", title_en="Healthy democracy"),  # not assessed
    # A literal _ to search for; French title only.
    _commitment("QC0001", "ca-qc", "2022-2024", "complete", 3, impact="Minor", title_fr="Soutien Open_source"),
    _commitment("QC0002", "ca-qc", "2022-2024", "withdrawn", None, title_en="Withdrawn plan"),  # nothing recorded
    _commitment("XX0001", "xx", "2018-2020", "limited", 1, missing="NA", title_en="Local budget", synthetic=True),
]


def _milestone(mid, cid, progress, rank, code, vocab, due, *, start=None, title_en=None, title_fr=None,
               synthetic=False):
    return {"milestone_id": mid, "commitment_id": cid, "title_en": title_en or f"Milestone {mid}",
            "title_fr": title_fr, "progress": progress, "progress_rank": rank, "status_code": code,
            "status_vocab": vocab, "due_date": D(due) if due else None, "start_date": D(start) if start else None,
            "synthetic": synthetic}


MILESTONES = [
    _milestone("CA0001-1", "CA0001", "complete", 3, "C", "nap", "2020-01-31"),  # past due but complete
    _milestone("CA0002-1", "CA0002", "substantial", 2, "SP", "nap", "2020-06-30", start="2019-01-01",
               title_fr="Jalon un"),  # overdue
    _milestone("CA0002-2", "CA0002", "limited", 1, "LP", "nap", "2099-12-31"),  # stalled: LP for 3 periods
    _milestone("CA0002-10", "CA0002", None, None, None, None, None),  # no status, no date; sorts after -2
    _milestone("CA0003-1", "CA0003", "limited", 1, "Limited", "irm", None),  # the commitment's only milestone: undated
    _milestone("CA0004-1", "CA0004", "not_started", 0, "NS", "nap", "2099-01-01"),  # far future: nothing due
    _milestone("QC0001-1", "QC0001", "complete", 3, "C", "nap", "2023-03-31"),
    _milestone("XX0001-1", "XX0001", "limited", 1, "In Progress", "ogp-tracker", "2019-12-31",
               synthetic=True),  # overdue, synthetic
]

NAP = {"NS": ("not_started", 0), "LP": ("limited", 1), "SP": ("substantial", 2), "C": ("complete", 3)}


def _status(mid, period, code, indicator=None):
    progress, rank = NAP[code]
    return {"commitment_id": mid.split("-")[0], "milestone_id": mid, "indicator_id": indicator,
            "reporting_period": period, "period_date": D(period + "-01"), "progress": progress,
            "progress_rank": rank, "status_code": code, "status_vocab": "nap",
            "progress_en": f"{code} in {period}", "progress_fr": None}


MILESTONE_STATUS = [
    _status("CA0002-1", "2019-03", "LP"),
    _status("CA0002-1", "2019-09", "SP"),
    _status("CA0002-1", "2020-03", "SP"),
    *(_status("CA0002-2", p, "LP", "CA0002-2.1") for p in ("2019-03", "2019-09", "2020-03")),
]

INDICATORS = [
    {"indicator_id": "CA0002-2.1", "milestone_id": "CA0002-2", "commitment_id": "CA0002", "title_en": "Indicator"},
]


def _dataset(did, jur, published, *, commitment=None, synthetic=False):
    return {"dataset_id": did, "portal": "open.canada.ca" if jur == "ca" else "donneesquebec.ca",
            "jurisdiction_id": jur, "organization": "tbs", "organization_title_en": "Treasury Board",
            "organization_title_fr": "Conseil du Trésor", "title_en": f"Dataset {did}", "title_fr": f"Jeu {did}",
            "published": published, "commitment_id": commitment, "synthetic": synthetic}


DATASETS = [
    _dataset("d1", "ca", TODAY - dt.timedelta(days=30), commitment="CA0001"),  # in the last 12 months
    _dataset("d2", "ca", TODAY - dt.timedelta(days=60)),  # in the last 12 months
    _dataset("d3", "ca-qc", TODAY - dt.timedelta(days=400)),  # too old for the last 12 months
    _dataset("d4", "ca-qc", TODAY - dt.timedelta(days=10), synthetic=True),
]

LEARNING = [
    {"period": "2019", "period_start": D("2019-01-01"), "period_end": D("2019-12-31"), "jurisdiction_id": "ca",
     "organizer": "School", "event_type": "course", "topic": "open data", "events": 2, "learners": 100,
     "organisations": 5, "commitment_id": "CA0001"},
    {"period": "2023", "period_start": D("2023-01-01"), "period_end": D("2023-12-31"), "jurisdiction_id": "ca-qc",
     "organizer": "SCT", "event_type": "workshop", "topic": "open source", "events": 1, "learners": 50,
     "organisations": None, "commitment_id": None},
]

TABLES = {
    "jurisdictions": JURISDICTIONS,
    "commitments": COMMITMENTS,
    "milestones": MILESTONES,
    "milestone_status": MILESTONE_STATUS,
    "indicators": INDICATORS,
    "datasets": DATASETS,
    "learning_events": LEARNING,
}

HOSTILE = ("'", ";", "' or 1=1 --", "%", "_", "\\", "CA0001'; drop table commitments; --")


def write(data_dir: Path):
    """Write the snapshot into `data_dir` and return it."""
    return make_snapshot(data_dir, TABLES)
