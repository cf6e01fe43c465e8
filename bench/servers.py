"""The servers the bench and the load test measure: started on 127.0.0.1, watched through /proc, stopped by their id.

`Server` starts one (the app under gunicorn, the development server, or the pandas baseline), waits
for its first page and samples its memory until it stops. `start_server`/`wait_healthy`/`stop_server`
do the same for a caller that keeps the process itself (the load test, the server tests). Memory and
CPU are read from /proc over the whole process tree (a gunicorn master and its workers).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent  # the checkout: servers run from it, `python -m bench.baseline` too


# ---------------------------------------------------------------- processes: memory and CPU

def children(pid: int) -> list[int]:
    """Return the ids of a process's children (forked by any of its threads); none when it is gone."""
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                kids += [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                pass
    except OSError:
        pass
    return kids


def tree_memory(pid: int) -> dict:
    """Return RSS and PSS (MB) summed over a process and all its descendants, and how many processes."""
    pids = tree(pid)
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": len(pids)}


def tree(pid: int) -> list[int]:
    """Return a process and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


_TICK_NS = 1e9 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 1e7


def tree_cpu_ns(pid: int) -> tuple[int, int]:
    """Return CPU time used so far by a process tree: (ns summed over live threads, ns from clock ticks).

    The first is exact (schedstat) but forgets threads that have exited; the second (utime +
    stime) counts them, to 10 ms.
    """
    live = ticks = 0
    for p in tree(pid):
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                try:
                    live += int((task / "schedstat").read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    pass
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int((int(fields[11]) + int(fields[12])) * _TICK_NS)
        except (OSError, ValueError, IndexError):
            pass
    return live, ticks


class CpuProbe:
    """Server CPU spent on one request, read from /proc around it (the bench sends one request at a time).

    A server whose threads outlive the request (gunicorn's gthread workers) is read per thread,
    to the nanosecond; a thread-per-request server (the development server) loses the thread's
    time when it exits, so it is read from the process's clock ticks, to 10 ms.
    """

    def __init__(self, pid: int, *, threads_outlive_requests: bool = True):
        self.pid = pid
        self.exact = threads_outlive_requests

    def read(self) -> tuple[int, int]:
        return tree_cpu_ns(self.pid)

    def spent_ms(self, before: tuple[int, int], after: tuple[int, int]) -> float:
        live, ticks = after[0] - before[0], after[1] - before[1]
        return round((live if self.exact and live >= 0 else ticks) / 1e6, 2)


class MemoryWatch:
    """Samples a process tree's memory in the background; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.25):
        self.pid, self.every = pid, every
        self.peak = {"rss_mb": 0.0, "pss_mb": 0.0, "processes": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> dict:
        now = tree_memory(self.pid)
        if now["rss_mb"] >= self.peak["rss_mb"]:
            self.peak = now
        return now

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join(timeout=5)
        return {"peak": self.peak, "end": self.sample()}


# ---------------------------------------------------------------- starting and stopping servers

def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(data_dir: Path, port: int, *, prod: bool = True) -> list[str]:
    """Return the command that serves the dashboard on 127.0.0.1:`port` from `data_dir`."""
    return [sys.executable, "-m", "dashboard.cli", "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
            "--port", str(port)] + (["--prod"] if prod else [])


def start_server(data_dir: Path, port: int, *, log_file, env: dict | None = None) -> subprocess.Popen:
    """Start `ogdash serve --prod` on 127.0.0.1:`port` in its own process group."""
    full_env = {**os.environ, "OGDASH_ACCESS_LOG": "", **(env or {})}
    return subprocess.Popen(serve_command(data_dir, port), cwd=REPO, env=full_env, stdout=log_file,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(base: str, proc: subprocess.Popen | None = None, timeout: float = 60.0) -> dict:
    """Return the server's /healthz answer once it is 200; raise if the process exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            response = requests.get(base + "/healthz", timeout=2)
            if response.status_code == 200:
                return response.json()
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not become healthy in {timeout:g} s")


def stop_server(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop gunicorn gracefully (SIGTERM to the master), then by force."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class Server:
    """A server process the bench started, on 127.0.0.1, in its own process group; stopped by its id."""

    def __init__(self, kind: str, data_dir: Path, logs: Path, *, env: dict | None = None, timeout: float = 300):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if kind == "baseline":
            cmd = [sys.executable, "-m", "bench.baseline", "--data-dir", str(data_dir), "--port", str(self.port)]
        else:
            cmd = serve_command(data_dir, self.port, prod=kind == "prod")
        self.log_path = logs / f"{kind}-{self.port}.log"
        full_env = {**os.environ, "OGDASH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(env or {})}
        self._log = open(self.log_path, "wb")
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=full_env,
                                     start_new_session=True, cwd=REPO)
        self.ready_s = self._wait_ready(started, timeout)
        self.memory = MemoryWatch(self.proc.pid)

    def _wait_ready(self, started: float, timeout: float) -> float:
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited with {self.proc.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                r = requests.get(self.url + "/", timeout=30)
                if r.status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"{self.kind} server not answering after {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> dict:
        memory = self.memory.stop() if hasattr(self, "memory") else {}
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this bench created for this server
                self.proc.wait(timeout=25)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self._log.close()
        return memory

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
