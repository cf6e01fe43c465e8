"""Bad input, fuzzed: URL query strings, paths and callback payloads built from the app's own callback
list. Never a 500, nothing from the input reflected as markup, and the snapshot files never change.

Each test runs a bounded number of hypothesis examples against the Flask test client of one app
serving a tiny hand-written snapshot; the whole file runs in well under two minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard import state as state_mod

from bench import frontend
from helpers import make_snapshot
from helpers import tree_hashes as _hashes

D = dt.date.fromisoformat
CALLBACK = "/_dash-update-component"
PAGES = ("/", "/commitments", "/datasets", "/training", "/compare", "/data", "/commitments/ca-1", "/nowhere")

# Strings an attacker (or a mangled link) would send. Each markup string carries "alert(" so a raw
# reflection is easy to spot.
HOSTILE = (
    "<script>alert(1)</script>",
    "\"><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "<svg/onload=alert(4)>",
    "javascript:alert(5)",
    "JaVaScRiPt:alert(6)",
    "data:text/html,<script>alert(7)</script>",
    "' or 1=1 --",
    "'; drop table commitments; --",
    "\" or \"\"=\"",
    "$jurisdictions",
    "${7*7}{{7*7}}",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%00%0d%0aSet-Cookie:x=1",
    "\x00\x01\x1f",
    "\u202egnp.exe",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "\U0001f4a9" * 50,
    "é" * 3000,
    "A" * 20000,
    "1e309",
    "-1",
    "99999999999999999999999",
    "ca,ca,ca,ca-qc," * 40,
    "2024-02-30",
    "0000-01-01",
    "NaN",
    "__proto__",
    "constructor",
)
MARKUP = re.compile(r"<(script|img|svg)[^>]*alert\(", re.I)

TABLES = {
    "jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
        {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational",
         "parent_id": "ca"},
    ],
    "commitments": [
        {"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
         "cycle_end": 2020, "title_en": "Open contracts", "title_fr": "Contrats ouverts",
         "progress": "complete", "progress_rank": 3},
        {"commitment_id": "qc-1", "jurisdiction_id": "ca-qc", "cycle": "2022-2024", "cycle_start": 2022,
         "cycle_end": 2024, "title_en": "Open budgets", "title_fr": "Budgets ouverts",
         "progress": "limited", "progress_rank": 1},
    ],
    "milestones": [
        {"milestone_id": "ca-1-m1", "commitment_id": "ca-1", "title_en": "Publish", "progress": "complete",
         "progress_rank": 3, "status_code": "C", "status_vocab": "nap", "due_date": D("2020-01-31")},
        {"milestone_id": "qc-1-m1", "commitment_id": "qc-1", "title_en": "Consult", "progress": "limited",
         "progress_rank": 1, "status_code": "LP", "status_vocab": "nap", "due_date": D("2023-06-30")},
    ],
    "milestone_status": [
        {"commitment_id": "qc-1", "milestone_id": "qc-1-m1", "reporting_period": "2024-01",
         "period_date": D("2024-01-01"), "progress": "limited", "progress_rank": 1, "status_code": "LP",
         "status_vocab": "nap"},
    ],
    "datasets": [
        {"dataset_id": "d1", "portal": "open.canada.ca", "jurisdiction_id": "ca", "organization": "statcan",
         "organization_title_en": "Statistics Canada", "title_en": "Prices", "published": D("2023-01-15"),
         "licence": "OGL-Canada-2.0", "formats": ["CSV"]},
        {"dataset_id": "q1", "portal": "donneesquebec.ca", "jurisdiction_id": "ca-qc", "organization": "msss",
         "organization_title_en": "Health", "title_en": "Clinics", "published": D("2023-03-02"),
         "licence": "CC-BY-4.0", "formats": ["XLSX", "JSON"]},
    ],
    "learning_events": [
        {"period": "2024-01", "period_start": D("2024-01-01"), "period_end": D("2024-01-31"),
         "jurisdiction_id": "ca", "organizer": "CSPS", "event_type": "webinar", "topic": "open data",
         "events": 2, "learners": 100, "organisations": 10},
    ],
    "portal_metrics": [
        {"portal": "open.canada.ca", "metric": "datasets", "date": D("2024-01-01"), "value": 100.0,
         "is_outlier": False},
        {"portal": "open.canada.ca", "metric": "datasets", "date": D("2024-02-01"), "value": 104.0,
         "is_outlier": False},
    ],
}

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app on two tiny snapshots, its callback list, and the snapshot files' hashes."""
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    make_snapshot(data_dir, {k: v for k, v in TABLES.items() if k != "learning_events"},
                  snapshot_id="20240101T000000Z")
    make_snapshot(data_dir, TABLES, snapshot_id="20240601T000000Z")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        app = create_app(data_dir)
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        deps = client.get("/_dash-dependencies").get_json()
        yield _Site(client=client, deps=deps, data_dir=data_dir, hashes=_hashes(data_dir),
                    layouts=_layouts(client, deps))


