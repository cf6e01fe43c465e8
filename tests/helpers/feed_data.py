"""Two tiny hand-written snapshots for the change feed: between them one milestone's status changes, one milestone
becomes overdue, one commitment is added and one removed, and one dataset is published, in Canada; Quebec has a
status change and a dataset of its own. Each row is there for a reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dashboard import snapshots
from helpers import make_snapshot

D = dt.date.fromisoformat
BASE_ID, HEAD_ID = "20240301T120000Z", "20240601T120000Z"

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational", "parent_id": "ca"},
]


def _commitment(cid, jur, progress, rank, code, title_en, title_fr=None):
    return {"commitment_id": cid, "jurisdiction_id": jur, "cycle": "2022-2024", "cycle_start": 2022,
            "cycle_end": 2024, "title_en": title_en, "title_fr": title_fr, "progress": progress,
            "progress_rank": rank, "status_code": code, "status_vocab": "nap" if code else None}


NAP = {"NS": ("not_started", 0), "LP": ("limited", 1), "SP": ("substantial", 2), "C": ("complete", 3), None: (None, None)}


def _milestone(mid, cid, code, due, title_en, title_fr=None):
    progress, rank = NAP[code]
    return {"milestone_id": mid, "commitment_id": cid, "title_en": title_en, "title_fr": title_fr,
            "progress": progress, "progress_rank": rank, "status_code": code, "status_vocab": "nap" if code else None,
            "due_date": D(due) if due else None}


def _dataset(did, jur, published, *, commitment=None, load=False):
    return {"dataset_id": did, "portal": "open.canada.ca" if jur == "ca" else "donneesquebec.ca",
            "jurisdiction_id": jur, "title_en": f"Dataset {did}", "title_fr": f"Jeu {did}",
            "published": D(published), "catalogue_load": load, "commitment_id": commitment}


BASE = {
    "jurisdictions": JURISDICTIONS,
    "commitments": [
        _commitment("CA1", "ca", "limited", 1, "LP", "Open data portal", "Portail de données ouvertes"),
        _commitment("CA2", "ca", "limited", 1, "LP", "Paper forms"),  # removed
        _commitment("QC1", "ca-qc", "not_started", 0, "NS", "Open source", "Logiciel libre"),
    ],
    "milestones": [
        _milestone("CA1-1", "CA1", "LP", "2025-12-31", "Publish the inventory", "Publier l'inventaire"),  # -> C
        _milestone("CA1-2", "CA1", "LP", "2024-04-30", "Train the staff"),  # overdue by the head's day only
        _milestone("CA1-3", "CA1", None, "2024-04-30", "Write the guide"),  # past due, nothing reported: not overdue
        _milestone("CA1-4", "CA1", "LP", "2024-01-31", "Already late"),  # overdue in both: not a new entry
        _milestone("QC1-1", "QC1", "NS", "2025-12-31", "Choose a licence"),  # -> LP (Quebec)
    ],
    "datasets": [_dataset("d-old", "ca", "2023-01-01")],
}

HEAD = {
    "jurisdictions": JURISDICTIONS,
    "commitments": [
        _commitment("CA1", "ca", "limited", 1, "LP", "Open data portal", "Portail de données ouvertes"),
        _commitment("CA3", "ca", "not_started", 0, "NS", "Open contracting", "Contrats ouverts"),  # added
        _commitment("QC1", "ca-qc", "not_started", 0, "NS", "Open source", "Logiciel libre"),
    ],
    "milestones": [
        _milestone("CA1-1", "CA1", "C", "2025-12-31", "Publish the inventory", "Publier l'inventaire"),
        _milestone("CA1-2", "CA1", "LP", "2024-04-30", "Train the staff"),
        _milestone("CA1-3", "CA1", None, "2024-04-30", "Write the guide"),
        _milestone("CA1-4", "CA1", "LP", "2024-01-31", "Already late"),
        _milestone("QC1-1", "QC1", "LP", "2025-12-31", "Choose a licence"),
    ],
    "datasets": [
        _dataset("d-old", "ca", "2023-01-01"),
        _dataset("d-new", "ca", "2024-05-15", commitment="CA1"),  # published
        _dataset("d-ancient", "ca", "2019-01-01"),  # new in the catalogue, released long before: not published now
        _dataset("d-load", "ca", "2024-05-20", load=True),  # a catalogue load: not a release
        _dataset("q-new", "ca-qc", "2024-05-10"),  # published (Quebec)
    ],
}


def built_on(data_dir: Path, tables: dict, snapshot_id: str) -> snapshots.Snapshot:
    """Write a snapshot and set its build time to the one its id names (the day "overdue" is judged on)."""
    snap = make_snapshot(data_dir, tables, snapshot_id=snapshot_id)
    path = snap.path / snapshots.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["created_at"] = dt.datetime.strptime(snapshot_id, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.timezone.utc).isoformat()
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return snap


def write(data_dir: Path):
    """Write the earlier and the newer snapshot into `data_dir`; return the newer."""
    built_on(data_dir, BASE, BASE_ID)
    return built_on(data_dir, HEAD, HEAD_ID)


LATER_ID = "20240901T120000Z"
LATER = {**HEAD, "commitments": [
    c if c["commitment_id"] != "CA3" else _commitment("CA3", "ca", "limited", 1, "LP", "Open contracting",
                                                      "Contrats ouverts")
    for c in HEAD["commitments"]
]}  # the added commitment's status changes; CA1-2 stays overdue (listed once, when it became so)


def write_three(data_dir: Path):
    """Write the two snapshots of write() and a later one; return the latest."""
    write(data_dir)
    return built_on(data_dir, LATER, LATER_ID)
