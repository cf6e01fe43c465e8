"""The change feed (dashboard/feed.py, queries/feed_changes.sql): exact entries between two tiny hand-written snapshots."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import make_snapshot, records

from dashboard import data, feed, snapshots, state as state_mod

A = "{http://www.w3.org/2005/Atom}"
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
    built_on(data_dir, BASE, BASE_ID)
    return built_on(data_dir, HEAD, HEAD_ID)


@pytest.fixture(scope="module")
def served(app_on):
    return app_on("feed", write)


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.data), response


def titles(root) -> list[str]:
    return [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]


EXPECTED_EN = [
    "Milestone status changed: Publish the inventory (Limited → Complete)",
    "Milestone overdue: Train the staff (due April 30, 2024)",
    "Commitment added: Open contracting",
    "Commitment removed: Paper forms",
    "Dataset published: Dataset d-new",
]
QUEBEC_EN = [
    "Milestone status changed: Choose a licence (Not started → Limited)",
    "Dataset published: Dataset q-new",
]


def test_the_query_lists_exactly_the_changes(served):
    rows = data.query("feed_changes", snapshot=HEAD_ID, base=BASE_ID, data_dir=served["data_dir"],
                      jurisdictions=[], levels=[], cycles=[], statuses=[], commitment_id=None,
                      as_of=D("2024-06-01"), base_as_of=D("2024-03-01"), released_since=D("2024-03-01"), limit=None)
    assert records(rows, "kind", "record", "record_id", "commitment_id", "from_progress", "to_progress") == [
        ("status", "milestone", "CA1-1", "CA1", "limited", "complete"),
        ("status", "milestone", "QC1-1", "QC1", "not_started", "limited"),
        ("overdue", "milestone", "CA1-2", "CA1", None, "limited"),
        ("added", "commitment", "CA3", "CA3", None, "not_started"),
        ("removed", "commitment", "CA2", "CA2", None, "limited"),
        ("published", "dataset", "open.canada.ca/d-new", "CA1", None, None),
        ("published", "dataset", "donneesquebec.ca/q-new", None, None, None),
    ]


def test_the_feed_parses_and_lists_every_change_newest_pair_first(served):
    root, response = parse(served["client"], "/feed/commitments.atom")
    assert root.tag == f"{A}feed"
    assert titles(root) == [EXPECTED_EN[0], QUEBEC_EN[0], *EXPECTED_EN[1:], QUEBEC_EN[1]]
    assert root.findtext(f"{A}updated") == "2024-06-01T12:00:00+00:00"
    assert "public" in response.headers["Cache-Control"] and response.headers["ETag"]
    again = served["client"].get("/feed/commitments.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_jurisdiction_filter_leaves_out_the_others_changes(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?jurisdiction=ca")
    assert titles(root) == EXPECTED_EN
    root, _ = parse(served["client"], "/feed/commitments.atom?jurisdiction=ca-qc")
    assert titles(root) == QUEBEC_EN


def test_a_status_filter_follows_the_commitments_status(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?status=not_started")
    assert titles(root) == [QUEBEC_EN[0], "Commitment added: Open contracting"]  # datasets: through their commitment
    root, _ = parse(served["client"], "/feed/commitments.atom?status=limited")
    assert titles(root) == [EXPECTED_EN[0], EXPECTED_EN[1], EXPECTED_EN[3], EXPECTED_EN[4]]


def test_a_milestone_with_no_reported_status_never_becomes_overdue(served):
    root, _ = parse(served["client"], "/feed/commitments.atom")
    text = ET.tostring(root, encoding="unicode")
    assert "Write the guide" not in text  # past due, nothing reported
    assert "Already late" not in text  # overdue already in the earlier snapshot


def test_entries_in_french(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?lang=fr&jurisdiction=ca")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert titles(root) == [
        "État du jalon modifié\u00a0: Publier l'inventaire (Limité → Achevé)",
        "Jalon en retard\u00a0: Train the staff (échéance le 30 avril 2024)",
        "Engagement ajouté\u00a0: Contrats ouverts",
        "Engagement retiré\u00a0: Paper forms",
        "Jeu de données publié\u00a0: Jeu d-new",
    ]


def test_entries_have_stable_ids_times_and_links_to_their_records(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?lang=fr&jurisdiction=ca")
    entries = root.findall(f"{A}entry")
    ids = [e.findtext(f"{A}id") for e in entries]
    assert ids[0] == f"tag:ogdash,2026:change/{BASE_ID}/{HEAD_ID}/status/milestone/CA1-1"
    assert ids[-1] == f"tag:ogdash,2026:change/{BASE_ID}/{HEAD_ID}/published/dataset/open.canada.ca%2Fd-new"
    assert len(set(ids)) == len(ids)
    assert {e.findtext(f"{A}updated") for e in entries} == {"2024-06-01T12:00:00+00:00"}
    links = [e.find(f"{A}link").get("href") for e in entries]
    assert links == ["/commitments/CA1?lang=fr", "/commitments/CA1?lang=fr", "/commitments/CA3?lang=fr",
                     "/commitments/CA2?lang=fr", "/commitments/CA1?lang=fr"]
    content = entries[0].findtext(f"{A}content")
    assert "Limité («\u00a0LP\u00a0») → Achevé («\u00a0C\u00a0»)" in content
    assert BASE_ID in content and HEAD_ID in content and "Données au" in content
    feed_links = {l.get("rel"): l.get("href") for l in root.findall(f"{A}link")}
    assert feed_links == {"self": "/feed/commitments.atom?lang=fr&jurisdiction=ca",
                          "alternate": "/commitments?lang=fr&jurisdiction=ca"}
    assert root.findtext(f"{A}title") == "Changements des engagements · Canada"
    again, _ = parse(served["client"], "/feed/commitments.atom?lang=fr&jurisdiction=ca")
    assert [e.findtext(f"{A}id") for e in again.findall(f"{A}entry")] == ids


def test_a_record_feed_has_that_commitment_only(served):
    root, _ = parse(served["client"], "/feed/commitments/CA1.atom")
    assert titles(root) == [EXPECTED_EN[0], EXPECTED_EN[1], EXPECTED_EN[4]]
    feed_links = {l.get("rel"): l.get("href") for l in root.findall(f"{A}link")}
    assert feed_links == {"self": "/feed/commitments/CA1.atom", "alternate": "/commitments/CA1"}


def test_an_absent_snapshot_is_not_found_and_a_hostile_value_stays_a_value(served):
    client = served["client"]
    assert client.get("/feed/commitments.atom?snapshot=20990101T000000Z").status_code == 404
    root, _ = parse(client, "/feed/commitments.atom?snapshot=" + BASE_ID)  # the oldest: nothing before it
    assert titles(root) == []
    root, _ = parse(client, "/feed/commitments.atom?jurisdiction=ca'%3Bdrop&q=%3Cscript%3E")
    assert titles(root) == titles(parse(client, "/feed/commitments.atom")[0])  # the bad value is ignored, as on the page
    assert client.get("/feed/commitments/..%2F..%2Fetc.atom").status_code in (200, 404)
    root, _ = parse(client, "/feed/commitments/CA1'%20or%201=1.atom")
    assert titles(root) == []


def test_source_text_is_escaped_and_control_characters_dropped():
    assert feed._clean("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    view = state_mod.parse("?lang=fr")
    assert feed.feed_href(view, "A/B <c>") == "/feed/commitments/A%2FB%20%3Cc%3E.atom?lang=fr"


def test_the_pages_offer_the_feed_for_their_filters():
    view = state_mod.parse("?lang=fr&jurisdiction=ca&cycle=2022-2024&status=limited&q=open&page=2")
    link, visible = feed.links(view)
    href = "/feed/commitments.atom?lang=fr&jurisdiction=ca&cycle=2022-2024&status=limited"
    assert (link.rel, link.type, link.href) == ("alternate", "application/atom+xml", href)
    assert visible.href == href and visible.children == "Fil des changements"
    link, _ = feed.links(state_mod.parse(""), "CA1")
    assert link.href == "/feed/commitments/CA1.atom"