class _Site(dict):
    def __repr__(self) -> str:  # keeps hypothesis' failure reports readable
        return "<site>"


def _layouts(client, deps) -> dict[str, object]:
    router = next(d for d in deps if d["output"] == frontend.ROUTER)
    layouts = {}
    for path in PAGES:
        answer = client.post(CALLBACK, json=frontend.callback_request(router, [path, ""]))
        assert answer.status_code == 200, (path, answer.data[:300])
        layouts[path] = answer.get_json()["response"]["_pages_content"]["children"]
    return layouts


def _assert_safe(response, site, what) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.get_data(as_text=True)[:500]}"
    body = response.get_data(as_text=True)
    assert not MARKUP.search(body), f"{what} reflected markup: {MARKUP.search(body).group(0)!r}"


def _assert_data_unchanged(site) -> None:
    assert _hashes(site["data_dir"]) == site["hashes"]


# ---------------------------------------------------------------- strategies

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(HOSTILE), st.text(max_size=40),
)
garbage = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.one_of(st.sampled_from(["search", "key", "id", "props"]),
                                                   st.text(max_size=8)),
                                         inner, max_size=4), max_leaves=12)
query_values = st.one_of(
    st.sampled_from(HOSTILE), st.text(max_size=60),
    st.sampled_from(["fr", "en", "ca", "ca,ca-qc", "national", "2018-2020", "2024-01-01", "complete",
                     "jurisdiction", "year", "20240101T000000Z", "1", "10000"]),
)
query_keys = st.one_of(st.sampled_from(state_mod.KNOWN_KEYS), st.sampled_from(["x", "__proto__", "", "lang[]"]),
                       st.text(max_size=10))
structured_queries = st.lists(st.tuples(query_keys, query_values), max_size=6).map(
    lambda pairs: "?" + urlencode(pairs, errors="surrogatepass") if pairs else "")
raw_queries = st.text(alphabet=st.characters(codec="utf-8"), max_size=80).map(lambda s: "?" + quote(s, safe="=&%,;+"))
searches = st.one_of(structured_queries, raw_queries)
# Values that are not strings, where a string is expected (a store's record key, a MATCH id's value).
non_strings = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                        st.floats(), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
# The other values a pattern-matching id may hold (Dash allows numbers and booleans): a card's chart or key.
id_scalars = st.one_of(st.booleans(), st.integers(min_value=-(2 ** 53), max_value=2 ** 53),
                       st.floats(allow_nan=False, allow_infinity=False))
SERVED, EARLIER = "20240601T000000Z", "20240101T000000Z"
ABSENT = ("20990101T000000Z", "20240601T000000Z-7", "20240601T000001Z")  # well-formed, never published
snapshot_ids = st.one_of(st.sampled_from([SERVED, EARLIER, *ABSENT, SERVED + "\n", SERVED + "\r\n", "\n" + SERVED,
                                          SERVED + "\x00", SERVED.lower()]),
                         st.sampled_from(HOSTILE), st.text(max_size=24))
