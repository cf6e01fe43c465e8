"""Hostile input that used to cost a 500, a large answer or a worker's memory, and what pages disclosed.

- a chart callback whose record key is not a short string; callback values checked in one way (dashboard.state);
- a well-formed snapshot id that is not published: 404 on the data routes and pages;
- a query string with thousands of unknown keys: ten notices, not one per key; a huge one is not read;
- long junk in a view never becomes a render-cache or query-cache key;
- /healthz and /data name no path of the machine.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard import charts, data, state as state_mod

try:
    from helpers import make_snapshot
except ImportError:  # before tests/helpers/ existed
    from helpers import make_snapshot

D = dt.date.fromisoformat
SERVED, OLDER = "20260201T000000Z", "20260101T000000Z"
ABSENT = "20990101T000000Z"
CALLBACK = "/_dash-update-component"
TABLES = {
    "jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}],
    "commitments": [{"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
                     "cycle_end": 2020, "title_en": "Open contracts", "progress": "complete", "progress_rank": 3}],
    "milestones": [{"milestone_id": "ca-1-m1", "commitment_id": "ca-1", "title_en": "Publish", "progress": "complete",
                    "progress_rank": 3, "status_code": "C", "status_vocab": "nap", "due_date": D("2020-01-31")}],
}
KEYED = sorted(name for name, chart in charts.REGISTRY.items() if chart.keyed) or ["commitment-milestones"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("input")
    make_snapshot(data_dir, TABLES, snapshot_id=OLDER)
    make_snapshot(data_dir, TABLES, snapshot_id=SERVED)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        client = create_app(data_dir).server.test_client()
        assert client.get("/").status_code == 200
        client.deps = client.get("/_dash-dependencies").get_json()
        client.data_dir = data_dir
        yield client


def _dep(client, *parts: str) -> dict:
    return next(d for d in client.deps if all(p in d["output"] for p in parts) and not d.get("clientside_function"))


def _outputs(output: str, match: dict) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    found = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        if ident.startswith("{"):
            ident = {k: match.get(k, v) if v == ["MATCH"] else v for k, v in json.loads(ident).items()}
        found.append({"id": ident, "property": prop})
    return found


def _draw(client, chart_id: str, store) -> object:
    """POST the chart card's drawing callback for `chart_id` with `store` as the card's data."""
    dep = _dep(client, "chart-graph", ".figure")
    outputs = _outputs(dep["output"], {"chart": chart_id})
    body = {"output": dep["output"], "outputs": outputs, "changedPropIds": [],
            "inputs": [{"id": {"chart": chart_id, "type": "chart-state"}, "property": "data", "value": store}]}
    return client.post(CALLBACK, json=body)


def _route(client, path: str, search: str):
    dep = _dep(client, "_pages_content.children")
    outputs = _outputs(dep["output"], {})
    body = {"output": dep["output"], "outputs": outputs, "changedPropIds": [],
            "inputs": [{**i, "value": path if i["property"] == "pathname" else search} for i in dep["inputs"]]}
    if dep.get("state"):
        body["state"] = [{**st, "value": None} for st in dep["state"]]
    return client.post(CALLBACK, json=body)


# ---------------------------------------------------------------- one way to check a callback's values

def test_callback_values_are_checked_for_type_and_size():
    assert state_mod.text("ca-1") == "ca-1"
    assert [state_mod.text(v) for v in (None, 5, 1.5, True, ["ca-1"], {"a": 1}, "x" * 201)] == [None] * 7
    assert state_mod.record_key("ca-1") == "ca-1"
    assert [state_mod.record_key(v) for v in (5, ["ca-1"], "x" * 129, "ca-1\n", "ca\x00")] == [None] * 5
    assert state_mod.snapshot_id(SERVED) == SERVED
    assert [state_mod.snapshot_id(v) for v in (SERVED + "\n", "2026", 20260201, None)] == [None] * 4
    assert state_mod.store_text({"search": "?lang=fr"}, "search") == "?lang=fr"
    assert [state_mod.store_text(s, "search") for s in (None, [], {"search": 5}, {"other": "x"})] == [None] * 4


@pytest.mark.parametrize("chart_id", KEYED)
@pytest.mark.parametrize("key", [5, 1.5, True, ["ca-1"], {"id": "ca-1"}, "x" * 5000, "ca-1\n"])
def test_a_record_chart_with_a_key_that_is_not_a_short_string_draws_nothing(site, chart_id, key):
    answer = _draw(site, chart_id, {"search": "", "key": key})
    assert answer.status_code == 204, answer.get_data(as_text=True)[:300]  # a 500 before


@pytest.mark.parametrize("chart_id", KEYED)
def test_a_record_chart_with_its_key_draws(site, chart_id):
    answer = _draw(site, chart_id, {"search": "", "key": "ca-1"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]


def test_a_chart_that_takes_no_key_refuses_one(site):
    chart_id = next(name for name, chart in charts.REGISTRY.items() if not chart.keyed)
    assert _draw(site, chart_id, {"search": ""}).status_code == 200
    assert _draw(site, chart_id, {"search": "", "key": 5}).status_code == 204
    assert _draw(site, chart_id, {"search": "", "key": "ca-1"}).status_code == 204


# ---------------------------------------------------------------- a snapshot that is not there

@pytest.mark.parametrize("path", ["/", "/commitments", "/datasets", "/training", "/data", "/compare",
                                  "/commitments/ca-1"])
def test_a_page_naming_an_absent_snapshot_answers_404(site, path):
    assert site.get(f"{path}?snapshot={SERVED}").status_code == 200
    assert site.get(f"{path}?snapshot={ABSENT}").status_code == 404
    assert site.get(f"{path}?base={ABSENT}&snapshot={SERVED}").status_code == 404
    # Not an id at all: ignored with a notice, the page shown as it is.
    assert site.get(f"{path}?snapshot={SERVED}%0A").status_code == 200


def _status(client, path: str) -> int:
    answer = client.get(path)
    answer.get_data()  # a download streams: read it to its end
    return answer.status_code


def test_the_data_routes_answer_404_for_an_absent_snapshot(site):
    chart = next(name for name, c in charts.REGISTRY.items() if not c.keyed)
    good = site.get(f"/download/view/{chart}.csv?snapshot={OLDER}")
    good.get_data()
    assert good.status_code == 200 and f"{chart}_{OLDER}.csv" in good.headers["Content-Disposition"]
    # It streamed the served snapshot's rows under the absent snapshot's name before.
    assert _status(site, f"/download/view/{chart}.csv?snapshot={ABSENT}") == 404
    assert _status(site, f"/download/{ABSENT}/commitments.csv") == 404
    assert _status(site, f"/download/{OLDER}/commitments.csv") == 200
    keyed = KEYED[0]
    assert _status(site, f"/download/view/{keyed}.csv?key=ca-1") == 200
    assert _status(site, f"/download/view/{keyed}.csv?key={'x' * 500}") == 404


def test_a_trailing_newline_does_not_make_a_snapshot_id():
    assert state_mod.parse(f"?snapshot={SERVED}%0A").snapshot is None
    assert state_mod.parse(f"?base={SERVED}%0A").base is None


# ---------------------------------------------------------------- amplification

def test_notices_are_capped_in_number():
    view = state_mod.parse("?" + "&".join(f"junk{i}=x" for i in range(500)))  # 4.4 KB: read
    assert len(view.notices) == state_mod.MAX_NOTICES == 10
    view = state_mod.parse({f"junk{i}": "x" for i in range(500)})
    assert len(view.notices) == 10


def test_a_query_string_longer_than_any_url_is_not_read():
    longest = "?lang=fr&q=" + "a" * (state_mod.MAX_SEARCH_CHARS - 10)
    assert len(longest) == state_mod.MAX_SEARCH_CHARS + 1  # its "?" apart
    assert state_mod.parse(longest).lang == "fr"
    view = state_mod.parse(longest + "a")
    assert view.lang == "en" and view.q == ""
    assert view.notices == (("search", "lang=fr&q=" + "a" * 69 + "…"),)
    assert len(state_mod.parse({"q": "a" * state_mod.MAX_SEARCH_CHARS}).notices) == 1


def test_a_huge_junk_query_string_gets_a_small_answer(site):
    junk = "?" + "&".join(f"k{i}=v" for i in range(50_000))  # 440 KB: a 7.5 MB answer before
    assert len(junk) > 400_000
    answer = _route(site, "/", junk)
    assert answer.status_code == 200
    assert len(answer.get_data()) < 200_000
    within = "?" + "&".join(f"k{i}=v" for i in range(1000))  # under the limit: read, ten notices
    text = _route(site, "/", within).get_data(as_text=True)
    assert text.count("is not understood and was ignored") == 10


def test_junk_in_a_view_never_becomes_a_render_cache_key(site):
    chart_id = next(name for name, c in charts.REGISTRY.items() if c.view_fields is None and not c.keyed)
    charts._rendered.cache_clear()
    for n in range(5):
        store = {"search": f"?jurisdiction=ca&junk{n}=" + "z" * 7000}
        assert _draw(site, chart_id, store).status_code == 200
    info = charts._rendered.cache_info()
    assert (info.currsize, info.hits) == (1, 4)  # one view, drawn once: five keys of 7 KB each before


def test_the_query_cache_keeps_no_oversized_key():
    import pandas as pd

    cache = data._ResultCache(max_bytes=1 << 20, max_entries=10)
    frame = pd.DataFrame({"n": [1]})
    cache.put(("q", "s", None, (("q", "x" * 100),), "/d"), frame)
    cache.put(("q", "s", None, (("q", "x" * data.MAX_KEY_CHARS),), "/d"), frame)
    assert cache.get(("q", "s", None, (("q", "x" * 100),), "/d")) is not None
    assert cache.get(("q", "s", None, (("q", "x" * data.MAX_KEY_CHARS),), "/d")) is None


# ---------------------------------------------------------------- disclosure

def test_healthz_without_a_snapshot_names_no_path(site, tmp_path, monkeypatch):
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    answer = site.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["status"] == "unavailable"
    assert str(tmp_path) not in answer.get_data(as_text=True)


def _data_page():
    """The /data page's module as Dash Pages loaded it (importing it again would register the page twice)."""
    import importlib

    import dash

    return importlib.import_module(next(page["module"] for page in dash.page_registry.values()
                                        if page["module"].endswith("data_page")))


def test_the_data_page_shows_a_source_file_by_its_name_not_its_path(site):
    shown = _data_page().shown_location
    assert shown({"path": "../../../shared/data/ogp/export.csv"}) == "export.csv"
    assert shown({"path": "/srv/ogdash/private/sources/facts"}) == "facts"
    assert shown({"path": "reference"}) == "reference"
    assert shown({"path": "..\\..\\data\\x.csv"}) == "x.csv"
    assert shown({"path": "../.."}) == "–"
    assert shown({"url": "https://open.canada.ca/data/api/3"}) == "https://open.canada.ca/data/api/3"
    assert shown({}) == "–"


def test_the_data_page_names_no_path_that_climbs_out(site):
    snap = data.current_snapshot(site.data_dir)
    manifest = dict(snap.manifest, sources=[{"name": "export", "kind": "ogp-export", "rows": {"commitments": 1},
                                             "path": "../../../shared/data/ogp/export.csv"}])
    text = repr(_data_page().sources_table(type(snap)(snap.id, snap.path, manifest), "en"))
    assert "export.csv" in text and "../" not in text and "shared/data" not in text
