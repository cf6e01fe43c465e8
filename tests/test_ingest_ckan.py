"""The ckan connector against a local package_search server, on hand-written JSON Lines dumps, and on the real
Données Québec records."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.ingest import ckan
from dashboard.ingest.common import IngestError, Source

# An open.canada.ca record: bilingual titles, "English | French" organisation title, date_published.
FEDERAL = {
    "id": "a1", "name": "grants", "title": "Grants",
    "title_translated": {"en": "Grants and contributions", "fr": "Subventions et contributions"},
    "organization": {"name": "tbs-sct", "title": "Treasury Board of Canada Secretariat | Secrétariat du Conseil "
                                                  "du Trésor du Canada"},
    "jurisdiction": "federal", "license_id": "ca-ogl-lgo", "date_published": "2019-05-21 00:00:00",
    "metadata_created": "2019-05-20T14:00:00.123456", "metadata_modified": "2024-01-02T03:04:05Z",
    "frequency": "P1M", "num_resources": 3,
    "resources": [{"format": "csv"}, {"format": "CSV "}, {"format": "JSON"}],
}
# The flattened shape of freshness_tree_municipal_user.json: `name` is the organisation's.
FLATTENED = {
    "name": "qc", "organization_title": "Government and Municipalities of Québec | Gouvernement et municipalités "
                                        "du Québec",
    "jurisdiction": "municipal", "id": "b2", "package_name": "b2", "title": "Contracts of $25,000 and more",
    "metadata_created": "2020-09-03T15:14:38.323663", "metadata_modified": "2026-05-27T16:00:47.645372",
    "frequency": "irregular", "resources": [{"format": "ODS"}, {"format": "other"}, {"format": ""}],
}
# A bare CKAN record: no organisation, no resources, no dates.
BARE = {"id": "c3", "title": "Données brutes"}


def read(**kw) -> dict:
    options = kw.pop("options", {})
    return ckan.read(Source(name="catalogue", kind="ckan", options=options, **kw))


def write_jsonl(path: Path, packages: list[dict]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for p in packages:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    return path


def test_dump_rows(tmp_path):
    path = write_jsonl(tmp_path / "od-do-canada.jsonl", [FEDERAL, FLATTENED, BARE])
    tables = read(path=path, options={"jurisdiction": "ca"})
    rows = tables["datasets"].to_pylist()
    assert rows[0] == {
        "dataset_id": "a1", "portal": "od-do-canada", "jurisdiction_id": "ca", "portal_jurisdiction": "federal",
        "organization": "tbs-sct", "organization_title_en": "Treasury Board of Canada Secretariat",
        "organization_title_fr": "Secrétariat du Conseil du Trésor du Canada",
        "title_en": "Grants and contributions", "title_fr": "Subventions et contributions",
        "published": dt.date(2019, 5, 21), "published_basis": "date_published", "catalogue_load": False,
        "created": dt.datetime(2019, 5, 20, 14, 0, 0, 123456),
        "modified": dt.datetime(2024, 1, 2, 3, 4, 5), "licence": "ca-ogl-lgo", "formats": ["CSV", "JSON"],
        "num_resources": 3, "frequency": "P1M", "commitment_id": None, "source": "catalogue", "synthetic": False}
    flat = rows[1]
    assert (flat["organization"], flat["organization_title_en"], flat["organization_title_fr"]) == (
        "qc", "Government and Municipalities of Québec", "Gouvernement et municipalités du Québec")
    assert (flat["title_en"], flat["title_fr"], flat["published"], flat["published_basis"]) == (
        "Contracts of $25,000 and more", None, dt.date(2020, 9, 3), "metadata_created")  # falls back to created
    assert (flat["formats"], flat["num_resources"]) == (["ODS", "OTHER"], 3)
    bare = rows[2]
    assert (bare["organization"], bare["published"], bare["formats"], bare["num_resources"]) == (None, None, [], 0)
    assert tables["jurisdictions"].to_pylist()[0]["name_en"] == "Canada"


def test_untranslated_text_goes_to_the_portal_language(tmp_path):
    path = write_jsonl(tmp_path / "dq.jsonl", [BARE])
    row = read(path=path, options={"jurisdiction": "ca-qc", "language": "fr", "portal": "donneesquebec.ca"}
               )["datasets"].to_pylist()[0]
    assert (row["portal"], row["title_en"], row["title_fr"]) == ("donneesquebec.ca", None, "Données brutes")


def test_gzipped_dump_and_its_truncation(tmp_path):
    path = write_jsonl(tmp_path / "dump.jsonl.gz", [FEDERAL, FLATTENED, BARE] * 1 + [
        {**BARE, "id": f"x{i}", "title": "padding " * 50 + str(i)} for i in range(200)])
    assert read(path=path, options={"jurisdiction": "ca"})["datasets"].num_rows == 203
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IngestError, match="truncated") as err:
        read(path=truncated, options={"jurisdiction": "ca"})
    assert err.value.file == str(truncated) and err.value.row > 3


def test_bad_json_line_names_the_line(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(FEDERAL) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not valid JSON") as err:
        read(path=path, options={"jurisdiction": "ca"})
    assert err.value.row == 3


def test_bad_timestamp_names_the_record(tmp_path):
    path = write_jsonl(tmp_path / "dump.jsonl", [FEDERAL, {**BARE, "metadata_modified": "last Tuesday"}])
    with pytest.raises(IngestError) as err:
        read(path=path, options={"jurisdiction": "ca"})
    assert (err.value.row, err.value.column, err.value.value) == (2, "metadata_modified", "last Tuesday")


def test_duplicate_dataset_ids_are_refused(tmp_path):
    path = write_jsonl(tmp_path / "dump.jsonl", [FEDERAL, BARE, FEDERAL])
    with pytest.raises(IngestError, match="duplicate id in table datasets") as err:
        read(path=path, options={"jurisdiction": "ca"})
    assert err.value.row == 3 and "'dataset_id': 'a1'" in str(err.value)


def test_missing_and_empty_dumps_and_unknown_jurisdiction(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        read(path=tmp_path / "nope.jsonl", options={"jurisdiction": "ca"})
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(IngestError, match="is empty"):
        read(path=tmp_path / "empty.jsonl", options={"jurisdiction": "ca"})
    with pytest.raises(IngestError, match="set option jurisdiction"):
        read(path=tmp_path / "empty.jsonl")


# -- the package_search API, served locally ---------------------------------------------------------------


class Portal(ThreadingHTTPServer):
    daemon_threads = True
    packages: list[dict] = []
    cap = 2  # the most rows a page holds, whatever `rows` asks for
    behaviour = "ok"  # ok | http500 | http404 | slow | refuse | html | flaky
    requests: list[dict] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        server: Portal = self.server
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        server.requests.append({"path": urlsplit(self.path).path, **query})
        if server.behaviour == "http500":
            return self.answer(500, "text/plain", b"Internal Server Error")
        if server.behaviour == "http404":
            return self.answer(404, "application/json", json.dumps(
                {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}).encode())
        if server.behaviour == "slow":
            time.sleep(1.0)
        if server.behaviour == "flaky" and len(server.requests) == 1:
            return self.answer(503, "text/plain", b"try again")
        if server.behaviour == "html":
            return self.answer(200, "text/html", b"<html>maintenance</html>")
        if server.behaviour == "refuse":
            body = {"success": False, "error": {"__type": "Search Query Error", "message": "bad fq"}}
        else:
            start, rows = int(query["start"]), min(int(query["rows"]), server.cap)
            body = {"success": True, "result": {"count": len(server.packages),
                                                "results": server.packages[start:start + rows]}}
        self.answer(200, "application/json", json.dumps(body).encode())

    def answer(self, status: int, content_type: str, body: bytes):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)


@pytest.fixture
def portal():
    server = Portal(("127.0.0.1", 0), Handler)
    server.packages = [FEDERAL, FLATTENED, BARE, {**BARE, "id": "d4"}, {**BARE, "id": "e5"}]
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def base_url(server: Portal) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/data"


FAST = {"jurisdiction": "ca", "backoff": 0.01, "retries": 1}


def test_api_pages_until_count(portal):
    tables = read(url=base_url(portal), options={**FAST, "rows": 1000})
    assert tables["datasets"].column("dataset_id").to_pylist() == ["a1", "b2", "c3", "d4", "e5"]
    assert [(r["path"], r["start"], r["rows"]) for r in portal.requests] == [
        ("/data/api/3/action/package_search", "0", "1000"), ("/data/api/3/action/package_search", "2", "1000"),
        ("/data/api/3/action/package_search", "4", "1000")]
    assert portal.requests[0]["sort"] == "metadata_created asc"
    assert tables["datasets"].column("portal").to_pylist()[0] == "127.0.0.1"


def test_api_retries_a_transient_503(portal):
    portal.behaviour = "flaky"
    assert read(url=base_url(portal), options=FAST)["datasets"].num_rows == 5
    assert [r["start"] for r in portal.requests] == ["0", "0", "2", "4"]


def test_api_http_500_is_retried_then_named(portal):
    # 5xx is retried since the one HTTP policy (dashboard.ingest.http); it used to fail at the first 500.
    portal.behaviour = "http500"
    with pytest.raises(IngestError, match="HTTP 500 Internal Server Error after 2 tries") as err:
        read(url=base_url(portal), options=FAST)
    assert err.value.source == "catalogue" and "/api/3/action/package_search?rows=1000" in err.value.file
    assert err.value.value == "Internal Server Error"
    assert len(portal.requests) == 2


def test_api_http_404_is_not_retried(portal):
    portal.behaviour = "http404"
    with pytest.raises(IngestError, match="HTTP 404 Not Found") as err:
        read(url=base_url(portal), options=FAST)
    assert err.value.value == {"__type": "Not Found Error", "message": "Not found"}
    assert len(portal.requests) == 1


def test_api_timeout_after_retries(portal):
    portal.behaviour = "slow"
    with pytest.raises(IngestError, match=r"no answer within 0.2 s after 2 tries") as err:
        read(url=base_url(portal), options={**FAST, "timeout": 0.2})
    assert "package_search" in err.value.file


def test_api_success_false(portal):
    portal.behaviour = "refuse"
    with pytest.raises(IngestError, match="success: false") as err:
        read(url=base_url(portal), options=FAST)
    assert err.value.value == {"__type": "Search Query Error", "message": "bad fq"}


def test_api_answer_that_is_not_json(portal):
    portal.behaviour = "html"
    with pytest.raises(IngestError, match="not JSON") as err:
        read(url=base_url(portal), options=FAST)
    assert err.value.value == "<html>maintenance</html>"


def test_api_unreachable_after_retries():
    with pytest.raises(IngestError, match="connection failed .* after 2 tries"):
        read(url="http://127.0.0.1:9/data", options=FAST)


@pytest.mark.shared
def test_real_quebec_records_as_json_lines(shared_data, tmp_path):
    doc = json.loads((shared_data / "open-canada" / "freshness_tree_municipal_user.json").read_text("utf-8"))
    path = write_jsonl(tmp_path / "municipal.jsonl.gz", doc["packages"])
    tables = read(path=path, options={"jurisdiction": "ca-qc", "portal": "open.canada.ca"})
    rows = tables["datasets"].to_pylist()
    assert len(rows) == 285
    assert {r["organization"] for r in rows} == {"qc"}
    assert {r["portal_jurisdiction"] for r in rows} == {"municipal"}
    assert sum(r["num_resources"] for r in rows) == 1650
    first = rows[0]
    assert (first["dataset_id"], first["formats"], first["frequency"], first["published"]) == (
        "019a1446-89f4-41be-ab52-44fc12c31170", ["CSV", "HTML", "ODS"], "irregular", dt.date(2020, 9, 3))
    assert tables["jurisdictions"].to_pylist()[0]["jurisdiction_id"] == "ca-qc"
