"""A live dashboard for browser work: build a snapshot, serve it on a free port, drive it with Chromium.

Used by tests/browser/conftest.py and scripts/screenshots; plain functions, no pytest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from dashboard import config as _config

REPO = Path(__file__).resolve().parents[2]
# The bundled sources; OGDASH_TEST_SOURCES points the browser tests at another sources file.
SOURCES = Path(os.environ.get("OGDASH_TEST_SOURCES") or _config.DEFAULT_SOURCES)
CHROMIUM = Path(_config.chromium() or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# True once Dash has no callback in flight, nothing marked loading, and every graph is drawn.
DASH_SETTLED_JS = """
() => {
    const store = window.store && window.store.getState && window.store.getState();
    if (!store || store.isLoading) { return false; }
    const queues = Object.entries(store.callbacks || {})
        .filter(([name]) => name !== 'stored' && name !== 'completed');
    if (queues.some(([, queue]) => Array.isArray(queue) && queue.length)) { return false; }
    if (document.querySelector('[data-dash-is-loading]')) { return false; }
    if (!document.querySelector('#_pages_content > *')) { return false; }
    // A dcc.Graph draws an empty plot before its figure arrives; a figure from plotly.py carries a template.
    const graphs = [...document.querySelectorAll('.dash-graph')];
    return graphs.every(g => {
        const plot = g.querySelector('.js-plotly-plot');
        return plot && plot._fullLayout && plot.layout && plot.layout.template && plot.querySelector('.main-svg');
    });
}
"""

# One record per drawn graph: its chart id (from `figure.chart-<id>`), and its traces' point counts.
GRAPHS_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
    const fig = g.closest('figure');
    const cls = fig ? [...fig.classList].find(c => c.startsWith('chart-') && c !== 'chart-figure') : null;
    const size = v => Array.isArray(v) ? v.flat(2).filter(x => x !== null && x !== undefined).length : 0;
    return {
        chart: cls ? cls.slice('chart-'.length) : null,
        traces: (g.data || []).map(t => ({
            type: t.type || 'scatter',
            points: Math.max(size(t.x), size(t.y), size(t.z), size(t.values), size(t.labels), size(t.r)),
        })),
        annotations: ((g.layout && g.layout.annotations) || []).map(a => a.text || ''),
    };
})
"""


def page_paths() -> list[str]:
    """Return the path of every page in the navigation (a page added there is visited without more work)."""
    from dashboard.sitemap import NAV

    return [path for path, _ in NAV]


def _most_common(data_dir: Path, table: str, column: str) -> str | None:
    """Return the value of `column` on most rows of `table` in the newest good snapshot (ties: smallest)."""
    from collections import Counter

    from dashboard import snapshots

    snap = snapshots.newest_good(data_dir)
    if snap is None:
        raise RuntimeError(f"no snapshot verifies in {data_dir}")
    counts = Counter(row[column] for row in snapshots.iter_rows(snap, table))
    return max(sorted(counts), key=counts.__getitem__) if counts else None


def busiest_commitment(data_dir: Path) -> str:
    """Return the id of the commitment with the most milestones."""
    return _most_common(data_dir, "milestones", "commitment_id") or _most_common(data_dir, "commitments",
                                                                                  "commitment_id")


def busiest_jurisdiction(data_dir: Path) -> str:
    """Return the id of the jurisdiction with the most commitments."""
    return _most_common(data_dir, "commitments", "jurisdiction_id")

