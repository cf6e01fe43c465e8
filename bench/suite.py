"""`ogdash bench`: every performance measurement of the dashboard, taken in one run on one machine.

What it measures, and how:

- every server callback of every page, through the real endpoint (POST /_dash-update-component),
  with payloads built the way the Dash renderer builds them (bench/frontend.py): from GET /_dash-dependencies and the
  layouts the server returns, firing what a browser fires when a page loads (the pages router, the
  shell callbacks, then each newly mounted component's callbacks, following chained outputs), then
  the user actions (clicks on a drawn mark, toggles). The URL of each load carries filter
  values drawn from the snapshot (jurisdictions, levels, cycles, date ranges, statuses, dimensions,
  language), different from call to call.
- cold calls apart from warm ones: each server process is new, and every filtered view it is sent
  names a (jurisdictions, levels) pair it has never seen, so every query the view runs has parameters
  that process has never used (every query takes both); the first view is the default one. Warm
  calls replay views already sent to the same process.
- response bytes (as decoded JSON, and on the wire with gzip), server RSS/PSS of the process tree,
  cold start (launch to the first 200 on "/").
- the pandas baseline (bench/baseline.py): the same app and the same callbacks with
  data.query answered by DataFrames loaded once at start; medians, ratios, its RSS.
- a load run: 8 concurrent clients of figure callbacks against `ogdash serve --prod`.
- page weight of a first visit and the overview's LCP, in headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dash
import pyarrow.compute as pc
import pyarrow.parquet as pq
import requests
from dash import _callback

from bench.frontend import CALLBACK_PATH, ROUTER_NAME, Browserless, Call
from bench.servers import CpuProbe, Server
from dashboard import config, data, progress, state as state_mod
from dashboard.app import create_app

CHROMIUM = config.chromium() or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FIGURE = "charts.draw_chart"


@dataclass(frozen=True)
class Plan:
    """How many of each measurement to take."""

    rounds: int  # fresh server processes per page for the latency runs
    views: int  # distinct views (page loads) per process: each one cold
    replays: int  # times each view is loaded again in the same process: warm
    baseline_views: int  # page loads per page against the pandas baseline
    load_seconds: float
    load_clients: int
    lcp_runs: int
    actions: bool  # also fire the user-action callbacks (CSV, clicks, toggles)


FULL = Plan(rounds=2, views=6, replays=1, baseline_views=2, load_seconds=60, load_clients=8, lcp_runs=5, actions=True)
QUICK = Plan(rounds=1, views=2, replays=1, baseline_views=1, load_seconds=5, load_clients=8, lcp_runs=1, actions=True)

# Round two's targets (issue 18); round one's were p95 100 ms, 5x, 1024 MB and 75 figure callbacks/s.
TARGETS = {
    "cold_p95_ms": 50,
    "speedup": 10,
    "rss_mb": 843,  # the production tree's RSS after round one's load run: as then, or lower
    "rss_share_of_baseline": 1 / 3,
    "response_kb": 300,
    "cold_start_s": 3,
    "load_figure_cps": 150,
    "lcp_ms": 1000,
    "page_weight_kb": 900,
    "settled_ms": 2000,
}


# ---------------------------------------------------------------- the machine

def machine() -> dict:
    """Return what this machine is: CPUs, memory, CPU model, software versions."""
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        info["nproc"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_total_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        info["free_h"] = subprocess.run(["free", "-h"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    for mod in ("dash", "duckdb", "pandas", "pyarrow", "plotly", "gunicorn"):
        try:
            info[f"{mod}_version"] = __import__(mod).__version__
        except Exception:  # a version is a nicety
            pass
    return info


# ---------------------------------------------------------------- realistic filter values

@dataclass
class Values:
    """Filter values drawn from the snapshot, and a generator of views that use them."""

    jurisdictions: list[tuple[str, str]]  # (id, level)
    cycles: list[str]
    first_date: dt.date
    last_date: dt.date
    words: list[str]
    snapshots: list[str]
    ids: dict[str, list[str]] = field(default_factory=dict)  # column -> sample of ids, for path variables

    @classmethod
    def from_snapshot(cls, data_dir: Path, seed: int = 0) -> "Values":
        snap = data.current_snapshot(data_dir)
        rng = random.Random(seed)
        jur = pq.read_table(snap.table_path("jurisdictions"), columns=["jurisdiction_id", "level"]).to_pylist()
        commitments = pq.read_table(snap.table_path("commitments"), columns=["commitment_id", "cycle", "title_en"])
        cycles = sorted(set(pc.unique(commitments["cycle"]).to_pylist()))
        low, high = [], []
        for table, column in (("datasets", "published"), ("learning_events", "period_start")):
            col = pq.read_table(snap.table_path(table), columns=[column])[column]
            if len(col) and col.null_count < len(col):
                mm = pc.min_max(col).as_py()
                low.append(mm["min"])
                high.append(mm["max"])
        first = min(low) if low else dt.date(2015, 1, 1)
        last = max(high) if high else dt.date.today()
        titles = commitments["title_en"].to_pylist()
        sample = rng.sample(titles, min(2000, len(titles)))
        words = sorted({w.strip(".,;:()").lower() for t in sample if t for w in t.split() if len(w) >= 6})
        ids = {"commitment_id": rng.sample(commitments["commitment_id"].to_pylist(), min(500, commitments.num_rows)),
               "jurisdiction_id": [j["jurisdiction_id"] for j in jur]}
        milestones = pq.read_table(snap.table_path("milestones"), columns=["milestone_id"])["milestone_id"]
        if len(milestones):
            ids["milestone_id"] = rng.sample(milestones.to_pylist(), min(500, len(milestones)))
        return cls([(j["jurisdiction_id"], j["level"]) for j in jur], cycles, first, last, words[:500],
                   data.available_snapshots(data_dir), ids)


class Views:
    """Views (URL query strings) for one server process: the default first, then each filtered one new."""

    def __init__(self, values: Values, rng: random.Random):
        self.values, self.rng = values, rng
        self.used: set[tuple] = set()

    def _dates(self) -> tuple[dt.date | None, dt.date | None]:
        v, rng = self.values, self.rng
        span = max(1, (v.last_date - v.first_date).days)
        a = v.first_date + dt.timedelta(days=rng.randrange(span))
        b = a + dt.timedelta(days=rng.randrange(90, max(91, span)))
        b = min(b, v.last_date + dt.timedelta(days=rng.randrange(0, 60)))
        choice = rng.random()
        if choice < 0.25:
            return a, None
        if choice < 0.4:
            return None, b
        return a, max(a, b)

    def next(self) -> str:
        """Return the query string of a view whose (jurisdictions, levels) pair this process has not seen."""
        v, rng = self.values, self.rng
        if not self.used:
            self.used.add(((), ()))
            return ""
        levels_all = sorted({lvl for _, lvl in v.jurisdictions})
        for _ in range(1000):
            levels: tuple[str, ...] = ()
            if rng.random() < 0.35:
                levels = tuple(sorted(rng.sample(levels_all, rng.randint(1, min(2, len(levels_all))))))
            jurisdictions: tuple[str, ...] = ()
            if rng.random() < 0.7:
                pool = [j for j, lvl in v.jurisdictions if not levels or lvl in levels] or [j for j, _ in v.jurisdictions]
                size = min(len(pool), rng.choice([1, 1, 1, 2, 2, 3, 5, 8, 20, 50]))
                jurisdictions = tuple(rng.sample(pool, size))
            key = (tuple(sorted(jurisdictions)), levels)
            if key in self.used:
                continue
            self.used.add(key)
            cycles = tuple(rng.sample(v.cycles, rng.randint(1, min(3, len(v.cycles))))) \
                if v.cycles and rng.random() < 0.3 else ()
            date_from, date_to = self._dates() if rng.random() < 0.4 else (None, None)
            statuses = tuple(rng.sample(list(progress.SCALE), rng.randint(1, 2))) if rng.random() < 0.2 else ()
            view = state_mod.ViewState(
                lang="fr" if rng.random() < 0.2 else "en",
                jurisdictions=jurisdictions, levels=levels, cycles=cycles, date_from=date_from, date_to=date_to,
                statuses=statuses,
                q=rng.choice(v.words) if v.words and rng.random() < 0.1 else "",
                dimension=rng.choice(state_mod.DIMENSIONS) if rng.random() < 0.6 else "organization",
                interval="year" if rng.random() < 0.3 else "month",
                base=(rng.choice(v.snapshots[:-1]) if len(v.snapshots) > 1 and rng.random() < 0.5 else None),
            )
            return view.to_query()
        raise RuntimeError("ran out of new (jurisdictions, levels) pairs; use fewer views per process")


# ---------------------------------------------------------------- the app's callbacks and pages

def callback_names(data_dir: Path) -> tuple[dict[str, str], list[dict]]:
    """Return {output key: module.function} for every registered callback, and the pages (path, template)."""
    create_app(data_dir)
    names = {}
    for key, entry in _callback.GLOBAL_CALLBACK_MAP.items():
        fn = entry.get("callback")
        module = (getattr(fn, "__module__", "") or "").replace("dashboard.", "")
        names[key] = f"{module}.{getattr(fn, '__name__', '?')}"
    pages = [{"path": p["path"], "template": p.get("path_template"), "module": p["module"]}
             for p in sorted(dash.page_registry.values(), key=lambda p: (p.get("order") or 0, p["path"]))]
    return names, pages


@dataclass
class Sample:
    name: str
    instance: str
    page: str
    search: str
    phase: str  # "cold" | "warm" | "baseline"
    ms: float
    status: int
    bytes: int
    wire_bytes: int
    error: str | None = None
    cpu_ms: float | None = None  # server CPU for this request


# ---------------------------------------------------------------- phases

def _page_paths(pages: list[dict], values: Values, rng: random.Random) -> list[tuple[str, str]]:
    """Return (label, path) for every page; path variables get real ids from the snapshot."""
    out = []
    for p in pages:
        template = p.get("template")
        if not template:
            out.append((p["path"], p["path"]))
            continue
        names = re.findall(r"<(.*?)>", template)
        if all(values.ids.get(n) for n in names):
            path = template
            for n in names:
                path = path.replace(f"<{n}>", rng.choice(values.ids[n]))
            out.append((template, path))
    return out


def _recorder(samples: list[Sample], page: str, search: str, phase: str, seen: set | None = None):
    def record(call: Call, status, elapsed, content, wire, error, cpu_ms=None):
        name = call.dep.name
        instance = call.instance if call.dep.wildcard_kind else (page if name == ROUTER_NAME else "")
        this_phase = phase
        if seen is not None:
            key = (call.dep.key, call.instance, page, search, call.trigger)
            this_phase = "warm" if key in seen else "cold"
            seen.add(key)
        samples.append(Sample(name, instance, page, search, this_phase, elapsed * 1000, status, len(content), wire,
                              error, cpu_ms))
    return record


def latency_phase(data_dir: Path, kind: str, values: Values, names: dict, pages: list[tuple[str, str]],
                  plan: Plan, logs: Path, rng: random.Random, log) -> dict:
    """Return samples from fresh server processes: per page and round, cold views then warm replays."""
    samples: list[Sample] = []
    starts: list[float] = []
    memory: list[dict] = []
    env = {"OGDASH_WORKERS": "1"} if kind == "prod" else {}
    groups = [[p] for p in pages] if plan.rounds > 1 else [pages]  # quick: one process for every page
    for round_no in range(plan.rounds):
        for group in groups:
            with Server(kind, data_dir, logs, env=env) as server:
                starts.append(server.ready_s)
                client = Browserless(server.url, names,
                                     cpu=CpuProbe(server.proc.pid, threads_outlive_requests=kind == "prod"))
                views = Views(values, rng)
                seen: set = set()
                loads: list[tuple[str, str]] = []
                for label, path in group:
                    for _ in range(plan.views):
                        search = views.next()
                        client.load_page(path, search, record=_recorder(samples, label, search, "", seen),
                                         actions=plan.actions)
                        loads.append((label, path, search))
                for _ in range(plan.replays):
                    for label, path, search in loads:
                        client.load_page(path, search, record=_recorder(samples, label, search, "", seen),
                                         actions=plan.actions)
                memory.append(server.stop())
            log(f"  latency round {round_no + 1}/{plan.rounds}: {', '.join(g[0] for g in group)} "
                f"({len(samples)} calls so far)")
    return {"samples": samples, "cold_starts": starts, "memory": memory,
            "server": kind + (" (OGDASH_WORKERS=1)" if env else "")}


def baseline_phase(data_dir: Path, values: Values, names: dict, pages: list[tuple[str, str]], plan: Plan,
                   logs: Path, rng: random.Random, log) -> dict:
    samples: list[Sample] = []
    with Server("baseline", data_dir, logs, timeout=900) as server:
        client = Browserless(server.url, names, cpu=CpuProbe(server.proc.pid, threads_outlive_requests=False))
        views = Views(values, rng)
        for label, path in pages:
            for _ in range(plan.baseline_views):
                search = views.next()
                client.load_page(path, search, record=_recorder(samples, label, search, "baseline"),
                                 actions=plan.actions)
            log(f"  baseline: {label}")
        memory = server.stop()
        loaded = None
        for line in server.log_path.read_text(errors="replace").splitlines():
            if "tables loaded in" in line:
                loaded = float(line.rsplit("in", 1)[1].split()[0])
    return {"samples": samples, "memory": memory, "ready_s": server.ready_s, "tables_loaded_s": loaded}


def load_phase(data_dir: Path, kind: str, values: Values, names: dict, pages: list[tuple[str, str]], plan: Plan,
               logs: Path, rng: random.Random, log) -> dict:
    """Return throughput, latency and errors of concurrent clients drawing charts against the production server."""
    with Server(kind, data_dir, logs) as server:
        client = Browserless(server.url, names)
        draw = next((d for d in client.deps if d.name == FIGURE), None)
        if draw is None:
            return {"error": "no chart callback registered"}
        # One page load per page tells which charts each page has and what their stores carry.
        charts: list[tuple[str, dict]] = []
        for label, path in pages:
            index = client.load_page(path, "", record=lambda *a, **k: None, actions=False)
            for call in client.instances(draw, index, changed=[], trigger="load"):
                charts.append((label, call.body))
        if not charts:
            return {"error": "no chart on any page"}
        views = Views(values, rng)
        popular = [views.next() for _ in range(10)]
        fresh_lock = threading.Lock()
        stop_at = [0.0]
        results: list[tuple[float, float, int, bool]] = []  # (end time, ms, status, fresh)
        errors: list[str] = []

        def worker(seed: int):
            session = requests.Session()
            session.headers.update({"Accept-Encoding": "gzip", "Content-Type": "application/json"})
            wrng = random.Random(seed)
            while time.perf_counter() < stop_at[0]:
                page, body = wrng.choice(charts)
                fresh = wrng.random() < 0.5
                if fresh:
                    with fresh_lock:
                        search = views.next()
                else:
                    search = wrng.choice(popular)
                payload = dict(body)
                payload["inputs"] = [{**body["inputs"][0], "value": {"search": search}}]
                started = time.perf_counter()
                try:
                    r = session.post(server.url + CALLBACK_PATH, data=json.dumps(payload).encode(),
                                     timeout=60)
                    _ = r.content
                    ok = r.status_code == 200 and b'"response"' in r.content[:200]
                    status = r.status_code
                    if not ok:
                        errors.append(f"{status}: {r.content[:200]!r}")
                except requests.RequestException as exc:
                    status, ok = 0, False
                    errors.append(repr(exc)[:200])
                ended = time.perf_counter()
                results.append((ended, (ended - started) * 1000, status if ok else -1, fresh))

        started = time.perf_counter()
        stop_at[0] = started + plan.load_seconds
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(plan.load_clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        memory = server.stop()
    within = [r for r in results if r[0] <= started + plan.load_seconds]
    ms = sorted(r[1] for r in results)
    ok = [r for r in within if r[2] != -1]
    return {
        "server": kind,
        "workers": _workers(server.log_path),
        "clients": plan.load_clients,
        "seconds": plan.load_seconds,
        "wall_seconds": round(elapsed, 2),
        "figure_callbacks": len(results),
        "figure_callbacks_per_s": round(len(ok) / plan.load_seconds, 1),
        "p50_ms": _pct(ms, 50),
        "p95_ms": _pct(ms, 95),
        "max_ms": round(ms[-1], 1) if ms else None,
        "fresh_share": round(sum(r[3] for r in results) / len(results), 2) if results else None,
        "errors": len(errors),
        "error_examples": errors[:5],
        "memory": memory,
        "charts": sorted({b["inputs"][0]["id"]["chart"] for _, b in charts}),
    }


def _workers(log_path: Path) -> str | None:
    for line in log_path.read_text(errors="replace").splitlines():
        if "gunicorn" in line and "workers" in line:
            return line.split("ogdash:", 1)[-1].strip()
    return None


# True once Dash has no callback in flight, nothing is marked loading, the page's layout is in and every graph
# is drawn (the browser tests' harness waits on the same conditions): the page has settled.
SETTLED_JS = """
() => {
    const store = window.store && window.store.getState && window.store.getState();
    if (!store || store.isLoading) { return false; }
    const queues = Object.entries(store.callbacks || {}).filter(([name]) => name !== 'stored' && name !== 'completed');
    if (queues.some(([, queue]) => Array.isArray(queue) && queue.length)) { return false; }
    if (document.querySelector('[data-dash-is-loading]')) { return false; }
    if (!document.querySelector('#_pages_content > *')) { return false; }
    return [...document.querySelectorAll('.dash-graph')].every(g => {
        const plot = g.querySelector('.js-plotly-plot');
        return plot && plot._fullLayout && plot.layout && plot.layout.template && plot.querySelector('.main-svg');
    });
}
"""


def settle(page, *, stay_ms: int = 400, timeout_ms: float = 30_000) -> float:
    """Return when the page settled, in ms since its navigation started: the first moment SETTLED_JS held and then
    still held `stay_ms` later (a settled page can still start a chained callback)."""
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        left = max(1.0, (deadline - time.perf_counter()) * 1000)
        at = page.wait_for_function(f"() => ({SETTLED_JS})() && performance.now()", polling="raf",
                                    timeout=left).json_value()
        page.wait_for_timeout(stay_ms)
        if page.evaluate(SETTLED_JS):
            return float(at)
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not settle")


def browser_phase(data_dir: Path, kind: str, plan: Plan, logs: Path, log,
                  pages: list[tuple[str, str]] | None = None) -> dict:
    """Return the page weight of a first visit to "/" and the overview's LCP, then each page's settle time and LCP
    on a first visit to it (a fresh browser context each), in headless Chromium."""
    out: dict[str, Any] = {"server": kind}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        out["error"] = "playwright is not installed"
        return out
    if not Path(CHROMIUM).exists():
        out["error"] = f"no Chromium at {CHROMIUM}"
        return out
    lcp_script = """
        window.__lcp = null;
        new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
                window.__lcp = {ms: e.startTime, size: e.size,
                                element: e.element ? (e.element.tagName + (e.element.id ? '#' + e.element.id : '')
                                          + (e.element.className && e.element.className.baseVal === undefined
                                             ? '.' + String(e.element.className).split(' ')[0] : '')) : null};
            }
        }).observe({type: 'largest-contentful-paint', buffered: true});
    """
    with Server(kind, data_dir, logs) as server, sync_playwright() as pw:
        out["cold_start_s"] = round(server.ready_s, 3)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            runs = []
            for run in range(max(1, plan.lcp_runs)):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.add_init_script(lcp_script)
                finished: list = []
                page.on("requestfinished", lambda req: finished.append(req))
                started = time.perf_counter()
                page.goto(server.url + "/", wait_until="load")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                lcp = page.evaluate("window.__lcp")
                nav = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0] || {})")
                weight = 0
                by_type: dict[str, int] = {}
                biggest = []
                for req in finished:
                    try:
                        sizes = req.sizes()
                    except Exception:  # a request the page aborted
                        continue
                    size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    weight += size
                    by_type[req.resource_type] = by_type.get(req.resource_type, 0) + size
                    biggest.append((size, req.url.replace(server.url, "")))
                runs.append({
                    "lcp_ms": round(lcp["ms"], 1) if lcp else None,
                    "lcp_element": lcp.get("element") if lcp else None,
                    "load_s": round(time.perf_counter() - started, 2),
                    "requests": len(finished),
                    "transfer_bytes": weight,
                    "by_type": by_type,
                    "largest": [{"bytes": s, "url": u[:120]} for s, u in sorted(biggest, reverse=True)[:5]],
                    "dom_content_loaded_ms": round(json.loads(nav).get("domContentLoadedEventEnd", 0), 1),
                })
                context.close()
            out["runs"] = runs
            lcps = [r["lcp_ms"] for r in runs if r["lcp_ms"] is not None]
            out["lcp_first_ms"] = runs[0]["lcp_ms"]
            out["lcp_median_ms"] = round(statistics.median(lcps), 1) if lcps else None
            out["page_weight_bytes"] = runs[0]["transfer_bytes"]
            out["page_requests"] = runs[0]["requests"]
            out["method"] = "headless Chromium; sum of encoded body + header sizes of every request of the first visit"
            out["pages"] = []
            for label, path in pages or []:
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.add_init_script(lcp_script)
                finished = []
                page.on("requestfinished", lambda req: finished.append(req))
                entry: dict[str, Any] = {"page": label, "path": path}
                try:
                    page.goto(server.url + path, wait_until="commit")
                    entry["settled_ms"] = round(settle(page), 1)
                    lcp = page.evaluate("window.__lcp")
                    entry["lcp_ms"] = round(lcp["ms"], 1) if lcp else None
                    entry["lcp_element"] = lcp.get("element") if lcp else None
                    entry["requests"] = len(finished)
                except Exception as exc:  # a page that never settles is a result, not a crash
                    entry["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                context.close()
                log(f"bench: {path} settled at {entry.get('settled_ms')} ms, LCP {entry.get('lcp_ms')} ms")
                out["pages"].append(entry)
        finally:
            browser.close()
    return out


# ---------------------------------------------------------------- summaries

def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


def summarise(samples: list[Sample], baseline: list[Sample]) -> list[dict]:
    """Return one row per (callback, instance): cold and warm percentiles, bytes, errors, baseline median and ratios."""
    rows: dict[tuple[str, str], dict] = {}
    for s in samples + baseline:
        key = (s.name, s.instance)
        row = rows.setdefault(key, {"callback": s.name, "instance": s.instance, "pages": set(),
                                    "cold": [], "warm": [], "baseline": [], "bytes": [], "wire_bytes": [],
                                    "cold_cpu": [], "warm_cpu": [], "baseline_cpu": [],
                                    "errors": 0, "baseline_errors": 0, "error_examples": []})
        if s.phase == "baseline":
            if s.error:
                row["baseline_errors"] += 1
            else:
                row["baseline"].append(s.ms)
                if s.cpu_ms is not None:
                    row["baseline_cpu"].append(s.cpu_ms)
            continue
        row["pages"].add(s.page)
        if s.error:
            row["errors"] += 1
            if len(row["error_examples"]) < 2:
                row["error_examples"].append(f"{s.status} {s.error[:200]}")
            continue
        row[s.phase].append(s.ms)
        if s.cpu_ms is not None:
            row[f"{s.phase}_cpu"].append(s.cpu_ms)
        row["bytes"].append(s.bytes)
        row["wire_bytes"].append(s.wire_bytes)
    out = []
    for (name, instance), r in sorted(rows.items(), key=lambda kv: (_order(kv[0][0]), kv[0][1])):
        if not (r["cold"] or r["warm"] or r["errors"]):
            continue  # seen only in the baseline
        cold_med = statistics.median(r["cold"]) if r["cold"] else None
        warm_med = statistics.median(r["warm"]) if r["warm"] else None
        base_med = statistics.median(r["baseline"]) if r["baseline"] else None
        out.append({
            "callback": name, "instance": instance, "kind": _kind(name),
            "pages": sorted(r["pages"]),
            "cold": {"n": len(r["cold"]), "p50_ms": _pct(r["cold"], 50), "p95_ms": _pct(r["cold"], 95),
                     "max_ms": _pct(r["cold"], 100), "cpu_p50_ms": _pct(r["cold_cpu"], 50),
                     "cpu_p95_ms": _pct(r["cold_cpu"], 95)},
            "warm": {"n": len(r["warm"]), "p50_ms": _pct(r["warm"], 50), "p95_ms": _pct(r["warm"], 95),
                     "max_ms": _pct(r["warm"], 100), "cpu_p50_ms": _pct(r["warm_cpu"], 50),
                     "cpu_p95_ms": _pct(r["warm_cpu"], 95)},
            "bytes_max": max(r["bytes"]) if r["bytes"] else None,
            "bytes_median": int(statistics.median(r["bytes"])) if r["bytes"] else None,
            "wire_bytes_max": max(r["wire_bytes"]) if r["wire_bytes"] else None,
            "errors": r["errors"], "error_examples": r["error_examples"],
            "baseline": {"n": len(r["baseline"]), "median_ms": _pct(r["baseline"], 50),
                         "cpu_median_ms": _pct(r["baseline_cpu"], 50), "errors": r["baseline_errors"]},
            "speedup_cold": round(base_med / cold_med, 1) if base_med and cold_med else None,
            "speedup_warm": round(base_med / warm_med, 1) if base_med and warm_med else None,
            "speedup_cold_cpu": (round(_pct(r["baseline_cpu"], 50) / _pct(r["cold_cpu"], 50), 1)
                                 if r["baseline_cpu"] and r["cold_cpu"] and _pct(r["cold_cpu"], 50) else None),
        })
    return out


def _kind(name: str) -> str:
    if name == FIGURE:
        return "figure"
    if name == ROUTER_NAME:
        return "router"
    if name.startswith("app."):
        return "shell"
    if name.startswith("charts."):
        return "chart action"
    return "page"


def _order(name: str) -> int:
    return {"router": 0, "shell": 1, "figure": 2, "page": 3, "chart action": 4}[_kind(name)]


def _is_download(row: dict) -> bool:
    return "download" in row["callback"]


def targets(result: dict) -> list[dict]:
    """Return each target with its measured value and whether it is met."""
    rows = result["callbacks"]
    out = []

    def add(name, target, value, met, note=""):
        out.append({"target": name, "goal": target, "value": value, "met": met, "note": note})

    cold = [r for r in rows if r["cold"]["p95_ms"] is not None]
    worst = max(cold, key=lambda r: r["cold"]["p95_ms"]) if cold else None
    add("p95 of every callback, cold", f"≤ {TARGETS['cold_p95_ms']} ms",
        f"{worst['cold']['p95_ms']} ms ({worst['callback']} {worst['instance']})".strip() if worst else None,
        bool(worst) and worst["cold"]["p95_ms"] <= TARGETS["cold_p95_ms"],
        f"{sum(r['cold']['p95_ms'] > TARGETS['cold_p95_ms'] for r in cold)} of {len(cold)} callbacks over")
    figs = [r for r in rows if r["kind"] == "figure" and r["speedup_cold"]]
    if figs:
        low = min(figs, key=lambda r: r["speedup_cold"])
        all_ours = [s for r in figs for s in [r["cold"]["p50_ms"]]]
        all_base = [r["baseline"]["median_ms"] for r in figs]
        overall = round(statistics.median(all_base) / statistics.median(all_ours), 1)
        add("faster than the pandas baseline (medians, figure callbacks, cold)", f"≥ {TARGETS['speedup']}×",
            f"lowest {low['speedup_cold']}× ({low['instance']}); median of medians {overall}×",
            low["speedup_cold"] >= TARGETS["speedup"],
            f"{sum(r['speedup_cold'] < TARGETS['speedup'] for r in figs)} of {len(figs)} charts under")
    rss = result["server_memory"]
    add("server RSS (production, process tree, after the load run)", f"≤ {TARGETS['rss_mb']} MB",
        f"{rss.get('prod_tree_rss_mb')} MB", (rss.get("prod_tree_rss_mb") or 1e9) <= TARGETS["rss_mb"])
    base_rss = result["baseline"].get("rss_mb")
    one = rss.get("single_process_rss_mb")
    if base_rss and one:
        add("RSS at most a third of the baseline's (one process each)", "≤ 1/3",
            f"{one} MB vs {base_rss} MB = {one / base_rss:.2f}", one <= base_rss * TARGETS["rss_share_of_baseline"])
    rendered = [r for r in rows if r["bytes_max"] is not None and not _is_download(r)]
    big = max(rendered, key=lambda r: r["bytes_max"]) if rendered else None
    add("largest callback response (decoded JSON; CSV downloads apart)", f"≤ {TARGETS['response_kb']} KB",
        f"{big['bytes_max'] / 1024:.0f} KB ({big['callback']} {big['instance']})".strip() if big else None,
        bool(big) and big["bytes_max"] <= TARGETS["response_kb"] * 1024)
    cs = result["cold_start"]
    add("cold start (launch to first response)", f"≤ {TARGETS['cold_start_s']} s",
        f"{cs.get('max_s')} s max, {cs.get('median_s')} s median ({cs.get('server')})",
        (cs.get("max_s") or 1e9) <= TARGETS["cold_start_s"])
    ld = result["load"]
    add(f"figure callbacks/s under load ({ld.get('clients')} clients), zero errors",
        f"≥ {TARGETS['load_figure_cps']}/s, 0 errors",
        f"{ld.get('figure_callbacks_per_s')}/s, {ld.get('errors')} errors, p95 {ld.get('p95_ms')} ms",
        (ld.get("figure_callbacks_per_s") or 0) >= TARGETS["load_figure_cps"] and ld.get("errors") == 0)
    br = result["browser"]
    add("LCP of the overview (headless Chromium, localhost)", f"≤ {TARGETS['lcp_ms']} ms",
        f"{br.get('lcp_median_ms')} ms median, {br.get('lcp_first_ms')} ms first visit" if "runs" in br
        else br.get("error"), bool(br.get("lcp_median_ms")) and br["lcp_median_ms"] <= TARGETS["lcp_ms"]
        and (br.get("lcp_first_ms") or 1e9) <= TARGETS["lcp_ms"])
    add("page weight, first visit to / (compressed)", f"≤ {TARGETS['page_weight_kb']} KB",
        f"{(br.get('page_weight_bytes') or 0) / 1024:.0f} KB" if "runs" in br else br.get("error"),
        "runs" in br and br["page_weight_bytes"] <= TARGETS["page_weight_kb"] * 1024)
    visited = br.get("pages") or []
    if visited:
        failed = [v for v in visited if v.get("settled_ms") is None]
        slow = max(visited, key=lambda v: v.get("settled_ms") or 1e9)
        add("every page settled in Chromium (first visit each)", f"≤ {TARGETS['settled_ms']} ms",
            f"slowest {slow.get('settled_ms')} ms ({slow['page']})",
            not failed and slow["settled_ms"] <= TARGETS["settled_ms"],
            f"{len(failed)} of {len(visited)} never settled" if failed else "")
        worst = max(visited, key=lambda v: v.get("lcp_ms") or 1e9)
        add("LCP of every page (first visit each)", f"≤ {TARGETS['lcp_ms']} ms",
            f"highest {worst.get('lcp_ms')} ms ({worst['page']})",
            all(v.get("lcp_ms") is not None and v["lcp_ms"] <= TARGETS["lcp_ms"] for v in visited))
    return out


def markdown(result: dict) -> str:
    """Return the results as markdown tables."""
    m = result["meta"]
    lines = [f"Snapshot `{m['snapshot']}` ({m['rows_total']:,} rows: " +
             ", ".join(f"{k} {v:,}" for k, v in m["rows"].items() if v) + ")",
             f"Machine: {m['machine'].get('nproc')} CPUs, {m['machine'].get('cpu_model')}, "
             f"{m['machine'].get('mem_total_gb')} GB; load average {m.get('loadavg_start')} at the start, "
             f"{m.get('loadavg_end')} at the end; mode {'quick' if m['quick'] else 'full'}; "
             f"latency server: {result['latency_server']}. Times are wall-clock at the client on 127.0.0.1; "
             "CPU is the server's own CPU time for the request, read from /proc.", ""]
    lines += ["| callback | chart / page | cold n | cold p50 ms | cold p95 ms | cold CPU p50/p95 ms | warm p50 ms "
              "| warm p95 ms | max KB (gzip KB) | pandas median ms (CPU) | × cold | × warm | × CPU | errors |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in result["callbacks"]:
        def f(v):
            return "–" if v is None else f"{v:g}"
        kb = "–" if r["bytes_max"] is None else f"{r['bytes_max'] / 1024:.1f} ({(r['wire_bytes_max'] or 0) / 1024:.1f})"
        where = r["instance"] or ", ".join(r["pages"]) if r["kind"] == "page" else r["instance"] or "all pages"
        lines.append(f"| {r['callback']} | {where} | {r['cold']['n']} | {f(r['cold']['p50_ms'])} "
                     f"| {f(r['cold']['p95_ms'])} | {f(r['cold']['cpu_p50_ms'])} / {f(r['cold']['cpu_p95_ms'])} "
                     f"| {f(r['warm']['p50_ms'])} | {f(r['warm']['p95_ms'])} | {kb} "
                     f"| {f(r['baseline']['median_ms'])} ({f(r['baseline']['cpu_median_ms'])}) "
                     f"| {f(r['speedup_cold'])} | {f(r['speedup_warm'])} | {f(r['speedup_cold_cpu'])} | {r['errors']} |")
    s = result["server_memory"]
    b = result["baseline"]
    ld = result["load"]
    br = result["browser"]
    cs = result["cold_start"]
    lines += ["", "| measure | value |", "|---|---|",
              f"| cold start, launch → first `/` response ({cs.get('server')}) | median {cs.get('median_s')} s, "
              f"max {cs.get('max_s')} s, n {len(cs.get('samples_s', []))} |",
              f"| server RSS, one process (peak over the latency runs) | {s.get('single_process_rss_mb')} MB "
              f"(PSS {s.get('single_process_pss_mb')} MB) |",
              f"| server RSS, production tree after the load run | {s.get('prod_tree_rss_mb')} MB "
              f"(PSS {s.get('prod_tree_pss_mb')} MB, {s.get('prod_processes')} processes) |",
              f"| pandas baseline RSS (one process, peak) | {b.get('rss_mb')} MB (PSS {b.get('pss_mb')} MB); "
              f"tables loaded in {b.get('tables_loaded_s')} s, first response after {b.get('ready_s')} s |",
              f"| load: {ld.get('clients')} clients × {ld.get('seconds')} s, {ld.get('server')} "
              f"({ld.get('workers')}) | {ld.get('figure_callbacks_per_s')} figure callbacks/s, "
              f"p50 {ld.get('p50_ms')} ms, p95 {ld.get('p95_ms')} ms, {ld.get('errors')} errors, "
              f"{int((ld.get('fresh_share') or 0) * 100)} % never-seen views |",
              f"| page weight, first visit to `/` (compressed, {br.get('page_requests')} requests) | "
              f"{(br.get('page_weight_bytes') or 0) / 1024:.0f} KB |" if "runs" in br else
              f"| page weight | {br.get('error')} |",
              f"| LCP of the overview, headless Chromium | first visit {br.get('lcp_first_ms')} ms, "
              f"median of {len(br.get('runs', []))} {br.get('lcp_median_ms')} ms "
              f"({(br.get('runs') or [{}])[0].get('lcp_element')}) |" if "runs" in br else
              f"| LCP | {br.get('error')} |"]
    lines += [f"| {v['page']}: settled, LCP (first visit, headless Chromium) | "
              + (f"{v.get('settled_ms')} ms, {v.get('lcp_ms')} ms ({v.get('lcp_element')})" if "error" not in v
                 else v["error"]) + " |" for v in br.get("pages") or []]
    lines += ["", "| target | goal | measured | met |", "|---|---|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['target']} | {t['goal']} | {t['value']} {('· ' + t['note']) if t['note'] else ''} "
                     f"| {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- the command

def run(data_dir: Path, *, json_path: Path | None = None, quick: bool = False, seed: int = 2026,
        plan: Plan | None = None, log=lambda s: print(s, file=sys.stderr, flush=True)) -> dict:
    """Take every measurement, print the markdown tables and write the JSON; return the result."""
    data_dir = Path(data_dir).resolve()
    plan = plan or (QUICK if quick else FULL)
    snap = data.current_snapshot(data_dir)
    rng = random.Random(seed)
    logs = Path(tempfile.mkdtemp(prefix="ogdash-bench-"))
    kind = "prod" if importlib.util.find_spec("dashboard.prod") else "dev"
    started = time.perf_counter()
    loadavg_start = _loadavg()
    log(f"bench: snapshot {snap.id} in {data_dir}; server logs in {logs}; load average {loadavg_start}")
    values = Values.from_snapshot(data_dir, seed)
    names, page_list = callback_names(data_dir)
    pages = _page_paths(page_list, values, rng)
    log(f"bench: pages {', '.join(p for p, _ in pages)}")

    log("bench: latency (cold, then warm) on fresh server processes")
    latency = latency_phase(data_dir, kind, values, names, pages, plan, logs, rng, log)
    log("bench: pandas baseline")
    baseline = baseline_phase(data_dir, values, names, pages, plan, logs, rng, log)
    log("bench: page weight and LCP")
    browser = browser_phase(data_dir, kind, plan, logs, log, pages)
    log(f"bench: load, {plan.load_clients} clients for {plan.load_seconds:g} s")
    load = load_phase(data_dir, kind, values, names, pages, plan, logs, rng, log)

    rows = {name: entry["rows"] for name, entry in snap.manifest["tables"].items()}
    single = [m["peak"] for m in latency["memory"] if m]
    starts = latency["cold_starts"] + ([browser["cold_start_s"]] if "cold_start_s" in browser else [])
    result: dict[str, Any] = {
        "meta": {
            "snapshot": snap.id, "data_dir": str(data_dir), "rows": rows, "rows_total": sum(rows.values()),
            "quick": quick, "seed": seed, "plan": plan.__dict__, "started_at": dt.datetime.now().isoformat(
                timespec="seconds"), "command": "ogdash bench --data-dir " + str(data_dir) + (" --quick" if quick else ""),
            "machine": machine(), "pages": [p for p, _ in pages],
            "loadavg_start": loadavg_start, "loadavg_end": _loadavg(),
        },
        "latency_server": latency["server"],
        "callbacks": summarise(latency["samples"], baseline["samples"]),
        "cold_start": {"server": kind, "samples_s": [round(s, 3) for s in starts],
                       "median_s": round(statistics.median(starts), 3) if starts else None,
                       "max_s": round(max(starts), 3) if starts else None},
        "server_memory": {
            "single_process_rss_mb": max((m["rss_mb"] for m in single), default=None),
            "single_process_pss_mb": max((m["pss_mb"] for m in single), default=None),
            "prod_tree_rss_mb": load.get("memory", {}).get("end", {}).get("rss_mb"),
            "prod_tree_pss_mb": load.get("memory", {}).get("end", {}).get("pss_mb"),
            "prod_tree_peak_rss_mb": load.get("memory", {}).get("peak", {}).get("rss_mb"),
            "prod_processes": load.get("memory", {}).get("end", {}).get("processes"),
        },
        "baseline": {"rss_mb": baseline["memory"].get("peak", {}).get("rss_mb"),
                     "pss_mb": baseline["memory"].get("peak", {}).get("pss_mb"),
                     "ready_s": round(baseline["ready_s"], 2), "tables_loaded_s": baseline["tables_loaded_s"],
                     "calls": len(baseline["samples"]),
                     "errors": sum(1 for s in baseline["samples"] if s.error)},
        "load": load,
        "browser": browser,
    }
    result["targets"] = targets(result)
    result["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    json_path = Path(json_path) if json_path else Path("bench.json")
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(markdown(result))
    log(f"bench: done in {result['meta']['seconds']:.0f} s; JSON in {json_path}")
    if any(r["errors"] for r in result["callbacks"]) or result["load"].get("errors") or result["baseline"]["errors"]:
        log(f"bench: some requests failed; the servers' logs are kept in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    return result


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
