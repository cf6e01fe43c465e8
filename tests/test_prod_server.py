"""`ogdash serve --prod` for real: gunicorn's threaded workers on loopback, production headers,
request limits, debug off, the health endpoint, and snapshots picked up without a restart."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
import requests

from dashboard import prod, snapshots, web

from bench import frontend, servers
from helpers import REPO, make_snapshot

FIRST = "20260101T000000Z"
TABLES = {
    "jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}],
    "commitments": [{"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
                     "cycle_end": 2020, "title_en": "Open contracts", "progress": "complete", "progress_rank": 3}],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`ogdash serve --prod` with two workers of two threads, on a free loopback port."""
    data_dir = tmp_path_factory.mktemp("prod-data")
    make_snapshot(data_dir, TABLES, snapshot_id=FIRST)
    port = servers.free_port()
    log_path = tmp_path_factory.mktemp("prod-log") / "server.log"
    with open(log_path, "w") as log_file:
        proc = servers.start_server(data_dir, port, log_file=log_file, env={
            "OGDASH_WORKERS": "2", "OGDASH_THREADS": "2", "OGDASH_INSTANCE": "prod-test",
            "OGDASH_ACCESS_LOG": "-"})
        base = f"http://127.0.0.1:{port}"
        try:
            servers.wait_healthy(base, proc)
            yield {"base": base, "proc": proc, "data_dir": data_dir, "log": log_path}
        finally:
            servers.stop_server(proc)
    assert proc.returncode == 0, log_path.read_text()[-2000:]


def _fresh_get(url: str, headers: dict | None = None) -> requests.Response:
    # A new connection each time, so the requests spread over the workers.
    with requests.Session() as s:
        return s.get(url, timeout=30, headers={"Connection": "close", **(headers or {})})


def test_options_are_sized_from_the_cpu_count_and_bind_loopback(monkeypatch):
    monkeypatch.delenv("OGDASH_WORKERS", raising=False)
    monkeypatch.delenv("OGDASH_THREADS", raising=False)
    monkeypatch.setattr(prod, "cpu_count", lambda: 2)
    opts = prod.options()
    assert opts["bind"] == "127.0.0.1:8050"
    assert (opts["worker_class"], opts["workers"], opts["threads"], opts["preload_app"]) == ("gthread", 2, 8, False)
    monkeypatch.setattr(prod, "cpu_count", lambda: 1)
    assert prod.options()["workers"] == 2  # one slow callback never holds up every visitor
    monkeypatch.setattr(prod, "cpu_count", lambda: 16)
    assert prod.options()["workers"] == 8  # capped: each worker holds its own app and DuckDB connections
    monkeypatch.setenv("OGDASH_WORKERS", "3")
    assert prod.options()["workers"] == 3


def test_gunicorn_runs_the_requested_workers_and_health_names_the_instance(server):
    workers = servers.children(server["proc"].pid)
    assert len(workers) == 2
    health = _fresh_get(server["base"] + "/healthz").json()
    assert health["status"] == "ok" and health["snapshot_id"] == FIRST
    assert health["instance"] == "prod-test" and health["pid"] in workers
    assert 0 <= health["snapshot_age_seconds"] < 3600
    # gunicorn answers (its workers are counted above), without naming itself: web.SERVER_HEADER
    assert _fresh_get(server["base"] + "/healthz").headers.get("Server") == "ogdash"


def test_pages_carry_the_security_headers_and_are_compressed(server):
    response = _fresh_get(server["base"] + "/commitments", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Content-Encoding"] == "gzip"
    csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["default-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    # Every inline script in the page is allowed by its hash, and nothing else inline is.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", response.text, re.S)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline
              if s.strip() and "alert(\"Dash v2.7+" not in s}  # that one sits in an IE-only comment
    assert hashes and hashes <= set(csp["script-src"].split())
    for path in ("/_dash-layout", "/_dash-dependencies", "/assets/10-app.css"):
        assert "frame-ancestors 'none'" in _fresh_get(server["base"] + path).headers["Content-Security-Policy"]


def test_debug_and_dev_tools_are_off(server):
    page = _fresh_get(server["base"] + "/").text
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["ui"] is False and config["props_check"] is False
    reload = _fresh_get(server["base"] + "/_reload-hash")
    assert reload.status_code == 404 or reload.json().get("reloadHash") is None  # no hot reload
    broken = requests.post(server["base"] + "/_dash-update-component", json={"output": "nope.children"}, timeout=30)
    assert broken.status_code == 400 and "Traceback" not in broken.text


