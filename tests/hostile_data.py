"""A tiny snapshot whose every free-text field is hostile: Plotly pseudo-HTML (a link, a styled span), a
comment that opens a script, and a script. Used by the briefing and chart-label security tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

D = dt.date.fromisoformat

LINK = '<a href="https://evil.example/steal">Evil link</a>'
COMMENT = "<!--<script>"
SPAN = '<span style="font-size:90px">Big</span>'
SCRIPT = "</script><script>alert(1)</script>"
# Names a figure legitimately shows with '&', which must read back unchanged.
AMP = "Trade & Commerce &amp; co"

TABLES = {
    "jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": LINK, "name_fr": LINK, "level": "national"},
        {"jurisdiction_id": "ca-qc", "name_en": COMMENT, "name_fr": COMMENT, "level": "subnational",
         "parent_id": "ca"},
        {"jurisdiction_id": "ca-on", "name_en": SPAN, "name_fr": AMP, "level": "subnational", "parent_id": "ca"},
    ],
    "commitments": [
        {"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
         "cycle_end": 2020, "title_en": LINK, "title_fr": COMMENT, "progress": "complete", "progress_rank": 3,
         "potential_impact": SPAN, "status_code": COMMENT, "status_vocab": "irm"},
        {"commitment_id": "ca-2", "jurisdiction_id": "ca", "cycle": "2022-2024", "cycle_start": 2022,
         "cycle_end": 2024, "title_en": SCRIPT, "progress": "limited", "progress_rank": 1,
         "potential_impact": LINK, "status_code": "LP", "status_vocab": "nap"},
        {"commitment_id": "qc-1", "jurisdiction_id": "ca-qc", "cycle": "2022-2024", "cycle_start": 2022,
         "cycle_end": 2024, "title_en": COMMENT, "title_fr": SPAN, "progress": "substantial", "progress_rank": 2,
         "potential_impact": "Moderate", "status_code": "SP", "status_vocab": "nap"},
        {"commitment_id": "on-1", "jurisdiction_id": "ca-on", "cycle": "2018-2020", "cycle_start": 2018,
         "cycle_end": 2020, "title_en": AMP, "progress": None, "potential_impact": None,
         "potential_impact_missing": COMMENT},
    ],
    "milestones": [
        {"milestone_id": "ca-1-m1", "commitment_id": "ca-1", "title_en": LINK, "title_fr": COMMENT,
         "progress": "complete", "progress_rank": 3, "status_code": LINK, "status_vocab": "nap",
         "start_date": D("2019-01-01"), "due_date": D("2020-01-31")},
        {"milestone_id": "ca-1-<b>m2</b>", "commitment_id": "ca-1", "title_en": SPAN,
         "progress": "limited", "progress_rank": 1, "status_code": "LP", "status_vocab": "nap",
         "due_date": D("2020-06-30")},
        {"milestone_id": "ca-1-m3", "commitment_id": "ca-1", "title_en": COMMENT, "progress": None,
         "status_code": None, "status_vocab": "nap", "due_date": None},
        {"milestone_id": "qc-1-m1", "commitment_id": "qc-1", "title_en": AMP, "progress": "limited",
         "progress_rank": 1, "status_code": "LP", "status_vocab": "nap", "due_date": D("2023-06-30")},
    ],
    "milestone_status": [
        {"commitment_id": "ca-1", "milestone_id": "ca-1-m1", "reporting_period": "2019-06",
         "period_date": D("2019-06-01"), "progress": "limited", "progress_rank": 1, "status_code": LINK,
         "status_vocab": "nap"},
        {"commitment_id": "ca-1", "milestone_id": "ca-1-m1", "reporting_period": COMMENT,
         "period_date": D("2020-01-01"), "progress": "complete", "progress_rank": 3, "status_code": SPAN,
         "status_vocab": "nap"},
        {"commitment_id": "ca-1", "milestone_id": "ca-1-<b>m2</b>", "reporting_period": "2019-06",
         "period_date": D("2019-06-01"), "progress": "limited", "progress_rank": 1, "status_code": "LP",
         "status_vocab": "nap"},
    ],
    "datasets": [
        {"dataset_id": "d1", "portal": LINK, "jurisdiction_id": "ca", "organization": COMMENT,
         "organization_title_en": LINK, "organization_title_fr": SPAN, "title_en": SCRIPT,
         "published": D("2023-01-15"), "licence": SPAN, "formats": [LINK, "CSV"]},
        {"dataset_id": "d2", "portal": LINK, "jurisdiction_id": "ca", "organization": "statcan",
         "organization_title_en": AMP, "title_en": "Prices", "published": D("2023-02-15"), "licence": COMMENT,
         "formats": [COMMENT]},
        {"dataset_id": "q1", "portal": COMMENT, "jurisdiction_id": "ca-qc", "organization": "msss",
         "organization_title_en": COMMENT, "title_en": "Clinics", "published": D("2023-03-02"),
         "licence": "CC-BY-4.0", "formats": ["XLSX"]},
    ],
    "learning_events": [
        {"period": "2024-01", "period_start": D("2024-01-01"), "period_end": D("2024-01-31"),
         "jurisdiction_id": "ca", "organizer": COMMENT, "event_type": LINK, "topic": SPAN, "events": 2,
         "learners": 100, "organisations": 10, "commitment_id": "ca-1"},
        {"period": COMMENT, "period_start": D("2024-02-01"), "period_end": D("2024-02-29"),
         "jurisdiction_id": "ca-qc", "organizer": LINK, "event_type": "webinar", "topic": "open data",
         "events": 1, "learners": 40, "organisations": 3, "commitment_id": "qc-1"},
        {"period": "2024-03", "period_start": D("2024-03-01"), "period_end": D("2024-03-31"),
         "jurisdiction_id": "ca-on", "organizer": SPAN, "event_type": SCRIPT, "topic": AMP,
         "events": 3, "learners": 75, "organisations": None},
    ],
    "portal_metrics": [
        {"portal": LINK, "metric": COMMENT, "date": D("2024-01-01"), "value": 100.0, "is_outlier": False},
        {"portal": LINK, "metric": COMMENT, "date": D("2024-02-01"), "value": 104.0, "is_outlier": True,
         "outlier_reason": SPAN},
        {"portal": SPAN, "metric": "datasets", "date": D("2024-01-01"), "value": 50.0, "is_outlier": False},
    ],
}


def write(data_dir: Path, snapshot_id: str = "20240601T000000Z", tables: dict | None = None):
    """Write TABLES (or `tables`) as a snapshot in `data_dir`; return it."""
    from dashboard import publish
    from dashboard.ingest.common import Source, build_table

    source = Source(name="hostile", kind="reference")
    built = {name: build_table(name, [{"source": "hostile", "synthetic": False, **row} for row in rows],
                               source=source, file=f"fixture:{name}")
             for name, rows in (tables or TABLES).items()}
    return publish.write_snapshot(data_dir, built, [{"name": "hostile", "kind": "reference", "rows": {}}],
                                    snapshot_id=snapshot_id)
