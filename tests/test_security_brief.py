"""The briefing route under attack: a forged Host, pages that reach for other local services or never finish,
eight PDFs at once, data that would break the page's embedded JSON, absent snapshots, and the Server header.

The fast tests use the Flask test client on a hostile snapshot (tests/hostile_data.py). Those marked `browser`
drive the system Chromium: through chromium.print_pdf against small local servers, and through a real
`ogdash serve` (gunicorn, one worker of eight threads) whose neighbour on 127.0.0.1 must receive nothing.
"""

from __future__ import annotations

import concurrent.futures
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

import hostile_data as hostile
from dashboard import brief, chromium, printing
from helpers import REPO

BROWSER = pytest.mark.skipif(chromium.print_problem() is not None, reason=f"cannot print: {chromium.print_problem()}")
SCRIPT_JSON = re.compile(r'<script type="application/json" id="[^"]*">(.*?)</script>', re.S)


# ---------------------------------------------------------------- helpers

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Recorder(http.server.ThreadingHTTPServer):
    """A local HTTP server that answers every request with `pages[path]` (or a secret) and records it."""

    daemon_threads = True

    def __init__(self, pages: dict | None = None):
        self.hits: list[str] = []
        self.pages = pages or {}
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                recorder.hits.append(self.path)
                page = recorder.pages.get(self.path.split("?")[0])
                if callable(page):
                    page(self)
                    return
                status, kind, body = page or (200, "text/plain", b"SECRET-FROM-THE-NEIGHBOUR")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_port}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def _get(url: str, headers: dict | None = None, timeout: float = 120):
    """Return (status, headers, body, seconds) of a GET."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read(), time.monotonic() - started


def _pdf_links(pdf: bytes) -> list[str]:
    """Return the URIs of a PDF's link annotations, in plain and in Flate-compressed objects."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return [uri.decode("latin-1") for chunk in chunks for uri in re.findall(rb"/URI\s*\(([^)]*)\)", chunk)]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("hostile-brief")
    hostile.write(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def site(hostile_dir):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(hostile_dir))
        from dashboard.app import create_app

        app = create_app(hostile_dir)
        yield app


@pytest.fixture
def client(site, hostile_dir, monkeypatch, tmp_path):
    """The test client, with a (fake) Chromium and a print address, so that the PDF route gets past its checks."""
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\nexit 0\n")
    chromium.chmod(0o755)
    monkeypatch.setenv("OGDASH_DATA_DIR", str(hostile_dir))
    monkeypatch.setenv("OGDASH_CHROMIUM", str(chromium))
    monkeypatch.setenv("OGDASH_PRINT_URL", f"http://127.0.0.1:{_free_port()}")
    site.server.config.pop("OGDASH_PRINT_URL", None)
    return site.server.test_client()


def _fake_print(calls: list):
    def fake(url, out):
        calls.append(url)
        Path(out).write_bytes(b"%PDF-1.4 fake")
        return Path(out)
    return fake


# ---------------------------------------------------------------- embedded JSON (no browser)

@pytest.mark.parametrize("path", ["/brief/training", "/brief/commitments", "/brief/datasets", "/brief/commitment/ca-1",
                                  "/brief/overview?lang=fr"])
def test_hostile_text_cannot_break_the_briefings_json(client, path):
    answer = client.get(path)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    blocks = SCRIPT_JSON.findall(page)
    assert blocks and page.count('type="application/json"') == len(blocks)  # each block ends where it should
    for block in blocks:
        assert not set(block) & set("<>&"), block[:200]
        json.loads(block)
    for text in (hostile.COMMENT, hostile.LINK, hostile.SPAN, hostile.SCRIPT):
        assert text not in page  # neither in the JSON nor in the tables and sentences (escaped there)


def test_the_hostile_organizer_reaches_the_briefing_as_text(client):
    page = client.get("/brief/training").get_data(as_text=True)
    figures = [json.loads(block)["figure"] for block in SCRIPT_JSON.findall(page)]
    labels = [y for fig in figures for trace in fig["data"] for y in trace.get("y") or [] if isinstance(y, str)]
    assert "&lt;!--&lt;script&gt;" in labels  # the organizer '<!--<script>', as Plotly text
    assert "&lt;!--&lt;script&gt;" in page  # and in the data table, escaped as HTML