record_keys = st.one_of(st.sampled_from(["ca-1", "qc-1", "ca-1\n", "CA-1", "nope", "", " ca-1"]),
                        st.sampled_from(HOSTILE), st.text(max_size=20))


# ---------------------------------------------------------------- URL query strings and paths

@settings(FUZZ, max_examples=800)
@given(value=st.one_of(searches, garbage, st.dictionaries(query_keys, query_values, max_size=5)))
def test_state_parse_and_from_store_never_raise(value):
    view = state_mod.parse(value)
    assert view.to_query() == "" or view.to_query().startswith("?")
    assert state_mod.parse(view.to_query()) == view  # what it writes, it reads back unchanged
    state_mod.from_store(value)
    state_mod.from_store({"search": value})


@FUZZ
@given(path=st.sampled_from(PAGES), search=searches)
def test_fuzzed_query_strings_load_every_page_safely(site, path, search):
    client, deps = site["client"], site["deps"]
    _assert_safe(client.get(path + search), site, f"GET {path}{search}")
    for dep in frontend.url_callbacks(deps):
        values = [path if i["property"] == "pathname" else search for i in dep["inputs"]]
        response = client.post(CALLBACK, json=frontend.callback_request(dep, values))
        _assert_safe(response, site, f"{dep['output'][:60]} for {path}{search}")
    _assert_data_unchanged(site)


paths = st.one_of(
    st.lists(st.one_of(st.sampled_from(["..", "%2e%2e", "assets", "_dash-component-suites", "dash", "deps",
                                        "download", "20240601T000000Z", "commitments.csv", "manifest.json",
                                        "snapshots", "..%2f", "%00", "healthz", "_dash-layout", "_reload-hash"]),
                       st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=20),
                       st.sampled_from(HOSTILE)), min_size=1, max_size=5)
    .map(lambda parts: "/" + "/".join(quote(p, safe="%.", errors="surrogatepass") for p in parts)),
    st.sampled_from(["/assets/../../pyproject.toml", "/assets/%2e%2e/%2e%2e/pyproject.toml",
                     "/_dash-component-suites/dash/../../../etc/passwd", "/_dash-component-suites/nope/x.js",
                     "/_dash-component-suites/dash/deps/nope.js", "//etc/passwd", "/download/../../etc/passwd"]),
)


@settings(FUZZ, max_examples=400)
@given(path=paths, method=st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]))
def test_fuzzed_paths_never_fail_or_leak(site, path, method):
    response = site["client"].open(path, method=method, data=b"{}" if method in ("POST", "PUT") else None,
                                   content_type="application/json")
    _assert_safe(response, site, f"{method} {path}")
    body = response.get_data()
    assert b"root:x:0:0" not in body and b"[build-system]" not in body and b'"sha256"' not in body, path
    _assert_data_unchanged(site)


# ---------------------------------------------------------------- callback payloads

def _store_calls(site):
    calls = []
    for layout in site["layouts"].values():
        calls.extend(frontend.store_callbacks(site["deps"], layout))
    return calls


@settings(FUZZ, max_examples=80)
@given(data=st.data(), search=searches)
def test_every_store_driven_callback_survives_a_hostile_view(site, data, search):
    """What a chart or page callback sees when the URL it was built from is hostile."""
    calls = _store_calls(site)
    dep, match, values = data.draw(st.sampled_from(calls), label="callback")
    keyed = st.builds(lambda k: {"search": search, "key": k}, st.one_of(non_strings, record_keys))
    fuzzed = [data.draw(st.one_of(st.just({"search": search}), keyed, garbage), label="store") for _ in values]
    response = site["client"].post(CALLBACK, json=frontend.callback_request(dep, fuzzed, match=match))
    _assert_safe(response, site, f"{dep['output'][:80]} {match} {fuzzed!r:.200}")
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    _assert_data_unchanged(site)


