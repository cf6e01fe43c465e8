"""Releases are releases: the release-date rule, the catalogue-load rule, and what the queries, the releases chart,
its sentence and the datasets page make of a load, on tiny hand-written records (and on the real Québec ones)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard import charts, data, publish, releases, snapshots, state
from dashboard.figures import datasets as fd
from dashboard.specs import datasets as spec
from dashboard.specs import overview as overview_spec
from dashboard.ingest import ckan
from dashboard.ingest.common import Source
from helpers import make_snapshot, page_module

D = dt.date.fromisoformat
CREATED, PUBLISHED = releases.FROM_METADATA_CREATED, releases.FROM_DATE_PUBLISHED


# ---------------------------------------------------------------- the rule

def test_release_date_is_date_published_else_metadata_created():
    stamp = dt.datetime.fromisoformat
    assert releases.release_date(stamp("2019-05-21T00:00:00"), stamp("2020-09-11T15:00:00")) == (
        D("2019-05-21"), PUBLISHED)
    assert releases.release_date(None, stamp("2020-09-11T15:00:00")) == (D("2020-09-11"), CREATED)
    assert releases.release_date(None, None) == (None, None)


def _days(*spec) -> list[tuple[dt.date, str]]:
    """(day, count[, basis]) -> that many records."""
    out = []
    for day, n, *basis in spec:
        out += [(D(day), basis[0] if basis else CREATED)] * n
    return out


def test_a_day_far_above_the_usual_rate_is_a_load():
    # Six ordinary days of 1-3 records (usual rate: 2 a day) and one of 60: 60 >= 50 and >= 10 x 2.
    records = _days(("2020-01-05", 1), ("2020-02-10", 2), ("2020-03-03", 3), ("2020-09-11", 60),
                    ("2020-10-01", 2), ("2020-11-19", 1), ("2021-01-04", 2))
    flags = releases.catalogue_loads(records)
    assert sum(flags) == 60 and {day for (day, _), f in zip(records, flags) if f} == {D("2020-09-11")}


def test_both_thresholds_must_hold():
    # 49 records on a day is under the minimum, however quiet the portal.
    assert not any(releases.catalogue_loads(_days(("2020-01-05", 1), ("2020-02-10", 1), ("2020-09-11", 49))))
    # 60 on a day is not ten times a usual rate of 8.
    assert not any(releases.catalogue_loads(_days(("2020-01-05", 8), ("2020-02-10", 8), ("2020-03-03", 8),
                                                  ("2020-09-11", 60))))


def test_a_portal_with_one_day_has_no_usual_rate_and_no_load():
    assert releases.catalogue_loads(_days(("2020-09-11", 300))) == [False] * 300


def test_date_published_is_never_a_load():
    # 100 records the publisher dated 2020-09-11 themselves: a real release, however big.
    records = _days(("2020-01-05", 1), ("2020-02-10", 1), ("2020-09-11", 100, PUBLISHED),
                    ("2020-09-11", 55, CREATED))
    flags = releases.catalogue_loads(records)
    assert sum(flags) == 55 and all(basis == CREATED for (_, basis), f in zip(records, flags) if f)


def test_a_month_far_above_the_usual_rate_is_a_load_when_no_day_is():
    # A federation spread over a month: 3 a day for 20 days (60), against 1-2 a month otherwise.
    spread = [(D("2021-03-01") + dt.timedelta(days=i), CREATED) for i in range(20) for _ in range(3)]
    records = _days(("2020-11-02", 2), ("2020-12-01", 1), ("2021-01-15", 2), ("2021-02-03", 1)) + spread + \
        _days(("2021-04-20", 1), ("2021-05-05", 2))
    flags = releases.catalogue_loads(records)
    assert sum(flags) == 60 and all(day.month == 3 for (day, _), f in zip(records, flags) if f)


def test_undated_records_are_never_loads():
    assert releases.catalogue_loads([(None, None)] * 80 + _days(("2020-01-05", 1))) == [False] * 81


# ---------------------------------------------------------------- the connector flags them

def _package(i: int, created: str, published: str | None = None) -> dict:
    return {"id": f"p{i:03d}", "title": f"Jeu {i}", "metadata_created": created,
            **({"date_published": published} if published else {})}


def test_the_ckan_connector_writes_the_release_basis_and_the_load_flag(tmp_path):
    packages = [_package(i, f"2020-0{1 + i % 8}-0{1 + i % 7}T10:00:00") for i in range(8)]
    packages += [_package(100 + i, "2020-09-11T03:04:05") for i in range(60)]  # the federation day
    packages += [_package(200, "2020-09-11T08:00:00", published="2015-06-01")]  # its own date: a release
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in packages), encoding="utf-8")
    rows = ckan.read(Source(name="qc", kind="ckan", path=path, options={"jurisdiction": "ca-qc"}))[
        "datasets"].to_pylist()
    by_id = {r["dataset_id"]: r for r in rows}
    assert (by_id["p100"]["published"], by_id["p100"]["published_basis"], by_id["p100"]["catalogue_load"]) == (
        D("2020-09-11"), CREATED, True)
    assert (by_id["p200"]["published"], by_id["p200"]["published_basis"], by_id["p200"]["catalogue_load"]) == (
        D("2015-06-01"), PUBLISHED, False)
    assert sum(r["catalogue_load"] for r in rows) == 60 and not by_id["p000"]["catalogue_load"]


# ---------------------------------------------------------------- queries, figure, sentence and page

def _dataset(did, jur, org, published, *, load=False, basis=CREATED, formats=("CSV",)):
    titles = {"qc": ("Québec municipalities", "Municipalités du Québec"), "tbs": ("Treasury Board", "Conseil du Trésor")}
    return {"dataset_id": did, "portal": "open.canada.ca", "jurisdiction_id": jur, "organization": org,
            "organization_title_en": titles[org][0], "organization_title_fr": titles[org][1],
            "published": D(published), "published_basis": basis, "catalogue_load": load, "licence": "ca-ogl-lgo",
            "formats": list(formats)}


# Québec: a genuine release in August and two in September 2020, then 60 records a federation loaded on
# 11 September 2020, then two releases in November. Canada: two releases of its own, in 2021.
DATASETS = [
    _dataset("q1", "ca-qc", "qc", "2020-08-20"),
    _dataset("q2", "ca-qc", "qc", "2020-09-03"),
    _dataset("q3", "ca-qc", "qc", "2020-09-25"),
    *(_dataset(f"load{i:02d}", "ca-qc", "qc", "2020-09-11", load=True, formats=("ODS",)) for i in range(60)),
    _dataset("q4", "ca-qc", "qc", "2020-11-19"),
    _dataset("q5", "ca-qc", "qc", "2020-11-30"),
    _dataset("c1", "ca", "tbs", "2021-02-01", basis=PUBLISHED),
    _dataset("c2", "ca", "tbs", "2021-03-15", basis=PUBLISHED),
]
JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Québec", "name_fr": "Québec", "level": "subnational"},
]
NO_FILTER = {"jurisdictions": [], "levels": [], "date_from": None, "date_to": None}


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("loads-data", lambda data_dir: make_snapshot(
        data_dir, {"jurisdictions": JURISDICTIONS, "datasets": DATASETS}, snapshot_id="20260101T000000Z"))


def _rows(frame, *columns):
    return [tuple(v.date() if hasattr(v, "hour") else v for v in row)
            for row in frame[list(columns)].itertuples(index=False)]


def test_releases_by_month_counts_the_load_apart(app_env):
    rows = data.query("releases_by_period", grain="month", **NO_FILTER)
    assert _rows(rows, "month", "datasets", "catalogue_load_datasets", "cumulative_datasets")[:4] == [
        (D("2020-08-01"), 1, 0, 1),
        (D("2020-09-01"), 2, 60, 63),  # two releases; the 60 loaded are in the catalogue, not released
        (D("2020-10-01"), 0, 0, 63),
        (D("2020-11-01"), 2, 0, 65),
    ]
    assert int(rows["datasets"].sum()) == 7 and int(rows["catalogue_load_datasets"].sum()) == 60
    assert int(rows["cumulative_datasets"].iloc[-1]) == 67
    # The running total still counts a load made before the range.
    later = data.query("releases_by_period", grain="month",
                       **{**NO_FILTER, "date_from": D("2020-10-01"), "date_to": D("2020-11-30")})
    assert _rows(later, "month", "datasets", "catalogue_load_datasets", "cumulative_datasets") == [
        (D("2020-10-01"), 0, 0, 63), (D("2020-11-01"), 2, 0, 65)]


def test_releases_by_year_counts_the_load_apart(app_env):
    rows = data.query("releases_by_period", grain="year", **NO_FILTER)
    assert _rows(rows, "year", "datasets", "catalogue_load_datasets", "cumulative_datasets") == [
        (2020, 5, 60, 65), (2021, 2, 0, 67)]


def test_summary_publishers_and_dimensions_keep_loads_in_the_catalogue_but_out_of_a_period(app_env):
    whole = data.query("datasets_summary", **NO_FILTER).iloc[0]
    assert (whole["datasets"], whole["dated_datasets"], whole["catalogue_load_datasets"]) == (67, 67, 60)
    assert (whole["first_published"].date(), whole["last_published"].date()) == (D("2020-08-20"), D("2021-03-15"))
    september = {**NO_FILTER, "date_from": D("2020-09-01"), "date_to": D("2020-09-30")}
    month = data.query("datasets_summary", **september).iloc[0]
    assert (month["datasets"], month["catalogue_load_datasets"], month["publishers"]) == (2, 60, 1)
    publishers = data.query("top_publishers", limit=None, **NO_FILTER)
    assert _rows(publishers, "organization", "datasets", "catalogue_load_datasets", "first_published",
                 "last_published") == [
        ("qc", 65, 60, D("2020-08-20"), D("2020-11-30")), ("tbs", 2, 0, D("2021-02-01"), D("2021-03-15"))]
    assert _rows(data.query("top_publishers", limit=None, **september), "organization", "datasets",
                 "catalogue_load_datasets") == [("qc", 2, 0)]
    formats = data.query("releases_by_dimension", dimension="format", limit=None, **NO_FILTER)
    assert _rows(formats, "value", "datasets", "catalogue_load_datasets") == [("ODS", 60, 60), ("CSV", 7, 0)]
    assert _rows(data.query("releases_by_dimension", dimension="format", limit=None, **september),
                 "value", "datasets", "catalogue_load_datasets") == [("CSV", 2, 0)]
    for dimension in ("jurisdiction", "organization", "licence"):  # every ranking says how many came in a load
        whole_catalogue = data.query("releases_by_dimension", dimension=dimension, limit=None, **NO_FILTER)
        assert (whole_catalogue["datasets"].sum(), whole_catalogue["catalogue_load_datasets"].sum()) == (67, 60)
    assert _rows(data.query("releases_by_dimension", dimension="jurisdiction", limit=None, **september),
                 "value", "datasets", "catalogue_load_datasets") == [("ca-qc", 2, 0)]


def test_rankings_say_when_they_count_the_catalogue_and_not_releases(app_env):
    whole = data.query("releases_by_dimension", dimension="jurisdiction", limit=None, **NO_FILTER)
    text = spec.dimension_sentence("jurisdiction")(whole, "en")
    assert "Without a period these are the catalogue's 67 datasets, 60 of them loaded in bulk rather than released; " \
           "choose a period to count releases only." in text
    assert "67 jeux de données du catalogue, dont 60 chargés en bloc" in spec.dimension_sentence("jurisdiction")(whole, "fr")
    assert "some of them loaded in bulk" in spec.dimension_sentence("format")(
        data.query("releases_by_dimension", dimension="format", limit=None, **NO_FILTER), "en")
    assert fd.releases_by_dimension_bars(whole, lang="en").layout.xaxis.title.text == "Datasets in the catalogue"
    publishers = data.query("top_publishers", limit=None, **NO_FILTER)
    assert "60 of them loaded in bulk" in spec.publishers_sentence(publishers, "en")
    assert fd.top_publishers_bars(publishers, lang="en").layout.xaxis.title.text == "Datasets in the catalogue"
    # A period counts releases only: no load, no note, and the axis says releases.
    september = {**NO_FILTER, "date_from": D("2020-09-01"), "date_to": D("2020-09-30")}
    month = data.query("releases_by_dimension", dimension="jurisdiction", limit=None, **september)
    assert "catalogue" not in spec.dimension_sentence("jurisdiction")(month, "en")
    assert fd.releases_by_dimension_bars(month, lang="en").layout.xaxis.title.text == "Datasets released"


def test_the_figure_draws_the_load_apart_and_keeps_the_releases_readable(app_env):
    rows = data.query("releases_by_period", grain="month", **NO_FILTER)
    fig = fd.releases_over_time(rows, lang="en")
    released, loaded, total = fig.data
    assert released.name == "Released in the month" and sum(released.y) == 7
    assert loaded.name == "Loaded in bulk, not released" and loaded.marker.pattern.shape == "/"
    assert [v for v in loaded.y if v] == [60] and loaded.marker.color == fd.LOAD_COLOUR
    assert fig.layout.barmode == "stack" and total.yaxis == "y2" and fig.layout.legend.traceorder == "normal"
    # The axis stops above the tallest release (2), the load is cut there with its count printed.
    assert tuple(fig.layout.yaxis.range) == (0, 3.0)
    assert [(a.x, a.text) for a in fig.layout.annotations] == [("2020-09-01", "▲ 60 loaded")]
    french = fd.releases_over_time(rows, lang="fr")
    assert french.data[1].name == "Versé en bloc, non publié"
    assert french.layout.annotations[0].text == "▲ 60 versées"


def test_the_figure_without_loads_is_as_before():
    import pandas as pd

    rows = pd.DataFrame({"month": [D("2024-01-01"), D("2024-02-01")], "datasets": [1, 2],
                         "catalogue_load_datasets": [0, 0], "cumulative_datasets": [1, 3], "synthetic_rows": [0, 0]})
    fig = fd.releases_over_time(rows, lang="en")
    assert [t.name for t in fig.data] == ["Released in the month", "Catalogue total (right axis)"]
    assert fig.layout.yaxis.range is None and not fig.layout.annotations


def test_the_sentence_never_calls_a_load_the_busiest_month(app_env):
    fig, sentence, *_ = charts.render("datasets-releases", "")
    assert sentence == (
        "7 datasets were released from August 2020 to March 2021; the busiest months were September 2020 and "
        "November 2020, with 2 each. 60 more records were loaded into the catalogue in bulk (September 2020); that "
        "is when they entered the catalogue, not when they were released, so they are drawn apart (grey, hatched) "
        "and not counted as releases. (A catalogue load: a day or month with at least 50 records and 10 times the "
        "portal’s usual rate.) By the end, the catalogue held 67 datasets (orange line, right axis).")
    fig, sentence, *_ = charts.render("datasets-releases", "?interval=year&lang=fr")
    assert sentence.startswith("Jeux de données publiés de 2020 à 2021\u00a0: 7\u00a0; l’année la plus active a été "
                               "2020, avec 5. 60 autres fiches ont été versées en bloc au catalogue (2020)")
    assert "2020, avec 65" not in sentence


def test_a_load_alone_is_never_the_busiest(app_env):
    fig, sentence, *_ = charts.render("datasets-releases", "?jurisdiction=ca-qc&from=2020-09-10&to=2020-09-12")
    assert sentence.startswith("No dataset was released in September 2020. 60 more records")
    assert "busiest" not in sentence


def test_the_datasets_tile_says_how_many_came_in_a_load(app_env):
    page = page_module("datasets")
    tiles = page.datasets_kpis({"search": ""})
    first = tiles[0].children
    assert "67" in str(first.children) and "60 loaded in bulk (release dates unknown)" in str(first.children)
    tiles = page.datasets_kpis({"search": "?from=2020-09-01&to=2020-09-30&lang=fr"})
    assert "et 60 versées en bloc dans la période (pas des publications)" in str(tiles[0].children.children)


# ---------------------------------------------------------------- the real Québec records

@pytest.mark.shared
def test_real_quebec_records_the_federation_day_is_a_load_not_the_busiest_month(shared_data, tmp_path):
    source_file = shared_data / "open-canada" / "freshness_tree_municipal_user.json"
    config = tmp_path / "sources.toml"
    config.write_text(f'[[source]]\nname = "quebec-municipal-on-open-canada"\nkind = "ckan"\npath = "{source_file}"\n'
                      'portal = "open.canada.ca"\njurisdiction = "ca-qc"\nlanguage = "fr"\n', encoding="utf-8")
    snap = publish.build(config, tmp_path / "data")
    table = snapshots.iter_rows(snap, "datasets")
    assert len(table) == 285 and {r["published_basis"] for r in table} == {CREATED}
    loaded = [r for r in table if r["catalogue_load"]]
    assert len(loaded) == 199 and {r["published"] for r in loaded} == {D("2020-09-11")}
    rows = data.query("releases_by_period", grain="month", snapshot=snap.id, data_dir=tmp_path / "data", **NO_FILTER)
    september = rows[rows["month"] == "2020-09-01"].iloc[0]
    assert (september["datasets"], september["catalogue_load_datasets"]) == (2, 199)
    assert int(rows["datasets"].sum()) == 86 and int(rows["cumulative_datasets"].iloc[-1]) == 285
    assert int(rows["datasets"].max()) == 7  # November 2020 and January 2025, not September 2020's 201


def test_the_overview_counts_releases_and_says_the_load_apart(app_env):
    overview = page_module("overview")
    view = state.parse("?from=2020-09-01&to=2020-09-30")
    k = overview_spec.kpis(view)
    assert (k["datasets"], k["catalogue_loads"]) == (2, 60)
    tile = next(t for t in overview.kpi_tiles(k, view) if t.children.id == "overview-kpi-datasets")
    assert "not counted: 60 loaded in bulk" in str(tile.children.children)


def test_the_data_dictionary_states_the_rule_with_its_thresholds():
    """dashboard/bundled/README.md documents the rule dashboard/releases.py defines; the numbers there are the code's."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "dashboard" / "bundled" / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### Release dates and catalogue loads", 1)[1].split("\n### ", 1)[0]
    assert f"at least\n  **{releases.LOAD_MIN_RECORDS}**" in section or f"at least **{releases.LOAD_MIN_RECORDS}**" in section
    assert f"**{releases.LOAD_MULTIPLE} times the portal's usual rate**" in section
    assert "`catalogue_load = true`" in section and "`date_published`" in section
