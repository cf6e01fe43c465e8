"""Every OGDASH_* setting is read in dashboard/config.py and nowhere else, is declared there, and is documented."""

from __future__ import annotations

import re

import pytest

from dashboard import config
from helpers import REPO

CODE = sorted([*(REPO / "dashboard").rglob("*.py"), *(REPO / "bench").rglob("*.py")])
DOCS = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_only_config_reads_the_environment_for_a_setting():
    # A read: os.environ.get("OGDASH_…"), os.getenv("OGDASH_…") or os.environ["OGDASH_…"] not assigned to.
    read = re.compile(r"""(environ\.get|getenv)\(\s*["']OGDASH_|environ\[["']OGDASH_\w+["']\](?!\s*=[^=])""")
    readers = [f"{path.relative_to(REPO)}:{n}" for path in CODE if path.name != "config.py"
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if read.search(line)]
    assert readers == []


def test_every_setting_the_code_names_is_declared():
    named = {name for path in CODE
             for name in re.findall(r"""["'](OGDASH_[A-Z_]+)["']""", path.read_text(encoding="utf-8"))}
    assert named - set(config.SETTINGS) == set()


def test_every_setting_is_in_the_settings_table():
    table = DOCS.split("### Settings", 1)[1].split("\n### ", 1)[0]
    documented = re.findall(r"^\| `(OGDASH_[A-Z_]+)` \|", table, re.M)
    assert sorted(documented) == sorted(config.SETTINGS)
    assert len(documented) == len(set(documented))


def test_an_undeclared_setting_is_refused():
    with pytest.raises(KeyError, match="OGDASH_NOPE"):
        config.setting("OGDASH_NOPE")


@pytest.mark.parametrize("read, name, value, expected", [
    (lambda: config.workers(1), "OGDASH_WORKERS", None, 2),
    (lambda: config.workers(16), "OGDASH_WORKERS", None, 8),
    (lambda: config.workers(16), "OGDASH_WORKERS", "3", 3),
    (config.threads, "OGDASH_THREADS", None, 8),
    (config.threads, "OGDASH_THREADS", "4", 4),
    (config.worker_timeout, "OGDASH_TIMEOUT", None, 60),
    (config.max_requests, "OGDASH_MAX_REQUESTS", None, 0),
    (config.max_requests, "OGDASH_MAX_REQUESTS", "1000", 1000),
    (config.forwarded_allow_ips, "OGDASH_FORWARDED_ALLOW_IPS", None, "127.0.0.1"),
    (config.access_log, "OGDASH_ACCESS_LOG", None, "-"),
    (config.access_log, "OGDASH_ACCESS_LOG", "", None),  # set empty: no access log
    (config.log_level, "OGDASH_LOG_LEVEL", "WARNING", "warning"),
    (config.instance, "OGDASH_INSTANCE", None, None),
    (config.instance, "OGDASH_INSTANCE", "a", "a"),
    (config.max_request_bytes, "OGDASH_MAX_REQUEST_BYTES", None, 1048576),
    (config.duckdb_memory, "OGDASH_DUCKDB_MEMORY", None, "512MB"),
    (config.duckdb_threads, "OGDASH_DUCKDB_THREADS", None, "1"),
    (config.rollup_memory, "OGDASH_ROLLUP_MEMORY", "1GB", "1GB"),
    (config.query_timeout, "OGDASH_QUERY_TIMEOUT", None, 10.0),
    (config.query_timeout, "OGDASH_QUERY_TIMEOUT", "0.5", 0.5),
    (config.query_cache_entries, "OGDASH_QUERY_CACHE", None, 512),
    (config.query_cache_mb, "OGDASH_QUERY_CACHE_MB", None, 64.0),
    (config.render_cache, "OGDASH_RENDER_CACHE", None, 128),
    (config.chromium, "OGDASH_CHROMIUM", "", None),
    (config.print_url, "OGDASH_PRINT_URL", None, None),
    (config.public_url, "OGDASH_PUBLIC_URL", None, ""),
])
def test_each_setting_is_read_when_asked_with_its_default(monkeypatch, read, name, value, expected):
    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)
    assert read() == expected


def test_the_folders_follow_their_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OGDASH_PLAYLISTS_DIR", str(tmp_path / "playlists"))
    assert (config.data_dir(), config.playlists_dir()) == (tmp_path / "data", tmp_path / "playlists")
    monkeypatch.delenv("OGDASH_PLAYLISTS_DIR")
    assert config.playlists_dir() == config.PLAYLISTS_DIR.resolve()