# The innermost elements that stick out past the right edge of the viewport (and are not inside a
# scrolling box, where sticking out is fine): what makes a page scroll sideways.
OVERFLOW_JS = """
() => {
    const width = document.documentElement.clientWidth;
    const inScroller = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') { return true; }
        }
        return false;
    };
    const sticksOut = e => e.getBoundingClientRect().right > width + 1 && e.getBoundingClientRect().width > 0
                           && !inScroller(e);
    const culprits = [...document.querySelectorAll('body *')]
        .filter(e => sticksOut(e) && ![...e.children].some(sticksOut))
        .slice(0, 5)
        .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${[...e.classList].map(c => '.' + c).join('')}`
                  + ` "${(e.innerText || '').trim().slice(0, 40)}" ends at ${Math.round(e.getBoundingClientRect().right)} px`);
    return {width, scrollWidth: document.documentElement.scrollWidth, culprits};
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ogdash_command() -> list[str]:
    """Return the argv prefix that runs the `ogdash` installed beside this Python."""
    script = Path(sys.executable).with_name("ogdash")
    if script.exists():
        return [str(script)]
    found = shutil.which("ogdash")
    return [found] if found else [sys.executable, "-m", "dashboard.cli"]


def build_snapshot(data_dir: Path, config: Path = SOURCES) -> str:
    """Build one snapshot of the sources in `config` into `data_dir`; return its id or raise with the log."""
    if not config.is_file():
        raise RuntimeError(f"{config} does not exist, so there is nothing to build a snapshot from")
    done = subprocess.run(
        ogdash_command() + ["snapshot", "build", "--config", str(config), "--data-dir", str(data_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`ogdash snapshot build` exited {done.returncode}:\n{done.stderr[-4000:]}")
    published = done.stdout.strip().splitlines()
    if published:
        return published[-1]
    from dashboard import snapshots  # nothing changed, nothing published: the newest good one stands

    return snapshots.newest_good(Path(data_dir)).id


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def demo_sources(config: Path, out: Path) -> Path:
    """Write a copy of the sources file `config` with generated volume added (a `synthetic` source); return its path.

    The bundled sources are real data only; the browser tests want volume on every chart, and a
    history that differs (see earlier_sources). The generated rows leave portal_metrics to the real
    corporate report, whose days they would repeat. A file that has a synthetic source is copied as is.
    """
    doc = tomllib.loads(config.read_text(encoding="utf-8"))
    entries = [dict(e) for e in doc.get("source", [])]
    if not any(e.get("kind") == "synthetic" for e in entries):
        entries.append({"name": "synthetic", "kind": "synthetic", "scale": "small", "seed": 2026,
                        "as_of": dt.date(2026, 11, 22),
                        "tables": ["jurisdictions", "commitments", "milestones", "milestone_status", "indicators",
                                   "datasets", "learning_events"]})
    return _write_sources(config, entries, out)


def _write_sources(config: Path, entries: list[dict], out: Path) -> Path:
    lines = []
    for entry in entries:
        entry = dict(entry)
        if "path" in entry:
            entry["path"] = str((config.parent / entry["path"]).resolve())
        lines.append("[[source]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
        lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def earlier_sources(config: Path, out: Path, *, months: int = 6) -> Path:
    """Write a copy of the sources file `config` whose generated sources stop `months` earlier; return its path.

    Built before the bundled one, it gives /compare an earlier snapshot that differs the way time makes
    snapshots differ (statuses moved on, datasets added), from the same seed.
    """
    entries = []
    for entry in tomllib.loads(config.read_text(encoding="utf-8")).get("source", []):
        entry = dict(entry)
        if isinstance(entry.get("as_of"), dt.date):
            entry["as_of"] = entry["as_of"] - dt.timedelta(days=round(months * 30.44))
        entries.append(entry)
    return _write_sources(config, entries, out)


def build_history(data_dir: Path, config: Path = SOURCES, *, demo: bool = False) -> list[str]:
    """Build the snapshots of `config` into `data_dir`; return their ids, oldest first.

    With `demo`, generated volume is added (demo_sources) and an earlier snapshot is built first (see
    earlier_sources), so /compare has two snapshots that differ. Real sources alone have one history
    only: the snapshot of what they hold now.
    """
    if not config.is_file():
        raise RuntimeError(f"{config} does not exist, so there is nothing to build a snapshot from")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    if demo:
        config = demo_sources(config, Path(data_dir) / "demo-sources.toml")
    if not any(e.get("kind") == "synthetic" for e in tomllib.loads(config.read_text(encoding="utf-8")).get("source", [])):
        return [build_snapshot(data_dir, config)]
    earlier = earlier_sources(config, Path(data_dir) / "earlier-sources.toml")
    return [build_snapshot(data_dir, earlier), build_snapshot(data_dir, config)]


class Server:
    """A running `ogdash serve`; `log` is the file its output goes to."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process = process
        self.url = url
        self.log = log

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def serve(data_dir: Path, *, log: Path, port: int | None = None, wait: float = 30.0) -> Iterator[Server]:
    """Serve `data_dir` on 127.0.0.1 until the block ends; raise with the server's log if it never answers."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("OGDASH_DATA_DIR", None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            ogdash_command() + ["serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    server = Server(process, url, log)
    try:
        deadline = time.monotonic() + wait
        while not _ready(url + "/"):
            if process.poll() is not None:
                raise RuntimeError(f"`ogdash serve` exited {process.returncode}:\n{server.log_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"`ogdash serve` did not answer GET / within {wait:.0f} s:\n"
                                   f"{server.log_text()[-4000:]}")
            time.sleep(0.25)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def launch_chromium(playwright):
    """Return a headless Chromium from /usr/bin/chromium (never a downloaded one)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing; ./scripts/test installs it with apt-get")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def wait_for_dash(page, timeout: float = 90_000) -> None:
    """Wait until Dash has finished rendering: no callback pending, every graph drawn."""
    page.wait_for_function(DASH_SETTLED_JS, timeout=timeout, polling=100)
    # A settled store can still start a chained callback (a URL change, a new layout); require it to stay settled.
    page.wait_for_timeout(400)
    page.wait_for_function(DASH_SETTLED_JS, timeout=timeout, polling=100)


def graphs(page) -> list[dict]:
    """Return, for each drawn graph on the page, its chart id and its traces' point counts."""
    return page.evaluate(GRAPHS_JS)