def test_html_json_reads_back_unchanged():
    payload = {"a": "<!--<script></script>&amp;\u2028\u2029", "b": [1, 2.5, None, True]}
    text = brief.html_json(payload)
    assert not set(text) & set("<>&\u2028\u2029")
    assert json.loads(text) == payload


def test_the_offline_bundle_escapes_its_data_and_title(hostile_dir, tmp_path, monkeypatch):
    from dashboard import export_site

    monkeypatch.setenv("OGDASH_DATA_DIR", str(hostile_dir))
    playlist = tmp_path / "hostile.toml"
    playlist.write_text('title = "Brief </title><script>alert(1)</script>"\ninterval = 20\n\n'
                        '[[slide]]\nview = "/training"\nchart = "training-by-organizer"\n', encoding="utf-8")
    index = export_site.export(playlist, tmp_path / "out", data_dir=hostile_dir)
    html_text = index.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html_text and "&lt;/title&gt;&lt;script&gt;" in html_text
    script = (tmp_path / "out" / "data" / "slides.js").read_text(encoding="utf-8")
    assert not set(script.removeprefix("window.OGDASH_SHOW = ")) & set("<>&")
    show = json.loads(script.removeprefix("window.OGDASH_SHOW = ").rstrip().rstrip(";"))
    assert show == json.loads((tmp_path / "out" / "data" / "slides.json").read_text(encoding="utf-8"))
    labels = show["slides"][0]["en"]["figure"]["data"][0]["y"]
    assert "&lt;!--&lt;script&gt;" in labels  # the organizer, as text in the chart


# ---------------------------------------------------------------- snapshots that are not there

def test_an_absent_snapshot_is_a_404_not_a_500(client, monkeypatch):
    calls = []
    monkeypatch.setattr(brief, "print_pdf", _fake_print(calls))
    for path in ("/brief/overview?snapshot=20990101T000000Z", "/brief/overview/pdf?snapshot=20990101T000000Z",
                 "/brief/commitment/ca-1?snapshot=20990101T000000Z-x",
                 "/brief/commitment/ca-1/pdf?snapshot=20990101T000000Z"):
        assert client.get(path).status_code == 404, path
    assert calls == []  # nothing was printed for them
    for path in ("/brief/overview?snapshot=20240601T000000Z%0A", "/brief/overview/pdf?snapshot=20240601T000000Z%0A"):
        assert client.get(path).status_code in (200, 404), path  # never a 500; read as no snapshot, or refused
    assert client.get("/brief/overview?snapshot=20240601T000000Z").status_code == 200


# ---------------------------------------------------------------- one or two prints at a time (no browser)

def test_a_busy_server_answers_503_at_once_with_retry_after(client, monkeypatch):
    calls = []
    monkeypatch.setattr(brief, "print_pdf", _fake_print(calls))
    base = brief.print_base()
    with chromium.print_slot(base) as first, chromium.print_slot(base) as second:
        assert first and second
        started = time.monotonic()
        answer = client.get("/brief/training/pdf?lang=fr")
        assert time.monotonic() - started < 1.0
        assert answer.status_code == 503 and answer.headers["Retry-After"] == str(brief.BUSY_RETRY_AFTER)
        assert answer.get_data(as_text=True) == "Le serveur imprime d’autres notes d’information. " \
                                                "Réessayez dans un moment.\n"
        assert calls == []
    answer = client.get("/brief/training/pdf")
    assert answer.status_code == 200 and calls == [f"{base}/brief/training"]
    with chromium.print_slot(base) as again, chromium.print_slot(base) as and_again:
        assert again and and_again  # the route gave its slot back


def test_print_slots_are_shared_by_every_worker_process(tmp_path):
    base = f"http://127.0.0.1:{_free_port()}"
    ready = tmp_path / "holding"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, pathlib; from dashboard import chromium\n"
         "with chromium.print_slot(sys.argv[1]) as held:\n"
         "    pathlib.Path(sys.argv[2]).write_text(str(held)); time.sleep(60)", base, str(ready)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.read_text() == "True"
        with chromium.print_slot(base) as mine:
            assert mine
            with chromium.print_slot(base) as none_left:
                assert not none_left  # PRINT_SLOTS = 2: one in the other process, one here
    finally:
        holder.kill()
        holder.wait(10)
    with chromium.print_slot(base) as first, chromium.print_slot(base) as second:
        assert first and second  # a process that dies frees its slot


