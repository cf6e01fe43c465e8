"""Scaling out: two `ogdash serve --prod` instances behind nginx (deploy/nginx.conf, ports changed),
both serving one snapshot folder on loopback. Either may answer any request; /healthz says which."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import socket
import subprocess
import time

import pytest
import requests

from conftest import REPO, make_snapshot

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)),
                                       None)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx); "
                          "the two-instances-behind-a-proxy test needs it")

_spec = importlib.util.spec_from_file_location("loadtest", REPO / "scripts" / "loadtest.py")
loadtest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loadtest)

TEMPLATE = REPO / "deploy" / "nginx.conf"
FIRST = "20260101T000000Z"


def render(ports: tuple[int, int], listen: int) -> str:
    """Return deploy/nginx.conf with its instance and listening ports replaced, and nothing else."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for old in ("127.0.0.1:8051", "127.0.0.1:8052", "listen 127.0.0.1:8080;"):
        assert old in text, f"{TEMPLATE} no longer has {old!r}"
    return (text.replace("127.0.0.1:8051", f"127.0.0.1:{ports[0]}")
                .replace("127.0.0.1:8052", f"127.0.0.1:{ports[1]}")
                .replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{listen};"))


def _wrapper(tmp, include) -> str:
    """A minimal nginx.conf around the site file: everything nginx writes stays in `tmp`."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
        (tmp / sub).chmod(0o777)  # nginx's workers drop root privileges
    return f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {include};
}}
"""


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "nginx exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cluster-data")
    make_snapshot(data_dir, {"jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]},
        snapshot_id=FIRST)
    logs = tmp_path_factory.mktemp("cluster-logs")
    ports = (loadtest.free_port(), loadtest.free_port())
    instances = {}
    nginx = None
    try:
        for name, port in zip("ab", ports):
            log_file = open(logs / f"{name}.log", "w")
            instances[name] = loadtest.start_server(data_dir, port, log_file=log_file, env={
                "OGDASH_INSTANCE": name, "OGDASH_WORKERS": "1", "OGDASH_THREADS": "4"})
        for name, port in zip("ab", ports):
            assert loadtest.wait_healthy(f"http://127.0.0.1:{port}", instances[name])["instance"] == name
        conf_dir = tmp_path_factory.mktemp("nginx")
        listen = loadtest.free_port()
        (conf_dir / "ogdash.conf").write_text(render(ports, listen))
        (conf_dir / "nginx.conf").write_text(_wrapper(conf_dir, conf_dir / "ogdash.conf"))
        check = subprocess.run([NGINX, "-t", "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_port(listen, nginx)
        yield {"base": f"http://127.0.0.1:{listen}", "data_dir": data_dir, "instances": instances,
               "ports": ports, "nginx_log": conf_dir / "error.log"}
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)  # graceful
            try:
                nginx.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(nginx.pid, signal.SIGKILL)
        for proc in instances.values():
            loadtest.stop_server(proc)


def _health(base: str) -> dict:
    with requests.Session() as s:
        response = s.get(base + "/healthz", timeout=30, headers={"Connection": "close"})
    assert response.status_code == 200
    return response.json()


def test_both_instances_answer_through_the_proxy_and_serve_the_same_snapshot(cluster):
    answers = [_health(cluster["base"]) for _ in range(12)]
    assert {a["instance"] for a in answers} == {"a", "b"}
    assert {a["snapshot_id"] for a in answers} == {FIRST}


def test_pages_and_callbacks_work_whichever_instance_answers(cluster):
    page = requests.get(cluster["base"] + "/commitments", timeout=30)
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Server" not in page.headers or "nginx/" not in page.headers["Server"]  # server_tokens off
    site = loadtest.Site(cluster["base"], timeout=60)
    results = loadtest.Results()
    rng = random.Random(6)
    with requests.Session() as session:  # one keep-alive session: nginx spreads its requests anyway
        for _ in range(6):
            loadtest.page_view(site, session, rng, results, timeout=60)
    assert results.views == 6
    assert sum(results.errors.values()) == 0, results.error_samples
    assert len(results.latency["chart callback"]) > 0


def test_an_oversize_post_is_refused_by_the_proxy(cluster):
    response = requests.post(cluster["base"] + "/_dash-update-component", data=b"x" * (2 << 20), timeout=30,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_new_snapshot_is_served_by_both_instances(cluster):
    make_snapshot(cluster["data_dir"], {"jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]},
        snapshot_id="20260301T000000Z")
    answers = [_health(cluster["base"]) for _ in range(12)]
    assert {a["instance"] for a in answers} == {"a", "b"}
    assert {a["snapshot_id"] for a in answers} == {"20260301T000000Z"}


def test_when_one_instance_stops_the_other_serves_everything(cluster):
    loadtest.stop_server(cluster["instances"]["a"])
    answers = [_health(cluster["base"]) for _ in range(8)]
    assert {a["instance"] for a in answers} == {"b"}
    deps = requests.get(cluster["base"] + "/_dash-dependencies", timeout=30).json()
    router = next(d for d in deps if d["output"] == loadtest.ROUTER)
    for _ in range(4):  # POSTs too: retried on the other instance
        response = requests.post(cluster["base"] + loadtest.CALLBACK_PATH, timeout=60,
                                 json=loadtest.callback_request(router, ["/", ""]))
        assert response.status_code == 200