def test_oversize_requests_are_refused(server):
    big = b"x" * (web.MAX_REQUEST_BYTES + 1)
    sized = requests.post(server["base"] + "/_dash-update-component", data=big, timeout=30,
                          headers={"Content-Type": "application/json"})
    assert sized.status_code == 413

    def chunks():
        for _ in range(3):
            yield b"[" * (web.MAX_REQUEST_BYTES // 2)

    chunked = requests.post(server["base"] + "/_dash-update-component", data=chunks(), timeout=30,
                            headers={"Content-Type": "application/json"})
    assert chunked.status_code == 411  # no length, not read
    long_line = _fresh_get(server["base"] + "/?q=" + "a" * 10000)
    assert long_line.status_code in (400, 414)
    assert _fresh_get(server["base"] + "/healthz").status_code == 200


def test_callbacks_answer_through_gunicorn(server):
    deps = _fresh_get(server["base"] + "/_dash-dependencies").json()
    router = next(d for d in deps if d["output"] == frontend.ROUTER)
    answer = requests.post(server["base"] + frontend.CALLBACK_PATH, timeout=30,
                           json=frontend.callback_request(router, ["/commitments", "?lang=fr"]))
    assert answer.status_code == 200
    layout = answer.json()["response"]["_pages_content"]["children"]
    calls = frontend.store_callbacks(deps, layout)
    assert any("chart" in match for _, match, _ in calls)
    for dep, match, values in calls:
        response = requests.post(server["base"] + frontend.CALLBACK_PATH, timeout=60,
                                 json=frontend.callback_request(dep, values, match=match))
        assert response.status_code in (200, 204), (dep["output"][:80], response.text[:300])


def test_a_new_snapshot_reaches_every_worker_without_a_restart(server):
    newer = make_snapshot(server["data_dir"], TABLES, snapshot_id="20260301T000000Z")
    seen = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(seen) < 2:
        health = _fresh_get(server["base"] + "/healthz").json()
        assert health["snapshot_id"] == newer.id  # never the old one once the new is published
        seen[health["pid"]] = health["snapshot_id"]
    assert len(seen) == 2, "both workers answered"

    # A newer broken one is refused by every worker, logged, and the good one stays served.
    broken = make_snapshot(server["data_dir"], TABLES, snapshot_id="20260401T000000Z")
    path = broken.table_path("commitments")
    path.write_bytes(path.read_bytes()[:-10])
    seen = {}
    while time.monotonic() < deadline + 30 and len(seen) < 2:
        health = _fresh_get(server["base"] + "/healthz").json()
        assert (health["snapshot_id"], health["refused_snapshots"]) == (newer.id, [broken.id])
        seen[health["pid"]] = True
    assert len(seen) == 2
    log = server["log"].read_text()
    assert f"refusing snapshot {broken.id}" in log and "checksum mismatch" in log
    assert snapshots.list_snapshots(server["data_dir"])[-1] == broken.id


def test_sigterm_stops_the_server_gracefully(tmp_path):
    make_snapshot(tmp_path, TABLES, snapshot_id=FIRST)
    port = servers.free_port()
    with open(tmp_path / "server.log", "w") as log_file:
        proc = servers.start_server(tmp_path, port, log_file=log_file, env={"OGDASH_WORKERS": "1"})
        try:
            servers.wait_healthy(f"http://127.0.0.1:{port}", proc)
            workers = servers.children(proc.pid)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
            assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)


def test_serve_refuses_to_start_without_a_verified_snapshot(tmp_path):
    import subprocess
    import sys

    snapshots.snapshots_dir(tmp_path).mkdir(parents=True)
    run = subprocess.run([sys.executable, "-m", "dashboard.cli", "serve", "--prod", "--data-dir", str(tmp_path),
                          "--port", str(servers.free_port())], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "no verified snapshot" in run.stderr


def test_static_files_are_compressed_once_and_callbacks_never_kept():
    from dashboard.web import StaticCompressionCache, _static_cache_key

    class Req:
        def __init__(self, method, path, full_path):
            self.method, self.path, self.full_path = method, path, full_path

    js = _static_cache_key(Req("GET", "/_dash-component-suites/plotly/package_data/plotly.min.js",
                               "/_dash-component-suites/plotly/package_data/plotly.min.js?"))
    callback = _static_cache_key(Req("POST", "/_dash-update-component", "/_dash-update-component?"))
    page = _static_cache_key(Req("GET", "/commitments", "/commitments?lang=fr"))
    cache = StaticCompressionCache(max_bytes=10)
    for key in (js, callback, page):
        cache.set(f"zstd;{key}", b"12345")
    assert cache.get(f"zstd;{js}") == b"12345"
    assert cache.get(f"br;{js}") is None  # per algorithm
    assert cache.get(f"zstd;{callback}") is None and cache.get(f"zstd;{page}") is None
    cache.set("zstd;static:/assets/big.css", b"x" * 20)  # over the bound: not kept
    assert cache.get("zstd;static:/assets/big.css") is None


def test_the_compressed_plotly_bundle_is_served_the_same_twice(tmp_path, monkeypatch):
    make_snapshot(tmp_path, {})
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    from dashboard.app import create_app

    client = create_app(tmp_path).server.test_client()
    url = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    second = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.data == second.data
    import gzip
    assert gzip.decompress(second.data).startswith(b"/**") or len(gzip.decompress(second.data)) > 1_000_000
    index = client.get("/").get_data(as_text=True)
    assert f'<link rel="preload" href="{url}" as="script">' in index
