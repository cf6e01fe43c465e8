"""`ogdash bench --quick` on a small demo snapshot writes every section of its JSON (speed is never asserted here)."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import baseline
from dashboard import data, publish

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench-small")
    publish.write_scale_snapshot(root, "small")
    return root


@pytest.mark.timeout(900)
def test_quick_bench_writes_every_section(small, tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "-m", "dashboard.cli", "bench", "--data-dir", str(small), "--quick",
                          "--json", str(out)], cwd=REPO, capture_output=True, text=True, timeout=880)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(result) >= {"meta", "callbacks", "cold_start", "server_memory", "baseline", "load", "browser",
                           "targets", "latency_server"}
    assert result["meta"]["quick"] is True
    assert {"nproc", "cpu_model"} <= set(result["meta"]["machine"])

    kinds = {row["kind"] for row in result["callbacks"]}
    assert {"router", "shell", "figure", "page"} <= kinds
    figures = [row for row in result["callbacks"] if row["kind"] == "figure"]
    for row in figures:
        assert row["cold"]["n"] >= 1 and row["cold"]["p95_ms"] is not None, row
        assert row["bytes_max"] and row["wire_bytes_max"], row
    assert any(row["warm"]["n"] for row in result["callbacks"])
    assert any(row["baseline"]["n"] for row in figures), "no chart was timed against the pandas baseline"

    assert result["cold_start"]["samples_s"]
    assert result["server_memory"]["single_process_rss_mb"] > 0
    assert result["baseline"]["rss_mb"] > 0
    assert result["load"]["figure_callbacks"] > 0 and "errors" in result["load"]
    assert "lcp_median_ms" in result["browser"] or "error" in result["browser"]
    if "error" not in result["browser"]:  # each page visited once in a fresh context: settle time and LCP, or why not
        visited = result["browser"]["pages"]
        assert {v["page"] for v in visited} == set(result["meta"]["pages"])
        assert all(v.get("settled_ms") is not None or v.get("error") for v in visited), visited
        assert any(t["target"].startswith("every page settled") for t in result["targets"])
    assert {t["target"] for t in result["targets"]} and all("met" in t for t in result["targets"])
    assert "| callback |" in run.stdout and "| target |" in run.stdout


# ---------------------------------------------------------------- the baseline answers what the queries answer

def _plain(value):
    if value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, (np.integer, np.floating, float)):
        value = float(value)
        return round(value, 9) if not math.isinf(value) else value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    return value


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(_plain(v) for v in rec) for rec in frame.astype(object).itertuples(index=False, name=None)]


def _variants(small: Path) -> list[dict]:
    frames = baseline.load(small)
    jurisdictions = sorted(frames.t["jurisdictions"]["jurisdiction_id"])
    cycles = sorted(frames.t["commitments"]["cycle"].unique())
    linked = [frames.t[name]["commitment_id"].dropna().iloc[0] for name in ("indicators", "datasets", "learning_events")]
    ids = linked + ["no-such-commitment", sorted(frames.t["commitments"]["commitment_id"])[0]]
    return [{"commitment_id": ids[i % len(ids)], **variant} for i, variant in enumerate([
        {},
        {"jurisdictions": jurisdictions[:2]},
        {"levels": ["national"], "grain": "year"},
        {"cycles": cycles[-2:], "levels": ["subnational", "local"]},
        {"date_from": dt.date(2019, 3, 15), "date_to": dt.date(2023, 6, 1), "grain": "year"},
        {"date_from": dt.date(2021, 1, 1), "jurisdictions": jurisdictions[3:9]},
        {"statuses": ["complete", "limited"], "q": "data", "dimension": "format"},
        {"dimension": "licence", "limit": 5, "offset": 5},
        {"align": "year", "levels": ["national"]},
    ])]


DEFAULTS = {"jurisdictions": [], "levels": [], "cycles": [], "date_from": None, "date_to": None, "statuses": [],
            "q": "", "dimension": "organization", "limit": None, "offset": 0, "as_of": dt.date(2026, 11, 22),
            "stale_periods": 3, "horizon_days": 60, "min_assessed": 5, "align": "plan", "grain": "month"}


@pytest.mark.parametrize("name", sorted(baseline.QUERIES))
def test_baseline_matches_the_query(small, name):
    """The pandas baseline returns the same columns and rows as queries/<name>.sql, so the bench compares like with like."""
    if name not in data.query_names():
        pytest.skip(f"queries/{name}.sql is not in this checkout")
    for variant in _variants(small):
        params = {**DEFAULTS, **variant}
        wanted = {p: params[p] for p in data.parameters(data.sql_text(name))}
        expected = data.query(name, data_dir=small, **wanted)
        got = baseline.query(name, data_dir=small, **wanted)
        assert list(got.columns) == list(expected.columns), (name, variant)
        assert _rows(got) == _rows(expected), (name, variant)


def test_the_documented_bench_commands_exist():
    """docs/performance.md's reproduce commands use only options the CLI has."""
    doc = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    commands = [line.split("#")[0].split() for line in doc.splitlines() if line.startswith("ogdash ")]
    assert any(c[:2] == ["ogdash", "bench"] for c in commands)
    for command in commands:
        help_text = subprocess.run([sys.executable, "-m", "dashboard.cli", command[1], "--help"], cwd=REPO,
                                   capture_output=True, text=True, check=True).stdout
        for option in (word for word in command[2:] if word.startswith("--")):
            assert option in help_text, (command, option)