# ---------------------------------------------------------------- Chromium loads nothing but its own origin

PAGE_THAT_REACHES_OUT = """<!doctype html><html><head><title>reach</title>
<link rel="stylesheet" href="{other}/style.css"><link rel="prefetch" href="{other}/prefetch">
<style>@import url("{other}/import.css"); body {{ background: url("{other}/background.png"); }}</style>
<script src="{other}/script.js"></script></head>
<body data-ready="0"><img src="{other}/image.png"><img src="/redirect?to=image"><img src="/own.png">
<iframe src="{other}/frame"></iframe><iframe src="/redirect?to=frame"></iframe>
<object data="{other}/object"></object><video src="{other}/video.mp4"></video>
<script>
  const other = "{other}";
  fetch(other + "/fetch").catch(() => {{}});
  fetch("/redirect?to=fetch").catch(() => {{}});
  navigator.sendBeacon(other + "/beacon", "x");
  try {{ new EventSource(other + "/events"); }} catch (e) {{}}
  try {{ new WebSocket(other.replace("http", "ws") + "/socket"); }} catch (e) {{}}
  const x = new XMLHttpRequest(); x.open("GET", other + "/xhr"); x.send();
  try {{ navigator.serviceWorker.register("/worker.js"); }} catch (e) {{}}
  window.open(other + "/popup");
  setTimeout(() => {{ document.body.dataset.ready = "1"; }}, 1500);
</script></body></html>"""


