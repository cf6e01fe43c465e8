"""Production serving: the dashboard under gunicorn's threaded workers, sized from the CPU count.

Each worker builds its own app after the fork (no preload), so each opens its own DuckDB
connections and checks the snapshot folder itself; workers share nothing but the files, which
is also why several instances can serve one snapshot folder behind a reverse proxy.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import gunicorn.http.wsgi
from gunicorn.app.base import BaseApplication

from dashboard import app, config, data, web


def cpu_count() -> int:
    """Return the CPUs this process may run on (the container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def options(host: str = "127.0.0.1", port: int = 8050) -> dict:
    """Return the gunicorn settings: a worker per CPU (at least 2, at most 8), 8 threads each, unless overridden.

    Measured at world-x20 on 2 CPUs (8 clients, 30 s): 5 workers x 4 threads drew 29.7 charts/s in 1.5 GB
    RSS, 2 x 8 drew 28.9/s in 0.78 GB. The work is CPU-bound (figures, JSON) and DuckDB releases the GIL,
    so more processes than CPUs only add memory and colder per-process caches.

    Environment overrides: OGDASH_WORKERS, OGDASH_THREADS, OGDASH_TIMEOUT (seconds a worker may stop
    answering the arbiter before it is replaced), OGDASH_ACCESS_LOG ("-" for stderr, "" for none),
    OGDASH_MAX_REQUESTS (recycle a worker after this many requests; 0 = never).
    """
    cpus = cpu_count()
    return {
        "bind": f"{host}:{port}",
        "worker_class": "gthread",
        "workers": config.workers(cpus),
        "threads": config.threads(),
        "preload_app": False,
        # With gthread this is the worker's heartbeat, not a per-request limit: a worker whose main loop
        # is silent this long (hung) is replaced. Each query is stopped at OGDASH_QUERY_TIMEOUT (10 s).
        "timeout": config.worker_timeout(),
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": config.max_requests(),
        "max_requests_jitter": 50,
        # Request-line and header limits: long enough for a URL carrying a whole view, no more.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "forwarded_allow_ips": config.forwarded_allow_ips(),
        "accesslog": config.access_log(),
        "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms',
        "errorlog": "-",
        "loglevel": config.log_level(),
        "proc_name": f"ogdash-{config.instance() or port}",
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        # gunicorn's runtime control socket sits at one path per user: two instances would share it,
        # and nothing here needs to resize workers at run time.
        "control_socket_disable": True,
    }


class _Application(BaseApplication):
    def __init__(self, settings: dict, data_dir: Path):
        self.settings = settings
        self.data_dir = data_dir
        super().__init__()

    def load_config(self):
        for key, value in self.settings.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        # Runs in each worker after the fork: its own app, its own DuckDB connections.
        if not logging.getLogger().handlers:
            logging.basicConfig(
                level=config.log_level().upper(), stream=sys.stderr,
                format="%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s")
        server = app.create_app(self.data_dir).server
        server.debug = False  # Dash's dev tools stay off too: they are only switched on by run(debug=True)
        # Dash finishes setting itself up (registering its script paths, moving callbacks into the app)
        # on the first request, and a second thread arriving meanwhile sees it half done (404/500 for
        # scripts, unknown callbacks). One request here, before the worker accepts connections.
        server.test_client().get("/healthz")
        # Bind the served snapshot's views now (a few hundred ms at world scale), not in the first visitor's query.
        data.warm(self.data_dir)
        app.warm()
        return server


def run(host: str, port: int, data_dir: Path) -> int:
    """Serve under gunicorn until stopped; return the exit code."""
    os.environ["OGDASH_DATA_DIR"] = str(Path(data_dir).resolve())
    for snapshot_id, why in data.refused_snapshots().items():
        print(f"ogdash: refused snapshot {snapshot_id}: {why}", file=sys.stderr)
    settings = options(host, port)
    # gunicorn names itself in every response's Server header and has no setting for it: the workers
    # fork from here, so they all send web.SERVER_HEADER instead.
    gunicorn.http.wsgi.SERVER = web.SERVER_HEADER
    print(f"ogdash: gunicorn {settings['workers']} workers x {settings['threads']} threads, "
          f"requests up to {web.MAX_REQUEST_BYTES} bytes", file=sys.stderr)
    try:
        _Application(settings, Path(data_dir)).run()
    except SystemExit as exc:  # the arbiter exits when it stops
        return exc.code if isinstance(exc.code, int) else 0
    return 0
