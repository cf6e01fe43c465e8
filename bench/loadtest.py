"""Bounded load test of `ogdash serve --prod`: virtual users load pages the way a browser does.

Each virtual user (a thread with its own keep-alive session) repeats a page view: GET the page,
GET /_dash-layout and /_dash-dependencies, POST the page router and the URL-driven shell
callbacks, then POST every callback that the returned page layout's stores drive (the chart
callbacks and the page's own), with concrete ids, exactly as Dash's front end would (bench/frontend.py). Filters vary
from view to view (jurisdiction, level, cycle, language), chosen from what the served snapshot offers.

    python -m bench.loadtest --start --demo small --users 10 --duration 20     # the CI variant
    python -m bench.loadtest --start --demo small --users 50 --duration 300    # the full run
    python -m bench.loadtest --start --demo small --users 20 --duration 600 --sample-every 15  # soak
    python -m bench.loadtest --url http://127.0.0.1:8050 --pid <gunicorn master pid> ...

(run from the checkout: the bench/ folder is not part of the installed package).

It reports p50/p95/max latency per kind of request, errors, requests and callbacks per second, and
(when it knows the gunicorn master's pid) the RSS and PSS of master + workers sampled over time.
Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.frontend import (CALLBACK_PATH, LOCATION, ROUTER, callback_request, split_output, store_callbacks,
                            url_callbacks)
from bench.servers import REPO, free_port, start_server, stop_server, tree_memory, wait_healthy

PAGES = ("/", "/commitments", "/datasets", "/training", "/compare", "/data")


# ---------------------------------------------------------------- measurements

class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.views = 0
        self.charts: dict[str, list[float]] = defaultdict(list)
        self.retries = 0
        self.retry_samples: list[str] = []

    def retried(self, detail: str) -> None:
        with self.lock:
            self.retries += 1
            if len(self.retry_samples) < 10:
                self.retry_samples.append(detail)

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "", chart: str | None = None) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if chart:
                self.charts[chart].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {detail}"[:300])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- virtual users

class Site:
    """What every virtual user needs to know about the app, fetched once."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base = base.rstrip("/")
        session = requests.Session()
        self.deps = session.get(self.base + "/_dash-dependencies", timeout=timeout).json()
        self.router = next(d for d in self.deps if d["output"] == ROUTER)
        self.shell = [d for d in url_callbacks(self.deps) if d["output"] != ROUTER]
        self.jurisdictions, self.cycles = self._filter_values(session, timeout)
        self.pages = PAGES

    def _filter_values(self, session, timeout) -> tuple[list[str], list[str]]:
        for dep in self.shell:
            ids = [o["id"] for o in split_output(dep["output"])]
            if "filters-jurisdiction" in ids:
                body = callback_request(dep, [""] * len(dep["inputs"]))
                answer = session.post(self.base + CALLBACK_PATH, json=body, timeout=timeout).json()["response"]
                return ([o["value"] for o in answer.get("filters-jurisdiction", {}).get("options", [])],
                        [o["value"] for o in answer.get("filters-cycle", {}).get("options", [])])
        return [], []

    def random_search(self, rng: random.Random) -> str:
        pairs = []
        if rng.random() < 0.3:
            pairs.append(("lang", "fr"))
        if self.jurisdictions and rng.random() < 0.5:
            pairs.append(("jurisdiction", ",".join(rng.sample(self.jurisdictions, min(len(self.jurisdictions),
                                                                                     rng.randint(1, 3))))))
        if rng.random() < 0.3:
            pairs.append(("level", rng.choice(["national", "subnational", "local"])))
        if self.cycles and rng.random() < 0.3:
            pairs.append(("cycle", rng.choice(self.cycles)))
        return "?" + urlencode(pairs) if pairs else ""


