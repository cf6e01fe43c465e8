"""The `ogdash` command: --version, exit codes (0 success, 1 failure with one line, 2 usage), the data folder
default as its help says, a production server by default, and 404 for an address no page has."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import dashboard
from dashboard import cli, config
from helpers import page_module

REPO = Path(__file__).resolve().parent.parent


def ogdash(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m dashboard.cli` as a user would, in `cwd`, with OGDASH_DATA_DIR unset unless given."""
    full = {k: v for k, v in os.environ.items() if k != "OGDASH_DATA_DIR"}
    full["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], cwd=cwd, env={**full, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def one_line_failure(done: subprocess.CompletedProcess, says: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert says in done.stderr, done.stderr[-2000:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from dashboard import publish

    data_dir = tmp_path_factory.mktemp("cli-data")
    snap = publish.write_scale_snapshot(data_dir, "small")
    return data_dir, snap


# ---------------------------------------------------------------- version and exit codes

def test_version(tmp_path):
    done = ogdash("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, f"ogdash {dashboard.__version__}")


def test_usage_errors_exit_2(tmp_path):
    for args in ([], ["nope"], ["serve", "--port", "eighty"], ["brief"], ["serve", "--dev", "--prod"]):
        done = ogdash(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert "usage: ogdash" in done.stderr and "Traceback" not in done.stderr


def test_each_command_fails_with_one_line_and_exit_1(tmp_path):
    one_line_failure(ogdash("snapshot", "build", "--config", str(tmp_path / "absent.toml"), "--data-dir",
                            str(tmp_path / "d"), cwd=tmp_path), "sources file not found")
    one_line_failure(ogdash("snapshot", "verify", "--data-dir", str(tmp_path / "empty"), cwd=tmp_path),
                     "no snapshots in")
    one_line_failure(ogdash("serve", "--data-dir", str(tmp_path / "empty"), cwd=tmp_path),
                     "Build one with `ogdash snapshot build")
    one_line_failure(ogdash("export-site", "--playlist", str(tmp_path / "absent.toml"), "--out", str(tmp_path / "o"),
                            cwd=tmp_path), "absent.toml")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    one_line_failure(ogdash("demo-data", "--data-dir", str(a_file), cwd=tmp_path), "ogdash: ")


def test_a_bug_still_shows_its_traceback(monkeypatch, capsys):
    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "cmd_snapshot_list", broken)
    with pytest.raises(ZeroDivisionError):
        cli.main(["snapshot", "list"])


# ---------------------------------------------------------------- the data folder

def test_the_data_folder_is_the_env_else_data_in_the_current_folder(tmp_path, monkeypatch):
    help_text = ogdash("serve", "--help", cwd=tmp_path).stdout
    assert "$OGDASH_DATA_DIR, else ./data in the current" in " ".join(help_text.split())
    listed = ogdash("snapshot", "list", cwd=tmp_path)
    assert listed.returncode == 0 and f"no snapshots in {tmp_path.resolve() / 'data' / 'snapshots'}" in listed.stdout
    elsewhere = tmp_path / "elsewhere"
    listed = ogdash("snapshot", "list", cwd=tmp_path, env={"OGDASH_DATA_DIR": str(elsewhere)})
    assert f"no snapshots in {elsewhere / 'snapshots'}" in listed.stdout
    monkeypatch.delenv("OGDASH_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.data_dir() == tmp_path.resolve() / "data"


# ---------------------------------------------------------------- serving

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _start(args: list[str], log: Path, cwd: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    full = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "OGDASH_WORKERS": "1",
            "OGDASH_THREADS": "4", **(env or {})}
    full.pop("OGDASH_PRINT_URL", None)
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", *args, "--port", str(port)],
                                   cwd=cwd, env=full, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited {process.returncode}: {log.read_text()[-3000:]}")
        try:
            if _get(url + "/healthz")[0] == 200:
                return process, url
        except OSError:
            pass
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(f"serve did not answer: {log.read_text()[-3000:]}")


def test_serve_runs_gunicorn_by_default_and_answers_404_for_unknown_pages(demo, tmp_path):
    data_dir, _snap = demo
    log = tmp_path / "serve.log"
    process, url = _start(["--data-dir", str(data_dir)], log, tmp_path)
    try:
        assert _get(url + "/")[0] == 200
        for path in ("/api", "/nope", "/api/v1/things", "/not-found-404"):
            status, body = _get(url + path)
            assert status == 404, path
            assert b"_dash-renderer" in body or b"dash_renderer" in body, path  # the app's own page, drawn by Dash
        for path in ("/commitments", "/compare", "/data", "/_dash-layout", "/_dash-dependencies", "/assets/10-app.css"):
            assert _get(url + path)[0] == 200, path
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    text = log.read_text()
    assert "Booting worker" in text and "gunicorn" in text
    assert "development server" not in text and "Debug mode" not in text
    assert code == 0


def test_serve_dev_runs_flask_with_the_reloader_and_debug(demo, tmp_path):
    data_dir, _snap = demo
    log = tmp_path / "dev.log"
    process, url = _start(["--dev", "--data-dir", str(data_dir)], log, tmp_path)
    try:
        assert _get(url + "/")[0] == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the reloader's child is in the same new session
        process.wait(timeout=30)
    text = log.read_text()
    assert "Debug mode: on" in text and "Booting worker" not in text
    assert text.count("ogdash: serving snapshot") == 2  # once more in the reloader's child, which serves


def test_not_found_page_in_both_languages():
    import importlib

    import dash

    from dashboard.app import create_app

    create_app()
    module = page_module("not_found_404")
    assert any(p["module"].endswith("not_found_404") for p in dash.page_registry.values())
    english, french = str(module.layout()), str(module.layout(lang="fr"))
    assert "Page not found" in english and "Page introuvable" in french
    assert "/commitments?lang=fr" in french
    importlib.invalidate_caches()
