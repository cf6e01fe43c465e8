"""docs/sources.md stays true: every connector option and template column is documented, and its example reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.ingest import csps, learning, portal_metrics
from dashboard.ingest.common import Source

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
CONNECTORS = {"ogp-export": "ogp_export", "nap-tracker": "nap_tracker", "ckan": "ckan", "learning": "learning",
              "csps-registrations": "csps", "portal-metrics": "portal_metrics"}


@pytest.mark.parametrize("kind, module", CONNECTORS.items())
def test_every_option_a_connector_reads_is_documented(kind, module):
    assert f"## `{kind}`" in DOC
    code = "\n".join(p.read_text(encoding="utf-8") for p in (
        REPO / "dashboard" / "ingest" / f"{module}.py", REPO / "dashboard" / "ingest" / "_shared.py"))
    options = set(re.findall(r"(?:options|opts)(?:\.get\(|\[)\"([a-z_]+)\"", code))
    undocumented = sorted(o for o in options if f"`{o}`" not in DOC)
    assert undocumented == []


def test_template_and_layout_columns_are_documented():
    for column in (*learning.REQUIRED, *learning.OPTIONAL, *csps.REQUIRED):
        assert f"`{column}`" in DOC, column
    for metric, _ in portal_metrics.METRICS.values():
        assert f"`{metric}`" in DOC, metric


def test_the_learning_example_reads(tmp_path):
    example = re.search(r"```\n(period,jurisdiction.*?)```", DOC, re.S)[1]
    path = tmp_path / "events.csv"
    path.write_text(example, encoding="utf-8")
    rows = learning.read(Source(name="doc", kind="learning", path=path))["learning_events"].to_pylist()
    assert [(r["period"], r["jurisdiction_id"], r["learners"]) for r in rows] == [
        ("2024-03", "ca", 45), ("2024-Q2", "ca-qc", 130), ("2023", "ukr", 0)]