def _real_ids(site, pattern) -> list:
    found = []
    for layout in site["layouts"].values():
        found += [cid for cid, _, _ in frontend.components(layout) if frontend.matches(pattern, cid)]
    return found


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_every_server_callback_survives_garbage_values(site, data):
    """Each server callback, with every input and state value replaced by garbage (ids stay real)."""
    deps = frontend.server_callbacks(site["deps"])
    dep = data.draw(st.sampled_from(deps), label="callback")
    match = {}
    for ident in [output["id"] for output in frontend.split_output(dep["output"])]:
        if isinstance(ident, dict):
            real = _real_ids(site, ident)
            for key, value in ident.items():
                if value == ["MATCH"]:
                    choices = [r[key] for r in real] or ["x"]
                    match[key] = data.draw(st.one_of(st.sampled_from(choices), st.sampled_from(HOSTILE),
                                                     st.text(max_size=12), id_scalars), label=f"match {key}")

    def values(declared):
        out = []
        for dec in declared:
            ident = frontend.parse_id(dec["id"])
            if isinstance(ident, dict) and any(v in (["ALL"], ["ALLSMALLER"]) for v in ident.values()):
                ids = _real_ids(site, ident)
                out.append([(i, data.draw(garbage, label="value")) for i in ids])
            elif dec["property"] == "pathname":  # a browser always has one, starting with /
                out.append("/" + data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), label="path"))
            elif dec["property"] in ("search", "href", "hash"):
                out.append(data.draw(st.one_of(st.sampled_from(HOSTILE), searches), label="url"))
            else:
                out.append(data.draw(garbage, label="value"))
        return out

    inputs, state = values(dep["inputs"]), values(dep.get("state") or [])
    changed = data.draw(st.lists(st.sampled_from([f"{i['id']}.{i['property']}" for i in dep["inputs"]]),
                                 max_size=2), label="changed")
    body = frontend.callback_request(dep, inputs, state, match=match, changed=changed)
    response = site["client"].post(CALLBACK, json=body)
    _assert_safe(response, site, f"{dep['output'][:80]} {json.dumps(body, default=str)[:400]}")
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    _assert_data_unchanged(site)


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_malformed_callback_requests_are_refused_not_crashed(site, data):
    """Bodies Dash's front end would never send: wrong shapes, unknown outputs, ids and properties."""
    deps = frontend.server_callbacks(site["deps"])
    dep = data.draw(st.sampled_from(deps), label="callback")
    def blanks(declared):
        return [[] if "ALL" in d["id"] else None for d in declared]

    valid = frontend.callback_request(dep, blanks(dep["inputs"]), blanks(dep.get("state") or []),
                                      match={"chart": "commitments-heatmap", "status": "complete"})
    mutation = data.draw(st.sampled_from(["body", "drop", "replace", "unknown-output", "unknown-id",
                                          "url-type", "clientside", "raw"]), label="mutation")
    if mutation == "body":
        body = data.draw(garbage, label="body")
    elif mutation == "drop":
        body = {k: v for k, v in valid.items() if k != data.draw(st.sampled_from(sorted(valid)), label="key")}
    elif mutation == "replace":
        key = data.draw(st.sampled_from(sorted(valid)), label="key")
        body = {**valid, key: data.draw(garbage, label="value")}
    elif mutation == "unknown-output":
        body = {**valid, "output": data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)))}
    elif mutation == "unknown-id":
        inputs = json.loads(json.dumps(valid["inputs"]))
        target = inputs[0][0] if isinstance(inputs[0], list) and inputs[0] else inputs[0]
        if isinstance(target, dict):
            target["id"] = data.draw(garbage, label="id")
        body = {**valid, "inputs": inputs}
    elif mutation == "url-type":
        router = next(d for d in site["deps"] if d["output"] == frontend.ROUTER)
        body = frontend.callback_request(router, [data.draw(garbage), data.draw(garbage)])
    elif mutation == "clientside":
        side = [d for d in site["deps"] if d.get("clientside_function")]
        body = frontend.callback_request(side[0], [1] * len(side[0]["inputs"]), match={"chart": "x"})
    else:
        raw = data.draw(st.one_of(st.binary(max_size=200), st.just(b"[" * 50000), st.just(b"{\"output\":")),
                        label="raw")
        response = site["client"].post(CALLBACK, data=raw, content_type="application/json")
        _assert_safe(response, site, f"raw {raw[:80]!r}")
        return
    response = site["client"].post(CALLBACK, json=body)
    _assert_safe(response, site, f"{mutation}: {json.dumps(body, default=str)[:400]}")
    _assert_data_unchanged(site)


