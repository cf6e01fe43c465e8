"""The partial plotly.js bundle the pages load: the version Dash's dcc.Graph expects, every trace type the
figures draw, served where Dash serves plotly.js, and its weight (bytes, not time)."""

from __future__ import annotations

import ast
import gzip
import re

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import web
from helpers import REPO, make_snapshot

ENTRY = REPO / "scripts" / "plotly-bundle" / "entry.js"
# The full bundle is 1.44 MB compressed; the partial one about 0.45 MB with gzip (0.41 MB with zstd).
MAX_GZIP_BYTES = 500_000


def bundled_traces() -> set[str]:
    """Return the trace types the bundle registers: scatter (in plotly.js's core) and those entry.js adds."""
    return {"scatter"} | set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text())) - {"core"}


def drawn_traces() -> set[str]:
    """Return every trace type dashboard/ builds: go.<Trace>(...) calls and dict(type="<trace>", ...) specs."""
    classes = (getattr(go, name) for name in dir(go) if name[:1].isupper())
    traces = {cls.__name__.lower() for cls in classes if isinstance(cls, type) and issubclass(cls, BaseTraceType)}
    found = set()
    for path in (REPO / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "go" \
                    and func.attr.lower() in traces:
                found.add(func.attr.lower())
            for kw in node.keywords:
                if kw.arg == "type" and isinstance(kw.value, ast.Constant) and kw.value.value in traces:
                    found.add(kw.value.value)
    return found


def test_the_bundle_holds_every_trace_type_the_figures_draw():
    drawn = drawn_traces()
    assert {"bar", "heatmap", "scatter"} <= drawn  # the scan finds them
    assert drawn <= bundled_traces(), f"add {sorted(drawn - bundled_traces())} to {ENTRY.relative_to(REPO)}"


def test_the_bundle_is_the_plotly_js_version_the_plotly_package_ships():
    head = web.PLOTLY_BUNDLE.read_bytes()[:400].decode()
    assert re.search(r"plotly\.js v(\d+\.\d+\.\d+) \(partial bundle", head).group(1) == get_plotlyjs_version()
    licence = web.PLOTLY_BUNDLE.with_name("plotly-ogdash.LICENSE.txt").read_text(encoding="utf-8")
    assert f"plotly.js {get_plotlyjs_version()} (MIT)" in licence


def test_pages_load_the_partial_bundle_and_it_stays_small(tmp_path, monkeypatch):
    make_snapshot(tmp_path, {})
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    from dashboard.app import create_app

    client = create_app(tmp_path).server.test_client()
    index = client.get("/").get_data(as_text=True)
    url = "/" + web.PLOTLY_PATH
    assert f'<link rel="preload" href="{url}" as="script">' in index
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == web.PLOTLY_BUNDLE.read_bytes()
    assert len(response.data) <= MAX_GZIP_BYTES
    assert "max-age=86400" in response.headers["Cache-Control"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
