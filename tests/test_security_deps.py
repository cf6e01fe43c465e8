"""Dependency floors past known CVEs, the plotly.js Dash actually serves, and no pickle anywhere a
client's input could reach."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from helpers import REPO, make_snapshot

# name -> the lowest version allowed (why)
FLOORS = {
    "dash": "2.15",  # XSS through a javascript: URL in an href before Dash 2.15 (CVE-2024-21485)
    "flask": "3.1.3",  # the project's floor: Flask's 3.1.x security releases
    "werkzeug": "3.1.6",  # CVE-2025-66221 and CVE-2026-27199 in 3.1.0-3.1.5
    "duckdb": "1.2",  # the first with allowed_directories (1.1.3 has none); what it locks: test_security_duckdb.py
}
PLOTLY_JS_FLOOR = "2.25.2"  # prototype pollution in plotly.js < 2.25.2 (CVE-2023-46308)


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}


@pytest.mark.parametrize("name,floor", FLOORS.items())
def test_pyproject_floors_are_past_the_known_cves(name, floor):
    requirement = _declared()[name]
    lows = [Version(s.version) for s in requirement.specifier if s.operator in (">=", ">", "==", "~=")]
    assert lows and max(lows) >= Version(floor), f"{requirement} allows versions below {floor}"
    assert Version(metadata.version(name)) >= Version(floor)


def test_the_plotly_js_dash_serves_is_past_the_prototype_pollution_fix(tmp_path):
    """Fetched through the app, from the URL Dash's page loads plotly.js from."""
    from dashboard.app import create_app
    make_snapshot(tmp_path, {"jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "level": "national"}]})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(tmp_path))
        client = create_app(tmp_path).server.test_client()
        assert client.get("/").status_code == 200
        response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert response.status_code == 200
    head = response.get_data()[:600].decode("utf-8", "replace")
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head).group(1)
    assert Version(version) >= Version(PLOTLY_JS_FLOOR), version
    assert "plotly" in _declared()  # the package that bundles it is a declared dependency


def test_no_pickle_based_cache_or_serialisation_in_the_package():
    """The caches (query results in data.py, drawn charts in charts.py) hold Python objects in the
    worker's memory; nothing is pickled, so nothing a client sends can become a pickle that is loaded."""
    banned = re.compile(r"^\s*(import|from)\s+(pickle|cPickle|shelve|dill|joblib|diskcache|flask_caching)\b"
                        r"|read_pickle|to_pickle|DiskcacheManager|CeleryManager", re.M)
    for path in (REPO / "dashboard").rglob("*.py"):
        assert not banned.search(path.read_text(encoding="utf-8")), path
