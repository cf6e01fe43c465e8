"""Every page answers through Flask's test client, and hostile query strings come back as inert text."""

from __future__ import annotations

import json

import pytest

from dashboard import config, publish, snapshots

PAGES = ("/", "/commitments", "/datasets", "/training", "/compare", "/data")
HOSTILE = (
    "?jurisdiction=<script>alert(1)</script>",
    "?cycle=' or 1=1 --",
    "?jurisdiction=\"><img src=x onerror=alert(1)>&level=national",
    "?lang=<b>fr</b>&page=-1&snapshot=../../etc/passwd",
)
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>fr</b>")
URL = "_pages_location"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A test client of an app serving one snapshot built from the bundled dashboard/bundled/sources.toml."""
    if not config.DEFAULT_SOURCES.is_file():
        pytest.fail(f"{config.DEFAULT_SOURCES} is missing: there is no bundled snapshot to serve")
    data_dir = tmp_path_factory.mktemp("smoke-data")
    snap = publish.build(config.DEFAULT_SOURCES, data_dir)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        app = create_app(data_dir)
        client = app.server.test_client()
        client.snapshot = snap
        yield client


@pytest.fixture(scope="module")
def dependencies(client) -> list[dict]:
    assert client.get("/").status_code == 200  # the first request registers Dash Pages' router
    response = client.get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def _outputs(spec: str) -> list[dict]:
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    return [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]


def _url_callbacks(dependencies: list[dict]) -> list[dict]:
    """Return the callbacks driven only by the URL (the page router, the shell's chrome and options)."""
    return [
        dep for dep in dependencies
        if dep["inputs"] and all(i["id"] == URL for i in dep["inputs"])
        and not dep.get("clientside_function") and "{" not in dep["output"]
    ]


def _call(client, dep: dict, pathname: str, search: str):
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]) if dep["output"].startswith("..") else _outputs(dep["output"])[0],
        "inputs": [{**i, "value": pathname if i["property"] == "pathname" else search} for i in dep["inputs"]],
        "state": [{**s, "value": None} for s in dep["state"]],
        "changedPropIds": [f"{URL}.pathname"],
    }
    return client.post("/_dash-update-component", json=body)


def _strings_outside_children(node, path="") -> list[tuple[str, str]]:
    """Return (path, text) of every string in a Dash component tree that is not a `children` text."""
    found = []
    if isinstance(node, dict):
        props = node.get("props", {}) if "namespace" in node else node
        for key, value in props.items():
            if isinstance(value, str) and key != "children":
                found.append((f"{path}.{key}", value))
            else:
                found += _strings_outside_children(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _strings_outside_children(item, f"{path}[{i}]")
    return found


def _markdown_nodes(node) -> list[dict]:
    if isinstance(node, dict):
        here = [node] if node.get("type") == "Markdown" else []
        return here + [m for v in node.get("props", node).values() for m in _markdown_nodes(v)]
    if isinstance(node, list):
        return [m for item in node for m in _markdown_nodes(item)]
    return []


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"_dash-renderer" in response.data or b"dash_renderer" in response.data


@pytest.mark.parametrize("search, lang", [("", "en"), ("?lang=fr", "fr"), ("?lang=xx", "en")])
def test_the_page_is_served_in_the_views_language(client, search, lang):
    """<html lang> is right before any script runs (screen readers and the browser read it first)."""
    html_text = client.get("/commitments" + search).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html_text


def test_dash_layout_and_dependencies(client, dependencies):
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert URL in layout.get_data(as_text=True)
    assert any("_pages_content" in dep["output"] for dep in dependencies)


@pytest.mark.parametrize("path", PAGES + ("/commitments/{first}",))
def test_every_page_layout_renders(client, dependencies, path):
    """The page router and every URL-driven shell callback return 200 for each page."""
    if "{first}" in path:
        first = next(iter(snapshots.iter_rows(client.snapshot, "commitments")))
        path = path.format(first=first["commitment_id"])
    for dep in _url_callbacks(dependencies):
        response = _call(client, dep, path, "")
        assert response.status_code in (200, 204), (dep["output"], response.get_data(as_text=True)[:2000])


@pytest.mark.parametrize("search", HOSTILE)
@pytest.mark.parametrize("path", PAGES)
def test_hostile_query_strings_stay_inert(client, dependencies, path, search):
    page = client.get(path + search)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for markup in MARKUP:
        assert markup not in html

    for dep in _url_callbacks(dependencies):
        response = _call(client, dep, path, search)
        assert response.status_code in (200, 204), (dep["output"], response.get_data(as_text=True)[:2000])
        if response.status_code == 204:
            continue
        assert response.mimetype == "application/json"
        tree = response.get_json()["response"]
        # A hostile value may come back only as text children (React escapes those), never in an
        # attribute such as href or src, and never inside Markdown, which could render it as HTML.
        for where, text in _strings_outside_children(tree):
            for markup in MARKUP:
                assert markup not in text, f"{markup!r} reflected in {dep['output']}{where}"
        assert not any(m in json.dumps(md) for md in _markdown_nodes(tree) for m in MARKUP)


def test_warm_up_runs_the_first_queries_before_any_visitor(client, tmp_path, monkeypatch):
    from dashboard import app as app_mod, data

    data.clear_cache()
    app_mod.warm()
    cached = [key for key in data._results._items if key[0] == "filter_options"]
    assert cached, "the filter choices' query ran"
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))  # no snapshot yet: nothing to warm, nothing raised
    app_mod.warm()