def page_view(site: Site, session: requests.Session, rng: random.Random, results: Results, timeout: float) -> None:
    path = rng.choice(site.pages)
    search = site.random_search(rng)

    def call(kind: str, method: str, url: str, *, chart: str | None = None, **kw):
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                response = session.request(method, site.base + url, timeout=timeout, **kw)
                break
            except requests.ConnectionError as exc:
                # A kept-alive connection the server closed as the request went out. Browsers resend
                # once on a fresh connection (Chromium does so for any method); so does this, and counts it.
                if attempt == 1:
                    results.retried(f"{kind} {url}: {str(exc)[:160]}")
                    continue
                results.record(kind, time.perf_counter() - started, False, f"{url}: {str(exc)[:200]}", chart=chart)
                return None
            except requests.RequestException as exc:
                results.record(kind, time.perf_counter() - started, False, f"{url}: {str(exc)[:200]}", chart=chart)
                return None
        ok = response.status_code in (200, 204)
        results.record(kind, time.perf_counter() - started, ok, f"{response.status_code} {url} {response.text[:120]}",
                       chart=chart)
        return response if ok else None

    call("page", "GET", path + search)
    call("layout", "GET", "/_dash-layout")
    call("dependencies", "GET", "/_dash-dependencies")
    routed = call("router", "POST", CALLBACK_PATH,
                  json=callback_request(site.router, [path, search], changed=[f"{LOCATION}.pathname"]))
    for dep in site.shell:
        values = [path if i["property"] == "pathname" else search for i in dep["inputs"]]
        call("shell callback", "POST", CALLBACK_PATH, json=callback_request(dep, values))
    if routed is None or routed.status_code != 200:
        return
    layout = routed.json()["response"]["_pages_content"]["children"]
    for dep, match, values in store_callbacks(site.deps, layout):
        kind = "chart callback" if "chart" in match else "page callback"
        call(kind, "POST", CALLBACK_PATH, json=callback_request(dep, values, match=match), chart=match.get("chart"))
    with results.lock:
        results.views += 1


def run_load(base: str, *, users: int, duration: float, think: float, timeout: float = 120.0,
             master_pid: int | None = None, sample_every: float = 10.0, seed: int = 2026,
             log=print) -> dict:
    """Run `users` virtual users against `base` for `duration` seconds; return the report."""
    site = Site(base, timeout)
    results = Results()
    stop = threading.Event()
    samples: list[dict] = []

    def user(n: int) -> None:
        rng = random.Random(seed + n)
        session = requests.Session()
        time.sleep(rng.uniform(0, min(2.0, duration / 10)))  # ramp up over a couple of seconds
        while not stop.is_set():
            page_view(site, session, rng, results, timeout)
            if think:
                stop.wait(rng.uniform(0.5 * think, 1.5 * think))

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for th in threads:
        th.start()
    next_sample = started
    while time.perf_counter() - started < duration:
        if master_pid and time.perf_counter() >= next_sample:
            sample = {"t": round(time.perf_counter() - started, 1), **tree_memory(master_pid)}
            samples.append(sample)
            log(f"  t={sample['t']:>6}s  processes={sample['processes']}  rss={sample['rss_mb']} MB  "
                f"pss={sample['pss_mb']} MB  views={results.views}")
            next_sample += sample_every
        time.sleep(0.2)
    stop.set()
    for th in threads:
        th.join(timeout + 5)
    elapsed = time.perf_counter() - started
    if master_pid:
        samples.append({"t": round(elapsed, 1), **tree_memory(master_pid)})
    return report(results, elapsed, users=users, duration=duration, think=think, samples=samples,
                  load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else None)


def report(results: Results, elapsed: float, **run) -> dict:
    every = [x for values in results.latency.values() for x in values]
    callbacks = sum(len(v) for k, v in results.latency.items() if "callback" in k or k == "router")
    kinds = {
        kind: {"count": len(v), "errors": results.errors.get(kind, 0),
               "p50_ms": round(1000 * statistics.median(v), 1) if v else 0.0,
               "p95_ms": round(1000 * _pct(v, 0.95), 1), "max_ms": round(1000 * max(v), 1) if v else 0.0}
        for kind, v in sorted(results.latency.items())
    }
    out = {
        **run,
        "elapsed_s": round(elapsed, 1),
        "page_views": results.views,
        "requests": len(every),
        "errors": sum(results.errors.values()),
        "error_samples": results.error_samples,
        "retried_connections": results.retries,
        "retry_samples": results.retry_samples,
        "requests_per_s": round(len(every) / elapsed, 1),
        "callbacks_per_s": round(callbacks / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(every), 1) if every else 0.0,
        "p95_ms": round(1000 * _pct(every, 0.95), 1),
        "max_ms": round(1000 * max(every), 1) if every else 0.0,
        "by_kind": kinds,
        "slowest_charts": sorted(
            ({"chart": c, "count": len(v), "p50_ms": round(1000 * statistics.median(v), 1),
              "p95_ms": round(1000 * _pct(v, 0.95), 1)} for c, v in results.charts.items()),
            key=lambda c: -c["p50_ms"])[:5],
    }
    samples = run.get("samples") or []
    if len(samples) >= 2:
        # Growth is measured from the first sample after warm-up (10% of the run) to the last.
        warm = next((s for s in samples if s["t"] >= 0.1 * elapsed), samples[0])
        out["memory"] = {
            "rss_start_mb": samples[0]["rss_mb"], "rss_after_warmup_mb": warm["rss_mb"],
            "rss_end_mb": samples[-1]["rss_mb"], "rss_max_mb": max(s["rss_mb"] for s in samples),
            "rss_growth_after_warmup_mb": round(samples[-1]["rss_mb"] - warm["rss_mb"], 1),
            "pss_after_warmup_mb": warm["pss_mb"], "pss_end_mb": samples[-1]["pss_mb"],
            "pss_growth_after_warmup_mb": round(samples[-1]["pss_mb"] - warm["pss_mb"], 1),
        }
    return out


