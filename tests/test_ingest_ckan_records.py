"""CKAN records read as the portal meant them: a partial package_search answer stops the build (or is accepted,
recorded in the manifest and shown on the datasets page), owner_org names the publisher through the portal's
organization list, and legacy title_fra is read. Hand-written records, then the real files."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard import publish, snapshots
from dashboard.ingest import ckan
from dashboard.ingest.common import IngestError, Source, build_table
from helpers import page_module


def read(options: dict | None = None, **kw) -> dict:
    return ckan.read(Source(name="catalogue", kind="ckan", options=options or {}, **kw))


def packages(n: int) -> list[dict]:
    return [{"id": f"p{i}", "title": f"Record {i}", "metadata_created": f"2024-01-{1 + i % 28:02d}T00:00:00"}
            for i in range(n)]


def saved_answer(tmp_path: Path, count: int, results: list[dict]) -> Path:
    """A package_search answer saved to disk, as `curl .../package_search?rows=10 > answer.json` writes it."""
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"help": "https://example.org/api/3/action/help_show?name=package_search",
                                "success": True, "result": {"count": count, "results": results}}), encoding="utf-8")
    return path


# ---------------------------------------------------------------- a partial package_search answer

def test_a_saved_answer_short_of_its_count_stops_naming_both_numbers(tmp_path):
    path = saved_answer(tmp_path, 38, packages(10))
    with pytest.raises(IngestError) as err:
        read({"jurisdiction": "ca"}, path=path)
    assert "count 38 but holds 10 records (28 missing)" in str(err.value)
    assert (err.value.source, err.value.file, err.value.column, err.value.value) == (
        "catalogue", str(path), "count", 38)
    assert "accept_partial = true" in err.value.why


def test_a_whole_answer_loads_and_notes_nothing(tmp_path):
    source = Source(name="catalogue", kind="ckan", path=saved_answer(tmp_path, 3, packages(3)),
                    options={"jurisdiction": "ca"})
    assert ckan.read(source)["datasets"].num_rows == 3 and source.notes == {}


def test_accept_partial_loads_what_is_there_and_records_the_shortfall(tmp_path):
    source = Source(name="catalogue", kind="ckan", path=saved_answer(tmp_path, 38, packages(10)),
                    options={"jurisdiction": "ca", "accept_partial": True})
    assert ckan.read(source)["datasets"].num_rows == 10
    assert source.notes == {"partial_answer": {"count": 38, "read": 10, "missing": 28}}


def test_accept_partial_must_be_a_boolean(tmp_path):
    with pytest.raises(IngestError, match="accept_partial must be true or false") as err:
        read({"jurisdiction": "ca", "accept_partial": "yes"}, path=saved_answer(tmp_path, 3, packages(3)))
    assert err.value.value == "yes"


def test_the_shortfall_reaches_the_manifest(tmp_path):
    answer = saved_answer(tmp_path, 38, packages(10))
    config = tmp_path / "sources.toml"
    config.write_text(f'[[source]]\nname = "portal"\nkind = "ckan"\npath = "{answer.name}"\njurisdiction = "ca"\n'
                      "accept_partial = true\n", encoding="utf-8")
    snap = publish.build(config, tmp_path / "data")
    entry = next(s for s in snap.manifest["sources"] if s["name"] == "portal")
    assert entry["partial_answer"] == {"count": 38, "read": 10, "missing": 28}
    assert entry["rows"]["datasets"] == 10
    config.write_text(config.read_text().replace("accept_partial = true\n", ""), encoding="utf-8")
    with pytest.raises(IngestError, match="count 38 but holds 10"):
        publish.build(config, tmp_path / "data")
    assert snapshots.list_snapshots(tmp_path / "data") == [snap.id]  # the failed build left nothing behind


class ShortPortal(ThreadingHTTPServer):
    """A package_search that says `count` but runs out of records before it."""

    daemon_threads = True
    said = 7
    held: list[dict] = []


class ShortHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        start, rows = int(query["start"]), min(int(query["rows"]), 2)
        body = json.dumps({"success": True, "result": {"count": self.server.said,
                                                       "results": self.server.held[start:start + rows]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def short_portal():
    server = ShortPortal(("127.0.0.1", 0), ShortHandler)
    server.held = packages(5)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/data"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_an_api_that_runs_out_before_its_count_stops_too(short_portal):
    with pytest.raises(IngestError, match=r"count 7 but holds 5 records \(2 missing\)"):
        read({"jurisdiction": "ca", "retries": 0}, url=short_portal)
    source = Source(name="catalogue", kind="ckan", url=short_portal,
                    options={"jurisdiction": "ca", "retries": 0, "accept_partial": True})
    assert ckan.read(source)["datasets"].num_rows == 5
    assert source.notes == {"partial_answer": {"count": 7, "read": 5, "missing": 2}}


# ---------------------------------------------------------------- owner_org and legacy fields

STATCAN_ID = "a0f0fcfc-bc3b-4696-8b6d-e7e411d55bac"  # as open.canada.ca's records write it (lower case)


def test_owner_org_names_the_publisher_through_the_portals_organization_list(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "s1", "title": "Census", "owner_org": STATCAN_ID}) + "\n"
                    + json.dumps({"id": "s2", "title": "Other", "owner_org": "no-such-org"}) + "\n"
                    + json.dumps({"id": "s3", "title": "Named", "owner_org": STATCAN_ID,
                                  "organization": {"name": "tbs-sct", "title": "TBS | SCT"}}) + "\n",
                    encoding="utf-8")
    rows = {r["dataset_id"]: r for r in read({"portal": "open.canada.ca"}, path=path)["datasets"].to_pylist()}
    assert (rows["s1"]["organization"], rows["s1"]["organization_title_en"], rows["s1"]["organization_title_fr"]) == (
        "statcan", "Statistics Canada", "Statistique Canada")
    # Not in the list: the id the portal gave stays, with no title made up.
    assert (rows["s2"]["organization"], rows["s2"]["organization_title_en"]) == ("no-such-org", None)
    # An organization object wins over owner_org.
    assert (rows["s3"]["organization"], rows["s3"]["organization_title_en"]) == ("tbs-sct", "TBS")


def test_an_organization_list_given_as_an_option(tmp_path):
    (tmp_path / "orgs.jsonl").write_text(
        json.dumps({"id": "ORG-1", "name": "ville-x", "title": "City X | Ville X"}) + "\n", encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "m1", "title": "Budget", "owner_org": "org-1"}) + "\n", encoding="utf-8")
    row = read({"jurisdiction": "ca-qc", "organizations": "orgs.jsonl"}, path=dump)["datasets"].to_pylist()[0]
    assert (row["organization"], row["organization_title_en"], row["organization_title_fr"]) == (
        "ville-x", "City X", "Ville X")
    # A portal with no list and no option keeps the id.
    row = read({"jurisdiction": "ca-qc"}, path=dump)["datasets"].to_pylist()[0]
    assert (row["organization"], row["organization_title_en"]) == ("org-1", None)
    (tmp_path / "orgs.jsonl").write_text("{broken\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not valid JSON") as err:
        read({"jurisdiction": "ca-qc", "organizations": "orgs.jsonl"}, path=dump)
    assert (err.value.row, err.value.column) == (1, "organizations")


def test_legacy_title_fra_is_read(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "l1", "title": "Water quality", "title_fra": "Qualité de l'eau"}) + "\n",
                    encoding="utf-8")
    for language in ("en", "fr"):
        row = read({"jurisdiction": "ca", "language": language}, path=dump)["datasets"].to_pylist()[0]
        assert (row["title_en"], row["title_fr"]) == ("Water quality", "Qualité de l'eau")


# ---------------------------------------------------------------- shown on the datasets page

def test_the_datasets_page_shows_a_partial_catalogue(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    datasets = build_table("datasets", [{"dataset_id": f"p{i}", "portal": "example.org", "jurisdiction_id": "ca",
                                         "source": "portal", "synthetic": False} for i in range(10)],
                           source=Source(name="portal", kind="ckan"))
    publish.write_snapshot(data_dir, {"datasets": datasets}, [
        {"name": "portal", "kind": "ckan", "rows": {"datasets": 10},
         "partial_answer": {"count": 38, "read": 10, "missing": 28}},
        {"name": "whole", "kind": "ckan", "rows": {"datasets": 0}},
    ], snapshot_id="20260101T000000Z")
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    from dashboard import data
    from dashboard.app import create_app

    create_app(data_dir)
    page = page_module("datasets")
    notice = page.partial_sources(page.state_mod.parse(""))
    assert notice.id == "datasets-partial" and "alert-warning" in notice.className
    assert str(notice.children[0].children) == "Some catalogues were read only in part."
    assert [li.children for li in notice.children[1].children] == [
        "“portal”: the portal’s answer says 38 records, 10 were read; the other 28 are not counted on this page."]
    french = page.partial_sources(page.state_mod.parse("?lang=fr"))
    assert french.children[1].children[0].children == (
        "« portal » : la réponse du portail annonce 38 fiches, 10 ont été lues ; les 28 autres ne sont pas comptées "
        "sur cette page.")
    data.clear_cache()


# ---------------------------------------------------------------- the real files

@pytest.mark.shared
def test_the_bundled_organization_list_is_the_portals_own(shared_data):
    bundled = Path(ckan.__file__).parent / "organizations" / "open.canada.ca.jsonl"
    original = shared_data / "ckan-schema" / "transitional_orgs.jsonl"
    assert hashlib.sha256(bundled.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()
    assert (bundled.parent / "LICENSE").read_text(encoding="utf-8") == \
        (shared_data / "ckan-schema" / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.shared
def test_real_quebec_records_keep_their_publisher_through_owner_org(shared_data, tmp_path):
    """The federated Québec records, stripped of their organization title and given only the owner_org that
    open.canada.ca files them under: the organization list gives the publisher back, in both languages."""
    doc = json.loads((shared_data / "open-canada" / "freshness_tree_municipal_user.json").read_text("utf-8"))
    qc = next(json.loads(line) for line in (shared_data / "ckan-schema" / "transitional_orgs.jsonl").open(
        encoding="utf-8") if json.loads(line)["name"] == "qc")
    stripped = [{k: v for k, v in p.items() if k not in ("name", "organization_title", "package_name")}
                | {"owner_org": qc["id"]} for p in doc["packages"]]
    dump = tmp_path / "municipal.jsonl"
    dump.write_text("".join(json.dumps(p) + "\n" for p in stripped), encoding="utf-8")
    rows = read({"portal": "open.canada.ca", "jurisdiction": "ca-qc", "language": "fr"}, path=dump)[
        "datasets"].to_pylist()
    assert len(rows) == 285
    assert {(r["organization"], r["organization_title_en"], r["organization_title_fr"]) for r in rows} == {
        ("qc", "Government and Municipalities of Québec", "Gouvernement et municipalités du Québec")}


@pytest.mark.shared
def test_real_quebec_records_read_whole_from_the_json_document(shared_data):
    source = Source(name="qc", kind="ckan", path=shared_data / "open-canada" / "freshness_tree_municipal_user.json",
                    options={"portal": "open.canada.ca", "jurisdiction": "ca-qc", "language": "fr"})
    rows = ckan.read(source)["datasets"].to_pylist()
    assert len(rows) == 285 and source.notes == {}  # a `packages` document states no count to fall short of
    assert sum(r["catalogue_load"] for r in rows) == 199
