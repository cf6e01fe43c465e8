"""deploy/nginx.conf run by an unprivileged nginx on loopback ports: for the tests that put instances behind it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

from helpers import REPO

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)),
                                       None)
TEMPLATE = REPO / "deploy" / "nginx.conf"


def render(ports: tuple[int, int], listen: int) -> str:
    """Return deploy/nginx.conf with its instance and listening ports replaced, and nothing else."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for old in ("127.0.0.1:8051", "127.0.0.1:8052", "listen 127.0.0.1:8080;"):
        assert old in text, f"{TEMPLATE} no longer has {old!r}"
    return (text.replace("127.0.0.1:8051", f"127.0.0.1:{ports[0]}")
                .replace("127.0.0.1:8052", f"127.0.0.1:{ports[1]}")
                .replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{listen};"))


def wrapper(tmp, include) -> str:
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


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "nginx exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")