def print_report(rep: dict, log=print) -> None:
    log(f"\n{rep['users']} users x {rep['elapsed_s']} s (think {rep['think']} s): {rep['page_views']} page views, "
        f"{rep['requests']} requests, {rep['errors']} errors (host load average at the end: {rep['load_average']})")
    log(f"  {rep['requests_per_s']} requests/s, {rep['callbacks_per_s']} callbacks/s; "
        f"latency p50 {rep['p50_ms']} ms, p95 {rep['p95_ms']} ms, max {rep['max_ms']} ms")
    log(f"  {'kind':<16} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, k in rep["by_kind"].items():
        log(f"  {kind:<16} {k['count']:>7} {k['errors']:>6} {k['p50_ms']:>8} {k['p95_ms']:>8} {k['max_ms']:>8}")
    if rep.get("slowest_charts"):
        log("  slowest charts (p50 / p95 ms): " + ", ".join(
            f"{c['chart']} {c['p50_ms']:g} / {c['p95_ms']:g}" for c in rep["slowest_charts"]))
    if "memory" in rep:
        m = rep["memory"]
        log(f"  memory (master + workers): RSS {m['rss_start_mb']} MB at start, {m['rss_after_warmup_mb']} MB after "
            f"warm-up, {m['rss_end_mb']} MB at end (max {m['rss_max_mb']}); growth after warm-up "
            f"{m['rss_growth_after_warmup_mb']} MB RSS, {m['pss_growth_after_warmup_mb']} MB PSS")
    if rep.get("retried_connections"):
        log(f"  {rep['retried_connections']} request(s) resent once on a fresh connection after the kept-alive one "
            "closed (as browsers do); not errors unless the resend failed too")
        for sample in rep["retry_samples"]:
            log(f"  resent: {sample}")
    for sample in rep["error_samples"]:
        log(f"  error: {sample}")


# ---------------------------------------------------------------- the command

def demo_data(scale: str, into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "dashboard.cli", "demo-data", "--scale", scale, "--data-dir", str(into)],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="test a server that is already running")
    where.add_argument("--start", action="store_true", help="start `ogdash serve --prod` on a free loopback port")
    parser.add_argument("--pid", type=int, help="with --url: the gunicorn master's pid, to sample memory")
    parser.add_argument("--data-dir", help="with --start: the data folder to serve")
    parser.add_argument("--demo", metavar="SCALE", help="with --start: serve a fresh `ogdash demo-data --scale SCALE`")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=float, default=20, help="seconds")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between one user's page views, seconds (0: none)")
    parser.add_argument("--sample-every", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds a request may take before it counts as an error (gunicorn's own limit is 60)")
    parser.add_argument("--workers", type=int, help="with --start: OGDASH_WORKERS")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)

    proc = None
    tmp = None
    base = args.url
    master = args.pid
    try:
        if args.start:
            if args.demo:
                tmp = tempfile.TemporaryDirectory(prefix="ogdash-load-")
                data_dir = demo_data(args.demo, Path(tmp.name))
            elif args.data_dir:
                data_dir = Path(args.data_dir)
            else:
                parser.error("--start needs --data-dir or --demo")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log_path = Path(tempfile.gettempdir()) / f"ogdash-loadtest-{port}.log"
            env = {"OGDASH_WORKERS": str(args.workers)} if args.workers else {}
            proc = start_server(data_dir, port, log_file=open(log_path, "w"), env=env)
            health = wait_healthy(base, proc)
            master = proc.pid
            print(f"started ogdash serve --prod on {base} (pid {master}, snapshot {health['snapshot_id']}, "
                  f"log {log_path})")
        rep = run_load(base, users=args.users, duration=args.duration, think=args.think, timeout=args.timeout,
                       master_pid=master, sample_every=args.sample_every)
    finally:
        if proc is not None:
            stop_server(proc)
        if tmp is not None:
            tmp.cleanup()
    print_report(rep)
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=2) + "\n", encoding="utf-8")
    return 1 if rep["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