def _redirect_to(other: str):
    def answer(handler):
        target = handler.path.split("to=")[-1]
        handler.send_response(302)
        handler.send_header("Location", f"{other}/via-redirect-{target}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


@pytest.mark.browser
@BROWSER
def test_chromium_loads_nothing_but_the_origin_it_prints(tmp_path):
    with _Recorder() as neighbour, _Recorder() as own:
        own.pages.update({
            "/brief": (200, "text/html", PAGE_THAT_REACHES_OUT.format(other=neighbour.url).encode()),
            "/own.png": (200, "image/gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
            "/redirect": _redirect_to(neighbour.url),
            "/worker.js": (200, "application/javascript", b"self.onfetch = () => {};"),
        })
        out = chromium.print_pdf(own.url + "/brief", tmp_path / "reach.pdf")
        assert out.read_bytes().startswith(b"%PDF")
        time.sleep(0.5)  # anything that slipped through would have landed by now
        assert neighbour.hits == []
        assert "/own.png" in own.hits  # its own origin is loaded, redirects to elsewhere included (and refused)
        assert sorted(h for h in own.hits if h.startswith("/redirect")) == ["/redirect?to=fetch", "/redirect?to=frame",
                                                                            "/redirect?to=image"]


@pytest.mark.browser
@BROWSER
def test_a_print_works_where_an_event_loop_runs(tmp_path):
    """A notebook (or a process already driving a browser) runs an event loop, where Playwright's sync API refuses."""
    import asyncio
    import concurrent.futures

    page = b"<!doctype html><html><body data-ready='1'><p>ready</p></body></html>"
    with _Recorder({"/brief": (200, "text/html", page)}) as own:
        async def from_a_running_loop():
            asyncio.get_running_loop()  # the loop runs here, as in a notebook's cell
            return chromium.print_pdf(own.url + "/brief", tmp_path / "loop.pdf")

        # A thread of its own, so the test does not depend on whether this one already runs a loop.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            out = pool.submit(asyncio.run, from_a_running_loop()).result(timeout=120)
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.browser
@BROWSER
def test_a_page_that_never_finishes_is_dropped_at_the_timeout(tmp_path):
    assert chromium.PRINT_TIMEOUT_MS <= 45_000
    never = b"<!doctype html><html><body data-ready='0'><p>drawing forever</p></body></html>"
    with _Recorder({"/brief": (200, "text/html", never)}) as own:
        started = time.monotonic()
        with pytest.raises(chromium.BriefFailed, match="not ready within 4 s"):
            chromium.print_pdf(own.url + "/brief", tmp_path / "never.pdf", timeout_ms=4000)
        assert time.monotonic() - started < 20  # the whole print, Chromium's start included
    assert not (tmp_path / "never.pdf").exists()


@pytest.mark.browser
@BROWSER
def test_a_briefing_of_hostile_data_becomes_ready_and_prints(hostile_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("OGDASH_PRINT_URL", raising=False)
    started = time.monotonic()
    out = printing.generate("/commitments", tmp_path / "hostile.pdf", data_dir=hostile_dir)
    assert time.monotonic() - started < chromium.PRINT_TIMEOUT_MS / 1000 + 30
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    links = _pdf_links(pdf)
    assert any(link.endswith("/commitments") for link in links), links  # the "reproduce this view" link
    assert not [link for link in links if "evil.example" in link]  # the name's <a href> is text, not a link


# ---------------------------------------------------------------- a real server: forged Host, eight PDFs at once

@pytest.fixture(scope="module")
def served(hostile_dir, tmp_path_factory):
    """`ogdash serve` (gunicorn: one worker, eight threads) on the hostile snapshot, printing from its own address."""
    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("OGDASH_PRINT_URL", "OGDASH_PUBLIC_URL")}
    env.update(PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1", OGDASH_WORKERS="1", OGDASH_THREADS="8")
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--data-dir", str(hostile_dir),
                                    "--port", str(port)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited {process.returncode}: {log.read_text()[-2000:]}")
            try:
                if _get(url + "/healthz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"serve did not answer: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.mark.browser
@BROWSER
def test_a_forged_host_reaches_no_other_local_service(served):
    url, _log = served
    with _Recorder() as neighbour:
        forged = neighbour.url.removeprefix("http://")
        status, headers, body, _took = _get(url + "/brief/datasets/pdf", headers={
            "Host": forged, "X-Forwarded-Host": forged, "X-Forwarded-Proto": "http",
            "Forwarded": f"host={forged};proto=http", "X-Forwarded-For": "127.0.0.1"})
        assert status == 200 and body.startswith(b"%PDF"), body[:300]
        assert neighbour.hits == []
    assert b"SECRET-FROM-THE-NEIGHBOUR" not in body


@pytest.mark.browser
@BROWSER
def test_eight_pdfs_at_once_leave_the_server_answering(served):
    url, log = served
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        pdfs = [pool.submit(_get, f"{url}/brief/{page}/pdf", timeout=chromium.PRINT_TIMEOUT_MS / 1000 + 60)
                for page in ("overview", "training", "datasets", "commitments") * 2]
        polls = []
        while not all(f.done() for f in pdfs) or not polls:
            for path in ("/healthz", "/"):
                status, _headers, _body, took = _get(url + path, timeout=10)
                polls.append((path, status, round(took, 2)))
            time.sleep(0.3)
        answers = [f.result() for f in pdfs]
    assert [p for p in polls if p[1] != 200 or p[2] >= 2.0] == [], polls  # /healthz and / under 2 s throughout
    refused = [a for a in answers if a[0] == 503]
    printed = [a for a in answers if a[0] == 200]
    assert len(printed) + len(refused) == 8 and 1 <= len(printed) <= chromium.PRINT_SLOTS, [a[0] for a in answers]
    assert all(a[2].startswith(b"%PDF") for a in printed)
    for status, headers, body, took in refused:
        assert headers["Retry-After"] == str(brief.BUSY_RETRY_AFTER) and took < 2.0
        assert body == b"The server is printing other briefings. Try again in a moment.\n"
    assert "Traceback" not in log.read_text()


def test_no_response_names_the_server_software(served):
    url, _log = served
    for path in ("/healthz", "/", "/brief/overview", "/nowhere"):
        assert _get(url + path, timeout=30)[1]["Server"] == "ogdash", path


def test_the_development_server_names_no_software_either(hostile_dir, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "OGDASH_PRINT_URL"}
    with open(tmp_path / "dev.log", "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--dev", "--data-dir",
                                    str(hostile_dir), "--port", str(port)], cwd=REPO,
                                   env={**env, "PYTHONPATH": str(REPO)}, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = _get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "dev.log").read_text()
                time.sleep(0.3)
        assert answer[0] == 200 and answer[1]["Server"] == "ogdash"
        assert _get(f"http://127.0.0.1:{port}/nowhere", timeout=30)[1]["Server"] == "ogdash"
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the reloader's child is in the same new session
        process.wait(30)
    with printing.temporary_server(hostile_dir) as base:
        assert _get(base + "/healthz", timeout=30)[1]["Server"] == "ogdash"
