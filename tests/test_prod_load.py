"""The CI variant of the load test: 10 virtual users for 20 s against `ogdash serve --prod` on demo
data. It asserts zero errors, not speed (speed depends on the machine; docs/deployment.md has the
figures of the full 50-user run and the soak)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import REPO


def test_ten_users_for_twenty_seconds_see_no_errors(tmp_path):
    report = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.loadtest", "--start", "--demo", "small", "--users", "10", "--duration", "20",
         "--workers", "2", "--sample-every", "5", "--json", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    rep = json.loads(report.read_text())
    assert rep["errors"] == 0, rep["error_samples"]
    assert run.returncode == 0, run.stdout[-3000:]
    kinds = rep["by_kind"]
    assert rep["page_views"] >= 10
    assert kinds["chart callback"]["count"] > 0 and kinds["page"]["count"] > 0 and kinds["router"]["count"] > 0
    assert "memory" in rep and rep["memory"]["rss_end_mb"] > 0
