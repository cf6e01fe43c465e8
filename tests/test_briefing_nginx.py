"""The briefing button behind deploy/nginx.conf on a port other than 80: the PDF prints, because the server's
Chromium loads the briefing from the server's own loopback address, whatever Host the proxy passes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from bench import servers
from helpers import REPO
from helpers.nginx import NGINX, render, wait_port, wrapper

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx)")]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """One `ogdash serve` on a small generated snapshot, behind deploy/nginx.conf on a free port."""
    from dashboard import publish

    data_dir = tmp_path_factory.mktemp("brief-nginx-data")
    publish.write_scale_snapshot(data_dir, "small")
    logs = tmp_path_factory.mktemp("brief-nginx-logs")
    port = servers.free_port()
    env = {"OGDASH_WORKERS": "1", "OGDASH_THREADS": "4"}
    env_without = {k: v for k, v in os.environ.items() if k not in ("OGDASH_PRINT_URL", "OGDASH_PUBLIC_URL")}
    with open(logs / "serve.log", "w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)],
            cwd=REPO, env={**env_without, **env}, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
    nginx = None
    try:
        servers.wait_healthy(f"http://127.0.0.1:{port}", server)
        conf_dir = tmp_path_factory.mktemp("brief-nginx")
        listen = servers.free_port()
        # Both upstream slots point at the one instance: the file is used as written, ports aside.
        (conf_dir / "ogdash.conf").write_text(render((port, port), listen))
        (conf_dir / "nginx.conf").write_text(wrapper(conf_dir, conf_dir / "ogdash.conf"))
        nginx = subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_port(listen, nginx)
        yield f"http://127.0.0.1:{listen}"
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(nginx.pid, signal.SIGKILL)
        servers.stop_server(server)


def test_the_briefing_pdf_prints_through_the_proxy(proxied):
    assert not proxied.endswith(":80")
    response = requests.get(proxied + "/brief/training/pdf?lang=fr", timeout=180)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_forged_host_changes_nothing(proxied):
    response = requests.get(proxied + "/brief/datasets/pdf", headers={"Host": "127.0.0.1:1"}, timeout=180)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