@pytest.mark.parametrize("store", [{"search": "?q=\ud800"}, {"search": {"q": "\ud800"}}, {"search": "?\udfff=1"},
                                   {"search": "?lang=fr", "key": ["ca-1"]}, {"search": "", "key": 7}])
def test_a_chart_store_no_url_could_hold_draws_nothing_or_the_chart(site, store):
    """A lone surrogate (valid in a JSON body, impossible in a URL) and a key that is not a string."""
    dep = next(d for d in site["deps"] if "chart-graph" in d["output"] and "MATCH" in d["output"])
    body = frontend.callback_request(dep, [store], match={"chart": "overview-progress"})
    response = site["client"].post(CALLBACK, data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    _assert_data_unchanged(site)


# ---------------------------------------------------------------- briefings and view downloads

BRIEF_PAGES = ("/brief/overview", "/brief/commitments", "/brief/datasets", "/brief/training", "/brief/compare",
               "/brief/nowhere", "/brief/commitment")


@pytest.fixture
def printing(site, monkeypatch, tmp_path):
    """The PDF route past its checks (a Chromium, a print address) with a fake print: the route's own handling
    of the request is fuzzed, not Chromium."""
    from dashboard import brief

    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\nexit 0\n")
    chromium.chmod(0o755)
    monkeypatch.setenv("OGDASH_CHROMIUM", str(chromium))
    monkeypatch.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:9")
    printed = []

    def fake_print(url, out, **_options):
        printed.append(url)
        out.write_bytes(b"%PDF-1.4 fake")
        return out

    monkeypatch.setattr(brief, "print_pdf", fake_print)
    return printed


def _with(search: str, **extra) -> str:
    pairs = "&".join(f"{k}={quote(str(v), safe='', errors='surrogatepass')}" for k, v in extra.items() if v is not None)
    return search + (("&" if search else "?") + pairs if pairs else "")


@settings(FUZZ, max_examples=60, suppress_health_check=[*FUZZ.suppress_health_check,
                                                        HealthCheck.function_scoped_fixture])
@given(page=st.one_of(st.sampled_from(BRIEF_PAGES + ("/brief/commitment/ca-1",)),
                      record_keys.map(lambda k: "/brief/" + quote(k, safe="", errors="surrogatepass")),
                      record_keys.map(lambda k: "/brief/commitment/" + quote(k, safe="", errors="surrogatepass"))),
       pdf=st.booleans(), search=searches, snapshot=st.one_of(st.none(), st.sampled_from(ABSENT), snapshot_ids))
def test_fuzzed_briefings_never_fail_or_leak(site, printing, page, pdf, search, snapshot):
    path = page + ("/pdf" if pdf else "")
    url = path + _with(search, snapshot=snapshot)
    response = site["client"].get(url)
    _assert_safe(response, site, f"GET {url}")
    assert response.status_code in (200, 404, 503), (url, response.status_code)
    if response.status_code == 200 and pdf:
        assert response.data.startswith(b"%PDF") and printed_for(printing, path)
    _assert_data_unchanged(site)


def printed_for(printed: list[str], path: str) -> bool:
    return bool(printed) and printed[-1].startswith("http://127.0.0.1:9" + path.removesuffix("/pdf"))


@settings(FUZZ, max_examples=80)
@given(data=st.data(), search=searches, key=st.one_of(st.none(), record_keys),
       snapshot=st.one_of(st.none(), st.sampled_from(ABSENT), snapshot_ids))
def test_fuzzed_view_downloads_never_fail_or_leak(site, data, search, key, snapshot):
    from dashboard import charts

    name = data.draw(st.one_of(st.sampled_from(sorted(charts.REGISTRY) + sorted(charts.TABLE_DOWNLOADS)),
                               st.sampled_from(HOSTILE), st.text(max_size=20)), label="name")
    url = f"/download/view/{quote(name, safe='', errors='surrogatepass')}.csv" + _with(search, key=key,
                                                                                       snapshot=snapshot)
    response = site["client"].get(url)
    _assert_safe(response, site, f"GET {url}")
    assert response.status_code in (200, 404), (url, response.status_code)
    _assert_data_unchanged(site)


@pytest.mark.parametrize("absent", ABSENT)
def test_a_well_formed_snapshot_that_is_absent_is_a_404(site, printing, absent):
    client = site["client"]
    for page in BRIEF_PAGES[:5]:
        for path in (page, page + "/pdf"):
            assert client.get(f"{path}?snapshot={absent}").status_code == 404, path
    assert client.get(f"/brief/commitment/ca-1?snapshot={absent}").status_code == 404
    assert client.get(f"/download/view/overview-progress.csv?snapshot={absent}").status_code == 404
    assert client.get(f"/download/{absent}/commitments.csv").status_code == 404
    assert printing == []  # nothing was printed for an absent snapshot
    assert client.get(f"/brief/overview?snapshot={SERVED}").status_code == 200


@pytest.mark.parametrize("tail", ["%0A", "%0D%0A", "%00"])
def test_ids_with_a_trailing_newline_are_refused_not_crashed(site, printing, tail):
    client = site["client"]
    for url in (f"/brief/overview?snapshot={SERVED}{tail}", f"/brief/overview/pdf?snapshot={SERVED}{tail}",
                f"/download/view/overview-progress.csv?snapshot={SERVED}{tail}"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        if response.status_code == 200:  # the id was refused and the served snapshot drawn: never the odd id
            assert f"{SERVED}{tail}" not in response.get_data(as_text=True)
    for url in (f"/download/{SERVED}{tail}/commitments.csv", f"/brief/commitment/ca-1{tail}",
                f"/brief/commitment/ca-1{tail}/pdf", f"/download/view/commitment-milestones.csv?key=ca-1{tail}"):
        assert client.get(url).status_code == 404, url
    assert printing == ["http://127.0.0.1:9/brief/overview"]  # the served snapshot's, never the odd id's


# ---------------------------------------------------------------- size limits

@pytest.mark.parametrize("path", [CALLBACK, "/", "/healthz", "/nowhere"])
def test_oversize_posts_are_refused_with_413(site, path):
    from dashboard import web

    big = b"x" * (web.MAX_REQUEST_BYTES + 1)
    response = site["client"].post(path, data=big, content_type="application/json")
    assert response.status_code == 413
    _assert_data_unchanged(site)


def test_a_body_just_under_the_limit_is_read(site):
    from dashboard import web

    dep = next(d for d in site["deps"] if d["output"] == frontend.ROUTER)
    body = frontend.callback_request(dep, ["/", "?q=" + "a" * 1000])
    padded = json.dumps({**body, "padding": "x" * (web.MAX_REQUEST_BYTES - 2000)})
    assert len(padded) <= web.MAX_REQUEST_BYTES
    assert site["client"].post(CALLBACK, data=padded, content_type="application/json").status_code == 200
