"""Every URL-capable connector against a local HTTP server on 127.0.0.1 that serves the real files of ../shared/data:
downloads, datastore paging, the retry policy, and failures that name source, URL and cause and leave earlier
snapshots byte-identical."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard import __version__, publish, snapshots
from dashboard.config import BUNDLED_DIR
from dashboard.ingest import datastore, http, learning, load_sources, nap_tracker, ogp_export, portal_metrics
from dashboard.ingest.common import IngestError, Source

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LEARNING = FIXTURES / "learning" / "learning_events.csv"
FAST = {"backoff": 0.01, "retries": 2, "timeout": 5}  # test backoff stays tiny: no retry waits more than 0.04 s

# NAP6 status records as open.canada.ca's DataStore holds them (the record layout of ../shared/data/README.md,
# with the `_id` every DataStore row has). Hand-written: no real status file is kept; the codes, periods and
# status choices are the nap6 schema's. The last record is in the published layout (bin/filter/filter_nap6.py
# in open-data/ckanext-canada drops record_created/record_modified and adds indicator_* and owner_org columns).
NAP6_STATUS = [
    {"_id": 1, "reporting_period": "2025-12", "commitments": "C01", "milestones": "C01.1", "indicators": "C01.1.1",
     "status": "C", "progress_en": "Strategic plan approved.", "progress_fr": "Plan stratégique approuvé.",
     "evidence_en": "", "evidence_fr": "", "challenges_en": "", "challenges_fr": "",
     "record_created": "2026-01-14T15:02:11", "record_modified": "2026-01-20T09:30:00"},
    {"_id": 2, "reporting_period": "2025-12", "commitments": "C01", "milestones": "C01.1", "indicators": "C01.1.2",
     "status": "SP", "progress_en": "Two of three weeks held.", "progress_fr": "Deux des trois semaines tenues.",
     "evidence_en": "", "evidence_fr": "", "challenges_en": "", "challenges_fr": "",
     "record_created": "2026-01-14T15:04:40", "record_modified": "2026-01-14T15:04:40"},
    {"_id": 3, "reporting_period": "2025-12", "commitments": "C01", "milestones": "C01.1", "indicators": "C01.1.3",
     "status": "NS", "progress_en": "", "progress_fr": "", "evidence_en": "", "evidence_fr": "",
     "challenges_en": "Waiting for the consultation to end.",
     "challenges_fr": "En attente de la fin de la consultation.",
     "record_created": "2026-01-14T15:05:02", "record_modified": "2026-01-14T15:05:02"},
    {"_id": 4, "reporting_period": "2026-06", "commitments": "C01", "milestones": "C01.1", "indicators": "C01.1.2",
     "status": "C", "progress_en": "Consultation held.", "progress_fr": "Consultation tenue.",
     "evidence_en": "What we heard report.", "evidence_fr": "Rapport sur ce que nous avons entendu.",
     "challenges_en": "", "challenges_fr": "",
     "record_created": "2026-07-08T10:00:00", "record_modified": "2026-07-08T10:00:00"},
    {"_id": 5, "reporting_period": "2026-06", "commitments": "C01", "milestones": "C01.2", "indicators": "C01.2.1",
     "indicator_en": "Establish an enterprise-wide consultation platform.", "indicator_fr": "",
     "indicator_deadline_en": "", "indicator_deadline_fr": "", "indicator_lead_dept": "rcmp-grc",
     "status": "LP", "progress_en": "Platform chosen.", "progress_fr": "Plateforme choisie.",
     "evidence_en": "", "evidence_fr": "", "challenges_en": "", "challenges_fr": "",
     "owner_org": "rcmp-grc", "owner_org_title": "Royal Canadian Mounted Police | Gendarmerie royale du Canada"},
]
NAP6_RESOURCE = "c515847c-9209-4841-8207-1afc412b5791"  # open.canada.ca's NAP6 resource (dashboard/bundled/sources.live.toml)


# -- the local server ---------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Callable[[Handler, int], None]] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[dict] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server: Server = self.server
        path = urlsplit(self.path).path
        server.hits[path] = server.hits.get(path, 0) + 1
        server.requests.append({"path": path, "user_agent": self.headers.get("User-Agent"),
                                **{k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}})
        route = server.routes.get(path)
        if route is None:
            return self.send(404, b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>", "text/html")
        route(self, server.hits[path])

    def send(self, status: int, body: bytes, content_type: str = "text/csv; charset=utf-8", *,
             length: int | None = None, headers: dict | None = None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.send_header("Last-Modified", "Sat, 22 Aug 2026 12:59:54 GMT")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            if length is not None and length != len(body):
                self.close_connection = True  # the body stops short of what was announced
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_chunked(self, body: bytes, content_type: str = "text/csv"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for i in range(0, len(body), 4096):
                part = body[i:i + 4096]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def serve_file(path: Path, content_type: str = "text/csv; charset=utf-8"):
    body = path.read_bytes()
    return lambda handler, hit: handler.send(200, body, content_type)


def datastore_route(records: list[dict], *, page_cap: int = 2, total: int | None = None):
    """A datastore_search action that pages `page_cap` records at a time, whatever limit asks for."""

    def route(handler: Handler, hit: int):
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        if query.get("resource_id") != NAP6_RESOURCE:
            body = {"help": "datastore_search", "success": False,
                    "error": {"message": f"Not found: Resource \"{query.get('resource_id')}\" was not found.",
                              "__type": "Not Found Error"}}
            return handler.send(404, json.dumps(body).encode(), "application/json;charset=utf-8")
        limit, offset = int(query.get("limit", 100)), int(query.get("offset", 0))
        page = records[offset:offset + min(limit, page_cap)]
        body = {"help": "https://open.canada.ca/data/api/3/action/help_show?name=datastore_search", "success": True,
                "result": {"include_total": True, "resource_id": NAP6_RESOURCE, "records_format": "objects",
                           "fields": [{"id": k, "type": "text"} for k in records[0]], "records": page,
                           "limit": limit, "offset": offset,
                           "_links": {"start": "/api/3/action/datastore_search", "next": "/api/3/action/..."},
                           "total": len(records) if total is None else total}}
        handler.send(200, json.dumps(body).encode(), "application/json;charset=utf-8")

    return route


def source(kind: str, url: str, **options) -> Source:
    return Source(name=f"live-{kind}", kind=kind, url=url, options={**FAST, **options})


# -- each kind by URL -----------------------------------------------------------------------------------------


@pytest.mark.shared
def test_ogp_export_by_url_gives_558_commitments(server, shared_data):
    export = shared_data / "ogp" / "ogp_commitments_export_2024-07.csv"
    server.routes["/ogp/export.csv"] = serve_file(export)
    src = source("ogp-export", server.url("/ogp/export.csv"))
    tables = ogp_export.read(src)
    assert tables["commitments"].num_rows == 558
    assert tables["jurisdictions"].num_rows == 75
    assert tables == ogp_export.read(Source(name="live-ogp-export", kind="ogp-export", path=export))
    body = export.read_bytes()
    assert src.fetched == [{"url": server.url("/ogp/export.csv"), "sha256": hashlib.sha256(body).hexdigest(),
                            "bytes": len(body), "last_modified": "2026-08-22T12:59:54+00:00",
                            "retrieved_at": src.fetched[0]["retrieved_at"]}]
    assert server.requests[0]["user_agent"].startswith(f"ogdash/{__version__} (Open Government Monitor;")


@pytest.mark.shared
def test_corporate_report_and_learning_by_url_read_as_by_path(server, shared_data):
    report = shared_data / "open-canada" / "corporate_report.csv"
    server.routes["/Corporate_reporting/open_data/corporate_report.csv"] = serve_file(report, "text/plain")
    server.routes["/learning.csv"] = serve_file(LEARNING)
    by_url = portal_metrics.read(source("portal-metrics", server.url("/Corporate_reporting/open_data/"
                                                                      "corporate_report.csv")))
    assert by_url == portal_metrics.read(Source(name="live-portal-metrics", kind="portal-metrics", path=report))
    assert by_url["portal_metrics"].num_rows == 7 * 1021
    assert learning.read(source("learning", server.url("/learning.csv"))) == learning.read(
        Source(name="live-learning", kind="learning", path=LEARNING))


@pytest.mark.shared
def test_nap_schemas_by_url_under_their_upstream_names(server, shared_data):
    """ckanext-canada names the schemas nap5.yaml and nap6.yaml: the plan and cycle come from inside them."""
    folder = shared_data / "canada-nap"
    server.routes["/ckanext/canada/tables/nap5.yaml"] = serve_file(folder / "nap5_2022-2024.yaml", "text/plain")
    server.routes["/ckanext/canada/tables/nap6.yaml"] = serve_file(folder / "nap6_2025-2029.yaml", "text/plain")
    src = source("nap-tracker", server.url("/ckanext/canada/tables"), files=["nap5.yaml", "nap6.yaml"])
    by_url = nap_tracker.read(src)
    by_path = nap_tracker.read(Source(name="live-nap-tracker", kind="nap-tracker", path=folder,
                                      options={"files": ["nap5_2022-2024.yaml", "nap6_2025-2029.yaml"]}))
    assert by_url == by_path
    assert by_url["commitments"].num_rows == 9 and len(src.fetched) == 2


@pytest.mark.shared
def test_nap_status_from_a_datastore_that_pages_two_records_at_a_time(server, shared_data, tmp_path):
    server.routes["/data/api/3/action/datastore_search"] = datastore_route(NAP6_STATUS)
    status = server.url(f"/data/api/3/action/datastore_search?resource_id={NAP6_RESOURCE}")
    schemas = shared_data / "canada-nap"
    src = Source(name="nap", kind="nap-tracker", path=schemas,
                 options={**FAST, "files": ["nap6_2025-2029.yaml"], "status": status})
    tables = nap_tracker.read(src)

    pages = [(r["offset"], r["limit"], r["resource_id"], r["sort"]) for r in server.requests]
    assert pages == [("0", "1000", NAP6_RESOURCE, "_id"), ("2", "1000", NAP6_RESOURCE, "_id"),
                     ("4", "1000", NAP6_RESOURCE, "_id")]
    rows = tables["milestone_status"].to_pylist()
    assert [(r["indicator_id"], r["reporting_period"], r["status_code"]) for r in rows] == [
        ("CA-NAP6-C01.1.1", "2025-12", "C"), ("CA-NAP6-C01.1.2", "2025-12", "SP"),
        ("CA-NAP6-C01.1.3", "2025-12", "NS"), ("CA-NAP6-C01.1.2", "2026-06", "C"),
        ("CA-NAP6-C01.2.1", "2026-06", "LP")]
    assert rows[0]["record_modified"].isoformat() == "2026-01-20T09:30:00"
    assert rows[4]["record_modified"] is None  # the published layout has no record_modified
    assert len(src.fetched) == 3 and all(f["url"].startswith(status) for f in src.fetched)

    # the same records from a file give the same tables
    (tmp_path / "status.json").write_text(json.dumps(NAP6_STATUS), encoding="utf-8")
    from_file = nap_tracker.read(Source(name="nap", kind="nap-tracker", path=schemas, options={
        "files": [str(schemas / "nap6_2025-2029.yaml")], "status": str(tmp_path / "status.json")}))
    assert from_file == tables


def test_datastore_paging_stops_short_and_refuses_a_wrong_resource(server):
    server.routes["/api/3/action/datastore_search"] = datastore_route(NAP6_STATUS, total=6)
    url = server.url(f"/api/3/action/datastore_search?resource_id={NAP6_RESOURCE}&limit=3")
    src = Source(name="status", kind="nap-tracker", options=FAST)
    with pytest.raises(IngestError, match="said total 6 but its pages ran out after 5 records") as err:
        list(datastore.records(src, url))
    assert err.value.file == url
    assert [r["offset"] for r in server.requests] == ["0", "2", "4", "5"]  # follows what came, not what it asked

    wrong = server.url("/api/3/action/datastore_search?resource_id=0305a157-9d10-4ec2-8ca4-e39ab2b34396")
    with pytest.raises(IngestError, match="HTTP 404 Not Found") as err:
        list(datastore.records(src, wrong))
    assert err.value.value["__type"] == "Not Found Error"
    with pytest.raises(IngestError, match=r"needs \?resource_id="):
        list(datastore.records(src, server.url("/api/3/action/datastore_search")))


# -- the retry policy -----------------------------------------------------------------------------------------


def test_503_then_429_with_retry_after_are_retried(server):
    body = LEARNING.read_bytes()

    def flaky(handler, hit):
        if hit == 1:
            return handler.send(503, b"Service Unavailable", "text/plain")
        handler.send(200, body)

    def rate_limited(handler, hit):
        if hit == 1:
            return handler.send(429, b"Too Many Requests", "text/plain", headers={"Retry-After": "1"})
        handler.send(200, body)

    server.routes["/flaky.csv"] = flaky
    server.routes["/limited.csv"] = rate_limited
    assert learning.read(source("learning", server.url("/flaky.csv")))["learning_events"].num_rows == 3
    assert server.hits["/flaky.csv"] == 2
    started = time.monotonic()
    assert learning.read(source("learning", server.url("/limited.csv")))["learning_events"].num_rows == 3
    waited = time.monotonic() - started
    assert server.hits["/limited.csv"] == 2
    assert 0.9 <= waited < 3  # the server's Retry-After: 1, not the 0.01 s backoff


def test_a_5xx_that_persists_fails_after_the_retries(server):
    server.routes["/down.csv"] = lambda handler, hit: handler.send(502, b"Bad Gateway", "text/plain")
    with pytest.raises(IngestError) as err:
        learning.read(source("learning", server.url("/down.csv")))
    assert str(err.value) == (f"source 'live-learning' (learning), file {server.url('/down.csv')}, value "
                              f"'Bad Gateway': HTTP 502 Bad Gateway after 3 tries")
    assert server.hits["/down.csv"] == 3


def test_a_429_that_persists_names_the_status_and_tries(server):
    server.routes["/busy.csv"] = lambda handler, hit: handler.send(429, b"slow down", "text/plain",
                                                                  headers={"Retry-After": "0"})
    with pytest.raises(IngestError, match="HTTP 429 Too Many Requests after 2 tries") as err:
        learning.read(source("learning", server.url("/busy.csv"), retries=1))
    assert err.value.value == "slow down" and server.hits["/busy.csv"] == 2


def test_a_gzip_encoded_answer_is_read_decoded(server):
    import gzip

    body = LEARNING.read_bytes()
    packed = gzip.compress(body)
    server.routes["/events.csv"] = lambda handler, hit: handler.send(200, packed,
                                                                     headers={"Content-Encoding": "gzip"})
    src = source("learning", server.url("/events.csv"))
    assert learning.read(src)["learning_events"].num_rows == 3
    assert (src.fetched[0]["bytes"], src.fetched[0]["sha256"]) == (len(body), hashlib.sha256(body).hexdigest())


def test_retry_options_are_checked():
    with pytest.raises(IngestError, match="option retries must be a whole number >= 0") as err:
        http.policy(Source(name="s", kind="learning", options={"retries": 1.5}))
    assert (err.value.column, err.value.value) == ("retries", 1.5)
    with pytest.raises(IngestError, match="option max_mb must be a number > 0"):
        http.policy(Source(name="s", kind="learning", options={"max_mb": 0}))
    assert http.policy(Source(name="s", kind="learning")) == http.Policy(30.0, 3, 0.5, 200_000_000)


# -- failures: clear errors, earlier snapshots untouched --------------------------------------------------------


def _hash_snapshots(root: Path) -> dict[str, str]:
    """Every file of every published snapshot folder (not the build's lock or staging folders)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}


def _truncated(body: bytes):
    return lambda handler, hit: handler.send(200, body[: len(body) // 2], length=len(body))


def _html_error_page(handler, hit):
    handler.send(200, b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Maintenance</title></head>"
                      b"<body>The portal is down for maintenance.</body></html>", "text/html; charset=utf-8")


def _html_as_csv(handler, hit):
    handler.send(200, b"\n  <html><body>Sign in to continue</body></html>", "text/csv")


LIMIT = "max_mb = 0.05\n"  # 50,000 bytes: the real report (70,926 bytes) is over it

FAILURES = {
    "truncated": ("/report.csv", _truncated, "", "the download was cut short: the connection closed after "
                                                 "35,463 of the 70,926 bytes its Content-Length announced arrived"),
    "404": ("/gone.csv", None, "", "HTTP 404 Not Found"),
    "html page": ("/report.csv", lambda body: _html_error_page, "",
                  "the answer is not a CSV file but an HTML page (content type 'text/html; charset=utf-8')"),
    "html sent as csv": ("/report.csv", lambda body: _html_as_csv, "",
                         "the answer is not a CSV file but an HTML page (content type 'text/csv')"),
    "oversize": ("/report.csv", lambda body: serve_file_bytes(body), LIMIT,
                 "the answer is 0.0709 MB, larger than the limit of 0.05 MB (option max_mb)"),
    "oversize, no length": ("/report.csv", lambda body: lambda h, hit: h.send_chunked(body), LIMIT,
                            "the answer is larger than the limit of 0.05 MB (option max_mb)"),
}


def serve_file_bytes(body: bytes):
    return lambda handler, hit: handler.send(200, body)


@pytest.mark.shared
@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_download_fails_the_build_and_leaves_snapshots_byte_identical(server, shared_data, tmp_path,
                                                                                  failure):
    body = (shared_data / "open-canada" / "corporate_report.csv").read_bytes()
    server.routes["/good/corporate_report.csv"] = serve_file_bytes(body)
    good = tmp_path / "good.toml"
    good.write_text(f'[[source]]\nname = "metrics"\nkind = "portal-metrics"\n'
                    f'url = "{server.url("/good/corporate_report.csv")}"\nbackoff = 0.01\n', encoding="utf-8")
    data_dir = tmp_path / "data"
    first = publish.build(good, data_dir)
    root = snapshots.snapshots_dir(data_dir)
    before = _hash_snapshots(root)

    path, make_route, options, says = FAILURES[failure]
    if make_route is not None:
        server.routes[path] = make_route(body)
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[[source]]\nname = "metrics"\nkind = "portal-metrics"\nurl = "{server.url(path)}"\n'
                   f'backoff = 0.01\n{options}', encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(IngestError) as err:
        publish.build(bad, data_dir)
    assert time.monotonic() - started < 3
    message = str(err.value)
    assert message.startswith(f"source 'metrics' (portal-metrics), file {server.url(path)}")
    assert says in message
    assert _hash_snapshots(root) == before  # every earlier snapshot byte-identical
    assert snapshots.list_snapshots(data_dir) == [first.id]
    assert not list(root.glob(".staging-*"))


def test_a_bad_row_in_a_downloaded_file_names_the_url_and_row(server):
    text = LEARNING.read_text(encoding="utf-8").replace(",130,", ",about 130,")
    server.routes["/events.csv"] = lambda handler, hit: handler.send(200, text.encode())
    with pytest.raises(IngestError) as err:
        learning.read(source("learning", server.url("/events.csv")))
    assert (err.value.file, err.value.row, err.value.column, err.value.value) == (
        server.url("/events.csv"), 3, "learners", "about 130")
    assert "ogdash-download-" not in str(err.value)


def test_unreachable_and_slow_servers_are_named(server):
    def slow(handler, hit):
        time.sleep(0.6)
        handler.send(200, b"period\n")

    server.routes["/slow.csv"] = slow
    with pytest.raises(IngestError, match=r"no answer within 0.2 s after 2 tries"):
        learning.read(source("learning", server.url("/slow.csv"), timeout=0.2, retries=1))
    with pytest.raises(IngestError, match=r"connection failed \(NewConnectionError\) after 2 tries"):
        learning.read(source("learning", "http://127.0.0.1:9/events.csv", retries=1))


# -- the sources file ----------------------------------------------------------------------------------------------


def test_sources_file_url_rules(tmp_path):
    def load(body: str):
        config = tmp_path / "sources.toml"
        config.write_text(body, encoding="utf-8")
        return load_sources(config)

    sources = load('[[source]]\nname = "ogp"\nkind = "ogp-export"\nurl = "https://example.org/export.csv"\n')
    assert (sources[0].url, sources[0].path) == ("https://example.org/export.csv", None)
    with pytest.raises(IngestError, match="kind reference reads only a path") as err:
        load('[[source]]\nname = "facts"\nkind = "reference"\nurl = "https://example.org/reference/"\n')
    assert err.value.column == "url"
    with pytest.raises(IngestError, match="give a path or a url, not both"):
        load('[[source]]\nname = "ogp"\nkind = "ogp-export"\npath = "x.csv"\nurl = "https://example.org/x.csv"\n')
    with pytest.raises(IngestError, match="url must be an http:// or https:// address"):
        load('[[source]]\nname = "ogp"\nkind = "ogp-export"\nurl = "ftp://example.org/x.csv"\n')


def test_the_live_sources_file_loads():
    live = load_sources(BUNDLED_DIR / "sources.live.toml")
    assert [(s.name, s.kind) for s in live] == [
        ("reference", "reference"), ("canada-nap", "nap-tracker"), ("open-canada", "ckan"),
        ("donneesquebec", "ckan"), ("open-canada-metrics", "portal-metrics")]
    assert all(s.url.startswith("https://") for s in live if s.path is None)
    status = live[1].options["status"]["nap6"]
    assert datastore.is_datastore_url(status) and status.endswith(f"?resource_id={NAP6_RESOURCE}")


def package_search_route(packages: list[dict], *, page_cap: int = 100):
    def route(handler: Handler, hit: int):
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        start, rows = int(query.get("start", 0)), min(int(query.get("rows", 10)), page_cap)
        body = {"success": True, "result": {"count": len(packages), "results": packages[start:start + rows]}}
        handler.send(200, json.dumps(body).encode(), "application/json")

    return route


@pytest.mark.shared
def test_the_live_sources_file_builds_against_a_local_mirror(server, shared_data, tmp_path):
    """dashboard/bundled/sources.live.toml as it is, its hosts pointed at 127.0.0.1, each path served with real files."""
    live = (BUNDLED_DIR / "sources.live.toml").read_text(encoding="utf-8")
    nap, report = shared_data / "canada-nap", shared_data / "open-canada" / "corporate_report.csv"
    packages = json.loads((shared_data / "open-canada" / "freshness_tree_municipal_user.json")
                          .read_text(encoding="utf-8"))["packages"]
    tables = "/open-data/ckanext-canada/master/ckanext/canada/tables/"
    server.routes[tables + "nap5.yaml"] = serve_file(nap / "nap5_2022-2024.yaml", "text/plain")
    server.routes[tables + "nap6.yaml"] = serve_file(nap / "nap6_2025-2029.yaml", "text/plain")
    server.routes["/data/api/3/action/datastore_search"] = datastore_route(NAP6_STATUS)
    server.routes["/data/api/3/action/package_search"] = package_search_route(packages[:200])
    server.routes["/recherche/api/3/action/package_search"] = package_search_route(packages[200:])
    server.routes["/open-data/analytics-corporate-reporting/main/Corporate_reporting/open_data/"
                  "corporate_report.csv"] = serve_file(report, "text/plain")
    local, reference = server.url(""), BUNDLED_DIR / "reference"
    mirrored = (live.replace("https://raw.githubusercontent.com", local)
                .replace('url = "https://open.canada.ca/data"', f'url = "{local}/data"\nportal = "open.canada.ca"')
                .replace('url = "https://www.donneesquebec.ca/recherche"',
                         f'url = "{local}/recherche"\nportal = "donneesquebec.ca"')
                .replace("https://open.canada.ca", local)
                .replace('path = "reference"', f'path = "{reference}"'))
    assert "https://" not in "\n".join(line for line in mirrored.splitlines() if not line.lstrip().startswith("#"))
    config = tmp_path / "sources.live.toml"
    config.write_text(mirrored, encoding="utf-8")

    snap = publish.build(config, tmp_path / "data")
    sources = {s["name"]: s for s in snap.manifest["sources"]}
    assert list(sources) == ["reference", "canada-nap", "open-canada", "donneesquebec", "open-canada-metrics"]
    assert sources["canada-nap"]["rows"]["milestone_status"] == 5
    assert sources["canada-nap"]["rows"]["commitments"] == 9
    assert (sources["open-canada"]["rows"]["datasets"], sources["donneesquebec"]["rows"]["datasets"]) == (200, 85)
    assert sources["open-canada-metrics"]["rows"]["portal_metrics"] == 7 * 1021
    assert {r["path"] for r in server.requests} >= {tables + "nap5.yaml", tables + "nap6.yaml",
                                                   "/data/api/3/action/datastore_search"}

