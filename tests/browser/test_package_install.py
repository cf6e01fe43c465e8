"""Issue 14's "done when": the package works installed from a wheel, outside the checkout.

Builds a wheel of this checkout (a copy of it, so no stale build/ folder can fill a gap), installs it into a
fresh virtual environment outside the checkout, and from an empty folder runs `ogdash --version`,
`ogdash snapshot build --data-dir X` and `ogdash serve --data-dir X`; then Chromium sees charts with data and
stylesheets, the briefing button's address gives a %PDF, and an unknown page answers 404.

No network: the wheel is installed with --no-deps and the environment reads the dependencies already
installed beside the Python running the tests (a .pth line), never the checkout's `dashboard`. With
OGDASH_PACKAGE_TEST_DEPS=lock it installs them from requirements/run.txt instead (hash-checked, from the
registry). About a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.package]

REPO = harness.REPO
# What the package reads at run time, as the wheel must hold it (dashboard/config.py finds it there).
SHIPPED = ("dashboard/queries/", "dashboard/queries/rollups/", "dashboard/assets/", "dashboard/playlists/",
           "dashboard/bundled/sources.toml", "dashboard/bundled/README.md", "dashboard/locale/fr/LC_MESSAGES/",
           "dashboard/static/")
NOT_COPIED = {".git", ".venv", ".venv-upgrade", "node_modules", "build", "dist", "__pycache__", ".pytest_cache",
              "screenshots", "snapshots"}


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in NOT_COPIED or n.endswith(".egg-info") or n.startswith(("_staging", ".staging"))}


def _run(args: list, *, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout, with the build tools already installed (no network)."""
    source = tmp_path_factory.mktemp("package-source") / "ogdash"
    shutil.copytree(REPO, source, ignore=_copy_ignore, symlinks=True)
    out = tmp_path_factory.mktemp("package-wheel")
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "--disable-pip-version-check", "-w", out, source], cwd=out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "BuildBackendWarning" not in done.stderr, done.stderr[-3000:]
    return next(out.glob("ogdash-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed; returns its bin/ folder."""
    env_dir = tmp_path_factory.mktemp("package-venv") / "env"
    done = _run([sys.executable, "-m", "venv", env_dir], cwd=env_dir.parent)
    assert done.returncode == 0, done.stderr
    python = env_dir / "bin" / "python"
    pip = [python, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    if os.environ.get("OGDASH_PACKAGE_TEST_DEPS") == "lock":
        done = _run([*pip, "install", "--no-deps", "--require-hashes", "-r", REPO / "requirements" / "run.txt"],
                    cwd=env_dir.parent, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]
    else:
        site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=env_dir.parent)
        here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        # Appended after the environment's own site-packages, so the installed wheel's `dashboard` comes first.
        (Path(site.stdout.strip()) / "zz_ogdash_test_dependencies.pth").write_text("\n".join(sorted(here)) + "\n")
    done = _run([*pip, "install", "--no-deps", "--no-index", wheel], cwd=env_dir.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return env_dir / "bin"


@pytest.fixture
def empty(tmp_path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def _user_env(**extra: str) -> dict:
    """The environment of a user's shell: no OGDASH_* settings, no PYTHONPATH into the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OGDASH_") and k not in ("PYTHONPATH",)}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_the_wheel_carries_what_the_package_reads(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    missing = [prefix for prefix in SHIPPED if not any(n.startswith(prefix) for n in names)]
    assert not missing, f"the wheel lacks {missing}"
    queries = {n for n in names if n.startswith("dashboard/queries/") and n.endswith(".sql")}
    in_checkout = {str(p.relative_to(REPO)).replace("\\", "/") for p in (REPO / "dashboard" / "queries").rglob("*.sql")}
    assert queries == in_checkout


def test_installed_outside_the_checkout_it_builds_serves_draws_prints_and_answers_404(wheel, venv, empty, browser):
    ogdash = venv / "ogdash"
    version = _run([ogdash, "--version"], cwd=empty, env=_user_env())
    assert version.returncode == 0 and version.stdout.startswith("ogdash "), version.stderr

    where = _run([venv / "python", "-c", "import json, dashboard, dashboard.config as c; print(json.dumps("
                  "{'package': dashboard.__file__, 'queries': str(c.QUERIES_DIR), 'assets': str(c.ASSETS_DIR), "
                  "'sources': str(c.DEFAULT_SOURCES), 'playlists': str(c.PLAYLISTS_DIR), "
                  "'dictionary': str(c.DATA_DICTIONARY)}))"], cwd=empty, env=_user_env())
    assert where.returncode == 0, where.stderr
    paths = json.loads(where.stdout)
    package = Path(paths.pop("package")).parent
    assert not package.is_relative_to(REPO), f"the checkout's dashboard was imported: {package}"
    absent = {name: path for name, path in paths.items() if not (Path(path).is_relative_to(package)
                                                                 and Path(path).exists())}
    assert not absent, f"the installed package reads these from outside itself: {absent}"

    built = _run([ogdash, "snapshot", "build", "--data-dir", "X"], cwd=empty, env=_user_env(), timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    snapshot_id = built.stdout.strip().splitlines()[-1]
    manifest = json.loads((empty / "X" / "snapshots" / snapshot_id / "manifest.json").read_text(encoding="utf-8"))
    rollups = {p.stem for p in Path(paths["queries"], "rollups").glob("*.sql")}
    assert rollups and set(manifest.get("rollups", {})) == rollups  # every rollup written, none silently missing

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = empty.parent / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(ogdash), "serve", "--data-dir", "X", "--port", str(port)], cwd=empty,
                                  env=_user_env(OGDASH_WORKERS="1", OGDASH_THREADS="4"), stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"ogdash serve exited {server.returncode}:\n{log.read_text()[-3000:]}"
            try:
                if _get(url + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"ogdash serve did not answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.3)

        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page.goto(url + "/")
        harness.wait_for_dash(page)
        drawn = harness.graphs(page)
        with_data = [g for g in drawn if any(t["points"] for t in g["traces"])]
        assert with_data, f"no chart has data: {drawn}"
        sheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href)"
                               ".map(s => [new URL(s.href).pathname, s.cssRules.length])")
        assert {"/assets/00-bootstrap-5.3.8.min.css", "/assets/10-app.css"} <= {path for path, _n in sheets}, sheets
        assert all(rules > 0 for _path, rules in sheets), sheets
        navbar = page.evaluate("() => getComputedStyle(document.querySelector('.navbar')).backgroundColor")
        assert navbar not in ("rgba(0, 0, 0, 0)", "transparent"), "Bootstrap's navbar colour is not applied"
        assert not failed, failed

        button = page.locator("#brief-link")
        assert button.is_visible(), "the Briefing (PDF) button is not offered"
        href = button.get_attribute("href")
        context.close()
        status, body, headers = _get(url + href, timeout=180)
        assert status == 200 and body.startswith(b"%PDF"), (status, body[:200])
        assert headers.get("Content-Type") == "application/pdf"

        for path in ("/api", "/nope"):
            status, body, _headers = _get(url + path)
            assert status == 404, path
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    text = log.read_text()
    assert "Booting worker" in text and "development server" not in text.lower()
