"""Scaling out: two `ogdash serve --prod` instances behind nginx (deploy/nginx.conf, ports changed),
both serving one snapshot folder on loopback. Either may answer any request; /healthz says which."""

from __future__ import annotations

import os
import random
import signal
import subprocess

import pytest
import requests

from bench import frontend, loadtest, servers
from helpers import make_snapshot
from helpers.nginx import NGINX, render, wait_port, wrapper

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx); "
                          "the two-instances-behind-a-proxy test needs it")

FIRST = "20260101T000000Z"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cluster-data")
    make_snapshot(data_dir, {"jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]},
        snapshot_id=FIRST)
    logs = tmp_path_factory.mktemp("cluster-logs")
    ports = (servers.free_port(), servers.free_port())
    instances = {}
    nginx = None
    try:
        for name, port in zip("ab", ports):
            log_file = open(logs / f"{name}.log", "w")
            instances[name] = servers.start_server(data_dir, port, log_file=log_file, env={
                "OGDASH_INSTANCE": name, "OGDASH_WORKERS": "1", "OGDASH_THREADS": "4"})
        for name, port in zip("ab", ports):
            assert servers.wait_healthy(f"http://127.0.0.1:{port}", instances[name])["instance"] == name
        conf_dir = tmp_path_factory.mktemp("nginx")
        listen = servers.free_port()
        (conf_dir / "ogdash.conf").write_text(render(ports, listen))
        (conf_dir / "nginx.conf").write_text(wrapper(conf_dir, conf_dir / "ogdash.conf"))
        check = subprocess.run([NGINX, "-t", "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_port(listen, nginx)
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
            servers.stop_server(proc)


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
    servers.stop_server(cluster["instances"]["a"])
    answers = [_health(cluster["base"]) for _ in range(8)]
    assert {a["instance"] for a in answers} == {"b"}
    deps = requests.get(cluster["base"] + "/_dash-dependencies", timeout=30).json()
    router = next(d for d in deps if d["output"] == frontend.ROUTER)
    for _ in range(4):  # POSTs too: retried on the other instance
        response = requests.post(cluster["base"] + frontend.CALLBACK_PATH, timeout=60,
                                 json=frontend.callback_request(router, ["/", ""]))
        assert response.status_code == 200
