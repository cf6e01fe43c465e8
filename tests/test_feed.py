"""The change feed (dashboard/feed.py, queries/feed_changes.sql): exact entries between two tiny hand-written snapshots."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from helpers import records
from helpers.feed_data import BASE_ID, HEAD_ID, LATER_ID, D, write, write_three

from dashboard import data, feed, state as state_mod

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def served_two(app_on):
    return app_on("feed", write)


@pytest.fixture(scope="module")
def served_three(app_on):
    return app_on("feed-three", write_three)


@pytest.fixture
def served(served_two, monkeypatch):
    """The app on the two snapshots of helpers.feed_data (the query layer reads $OGDASH_DATA_DIR: set to its folder)."""
    monkeypatch.setenv("OGDASH_DATA_DIR", str(served_two["data_dir"]))
    return served_two


@pytest.fixture
def three(served_three, monkeypatch):
    """The app on those two snapshots and a later one."""
    monkeypatch.setenv("OGDASH_DATA_DIR", str(served_three["data_dir"]))
    return served_three


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
        "Jalon en retard\u00a0: Train the staff [en anglais seulement] (échéance le 30 avril 2024)",
        "Engagement ajouté\u00a0: Contrats ouverts",
        "Engagement retiré\u00a0: Paper forms [en anglais seulement]",
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
    assert client.get("/feed/commitments/..%2F..%2Fetc.atom").status_code == 404
    root, _ = parse(client, "/feed/commitments/CA1'%20or%201=1.atom")
    assert titles(root) == []


def test_hostile_values_stay_values(served):
    rows = data.query("feed_changes", snapshot=HEAD_ID, base=BASE_ID, data_dir=served["data_dir"],
                      jurisdictions=["' or 1=1 --"], levels=["national'; drop table commitments; --"],
                      cycles=["%"], statuses=["_"], commitment_id="CA1'; drop table commitments; --",
                      as_of=D("2024-06-01"), base_as_of=D("2024-03-01"), released_since=D("2024-03-01"), limit=None)
    assert rows.empty
    rows = data.query("feed_changes", snapshot=HEAD_ID, base=BASE_ID, data_dir=served["data_dir"],
                      jurisdictions=[], levels=[], cycles=[], statuses=[], commitment_id="CA1",
                      as_of=D("2024-06-01"), base_as_of=D("2024-03-01"), released_since=D("2024-03-01"), limit=None)
    assert records(rows, "kind", "record_id") == [("status", "CA1-1"), ("overdue", "CA1-2"),
                                                   ("published", "open.canada.ca/d-new")]


def test_source_text_is_escaped_and_control_characters_dropped():
    assert feed._clean("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    view = state_mod.parse("?lang=fr")
    assert feed.feed_href(view, "A/B <c>") == "/feed/commitments/A%2FB%20%3Cc%3E.atom?lang=fr"


def test_the_pages_offer_the_feed_for_their_filters():
    view = state_mod.parse("?lang=fr&jurisdiction=ca&cycle=2022-2024&status=limited&q=open&page=2")
    link, _store, visible = feed.links(view)
    href = "/feed/commitments.atom?lang=fr&jurisdiction=ca&cycle=2022-2024&status=limited"
    assert (link.rel, link.type, link.href) == ("alternate", "application/atom+xml", href)
    assert visible.href == href and visible.children == "Fil des changements"
    link, _store, _visible = feed.links(state_mod.parse(""), "CA1")
    assert link.href == "/feed/commitments/CA1.atom"


def test_the_pages_html_carries_the_feed_in_its_head_for_readers_that_run_no_script(served):
    client = served["client"]
    head = client.get("/commitments?lang=fr&jurisdiction=ca&q=x").get_data(as_text=True).split("</head>")[0]
    assert ('<link id="feed-head-link" rel="alternate" type="application/atom+xml" '
            'title="Changements de ces engagements (fil Atom)" '
            'href="/feed/commitments.atom?lang=fr&amp;jurisdiction=ca">') in head
    head = client.get("/commitments/CA1").get_data(as_text=True).split("</head>")[0]
    assert 'href="/feed/commitments/CA1.atom"' in head
    for path in ("/", "/datasets", "/commitments/", "/feed/commitments.atom"):
        assert '<link id="feed-head-link"' not in client.get(path).get_data(as_text=True), path
    assert feed.head_link("/commitments/%22%3E%3Cscript%3E", "") == (
        '<link id="feed-head-link" rel="alternate" type="application/atom+xml" title="Changes to this commitment '
        '(Atom feed)" href="/feed/commitments/%22%3E%3Cscript%3E.atom">')


def test_every_entry_has_what_atom_requires(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?lang=fr")
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "link", "content"):
            assert (entry.find(f"{A}{tag}") is not None and (entry.findtext(f"{A}{tag}") or tag == "link")), tag
        assert entry.find(f"{A}content").get("type") == "text"
        assert dt.datetime.fromisoformat(entry.findtext(f"{A}updated")).tzinfo is not None


def test_an_overdue_entry_says_when_and_why(served):
    root, _ = parse(served["client"], "/feed/commitments.atom?jurisdiction=ca")
    content = root.findall(f"{A}entry")[1].findtext(f"{A}content")
    assert content.splitlines()[:2] == [
        "Milestone CA1-2 of commitment CA1 · Canada · 2022-2024",
        "Due April 30, 2024; reported status Limited (“LP”), not complete. Overdue as of June 1, 2024; "
        "it was not as of March 1, 2024.",
    ]


def test_newest_pair_first_and_bounded(three, monkeypatch):
    client = three["client"]
    root, _ = parse(client, "/feed/commitments.atom?jurisdiction=ca")
    assert titles(root) == ["Commitment status changed: Open contracting (Not started → Limited)", *EXPECTED_EN]
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert ids[0].startswith(f"tag:ogdash,2026:change/{HEAD_ID}/{LATER_ID}/")
    assert all(i.startswith(f"tag:ogdash,2026:change/{BASE_ID}/{HEAD_ID}/") for i in ids[1:])
    assert root.findtext(f"{A}updated") == "2024-09-01T12:00:00+00:00"
    root, _ = parse(client, "/feed/commitments.atom?jurisdiction=ca&snapshot=" + HEAD_ID)  # the view's snapshot is the newest read
    assert titles(root) == EXPECTED_EN
    monkeypatch.setattr(feed, "MAX_ENTRIES", 2)
    root, _ = parse(client, "/feed/commitments.atom?jurisdiction=ca&lang=fr")
    assert len(titles(root)) == 2
    monkeypatch.setattr(feed, "MAX_ENTRIES", 200)
    monkeypatch.setattr(feed, "MAX_SNAPSHOTS", 2)
    root, _ = parse(client, "/feed/commitments.atom?jurisdiction=ca&lang=de")
    assert titles(root) == ["Commitment status changed: Open contracting (Not started → Limited)"]
