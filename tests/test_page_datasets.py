"""The datasets page on a tiny snapshot: its queries (exact values, hostile values), charts, tiles, clicks and layout."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import charts, data, state
from dashboard.specs import datasets as datasets_spec
from helpers import find_all, make_snapshot, page_module
from helpers import spaced_text_of as text_of

D = dt.date.fromisoformat
HOSTILE = ["'", ";", "' or 1=1 --", "'; drop table datasets; --", "ca' union select 1 --"]

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational"},
]


def _dataset(dataset_id, portal, jurisdiction, organization, title_en, title_fr, published, licence, formats,
             synthetic=False):
    return {"dataset_id": dataset_id, "portal": portal, "jurisdiction_id": jurisdiction, "organization": organization,
            "organization_title_en": title_en, "organization_title_fr": title_fr,
            "published": D(published) if published else None, "licence": licence, "formats": formats,
            "synthetic": synthetic}


DATASETS = [
    # Two formats, one written in lower case with a space: counted as CSV and JSON.
    _dataset("d1", "open.canada.ca", "ca", "tbs", "Treasury Board", "Conseil du Trésor", "2024-01-15", "OGL-Canada",
             ["CSV", "json "]),
    _dataset("d2", "open.canada.ca", "ca", "tbs", "Treasury Board", "Conseil du Trésor", "2024-03-02", "OGL-Canada",
             ["csv"]),
    _dataset("d3", "open.canada.ca", "ca", "statcan", "Statistics Canada", "Statistique Canada", "2025-02-10",
             "OGL-Canada", ["PDF"], synthetic=True),
    _dataset("d4", "donneesquebec.ca", "ca-qc", "isq", "ISQ", None, "2024-03-20", "CC-BY-4.0", []),
    # No organization, no date, no licence: counted in totals, left out of dated and publisher counts.
    _dataset("d5", "donneesquebec.ca", "ca-qc", None, None, None, None, None, None),
]

METRICS = [
    {"portal": "open.canada.ca", "metric": "visits", "date": D("2024-01-01"), "value": 3300.0, "is_outlier": False},
    {"portal": "open.canada.ca", "metric": "visits", "date": D("2024-01-02"), "value": 0.0, "is_outlier": True,
     "outlier_reason": "reported as 0"},
    {"portal": "open.canada.ca", "metric": "visits", "date": D("2024-01-03"), "value": 3350.0, "is_outlier": False},
    {"portal": "GCcampus", "metric": "visits_to_date", "date": D("2017-06-30"), "value": 1893.0, "is_outlier": False},
]

NO_FILTER = {"jurisdictions": [], "levels": [], "date_from": None, "date_to": None}


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("datasets-data", lambda data_dir: make_snapshot(
        data_dir, {"jurisdictions": JURISDICTIONS, "datasets": DATASETS, "portal_metrics": METRICS},
        snapshot_id="20260101T000000Z"))


@pytest.fixture
def page(app_env):
    return page_module("datasets")


def records(frame, *columns):
    return [tuple(None if v is None or v != v else (v.date() if hasattr(v, "date") and hasattr(v, "hour") else v)
                  for v in row) for row in frame[list(columns)].itertuples(index=False)]



# ---------------------------------------------------------------- queries

def test_datasets_summary_counts_datasets_publishers_and_portals(app_env):
    row = data.query("datasets_summary", **NO_FILTER).iloc[0]
    assert (row["datasets"], row["dated_datasets"], row["publishers"], row["portals"], row["synthetic_rows"]) == \
        (5, 4, 3, 2, 1)
    assert (row["first_published"].date(), row["last_published"].date()) == (D("2024-01-15"), D("2025-02-10"))
    qc = data.query("datasets_summary", **{**NO_FILTER, "levels": ["subnational"]}).iloc[0]
    assert (qc["datasets"], qc["dated_datasets"], qc["publishers"], qc["portals"]) == (2, 1, 1, 1)
    since = data.query("datasets_summary", **{**NO_FILTER, "date_from": D("2024-03-01")}).iloc[0]
    assert (since["datasets"], since["dated_datasets"], since["publishers"]) == (3, 3, 3)  # undated left out


def test_portal_metrics_keep_flagged_points_in_order(app_env):
    rows = data.query("datasets_portal_metrics", date_from=None, date_to=None)
    assert records(rows, "portal", "metric", "value", "is_outlier", "outlier_reason") == [
        ("GCcampus", "visits_to_date", 1893.0, False, None),
        ("open.canada.ca", "visits", 3300.0, False, None),
        ("open.canada.ca", "visits", 0.0, True, "reported as 0"),
        ("open.canada.ca", "visits", 3350.0, False, None),
    ]
    window = data.query("datasets_portal_metrics", date_from=D("2024-01-02"), date_to=D("2024-01-02"))
    assert records(window, "value", "is_outlier") == [(0.0, True)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_stay_values(app_env, hostile):
    hostile_filter = {**NO_FILTER, "jurisdictions": [hostile], "levels": [hostile]}
    assert data.query("datasets_summary", **hostile_filter).iloc[0]["datasets"] == 0
    assert data.query("releases_by_dimension", dimension=hostile, limit=None, **NO_FILTER).empty
    assert data.query("datasets_portal_metrics", date_from=None, date_to=None).shape[0] == 4
    # The tables are still there afterwards.
    assert data.query("datasets_summary", **NO_FILTER).iloc[0]["datasets"] == 5


def test_a_hostile_date_is_refused_by_the_url_parser_not_spliced(app_env):
    view = state.parse("?from=2024-01-01'%20or%201=1%20--&interval=year;drop")
    assert view.date_from is None and view.interval == "month"
    assert {k for k, _ in view.notices} == {"from", "interval"}


# ---------------------------------------------------------------- charts

def test_every_datasets_chart_renders_with_a_sentence_and_a_table(app_env):
    ids = [c for c in charts.REGISTRY if c.startswith("datasets-")]
    assert sorted(ids) == ["datasets-by-format", "datasets-by-jurisdiction", "datasets-by-licence",
                           "datasets-by-organization", "datasets-portal-metrics", "datasets-publishers",
                           "datasets-releases"]
    for chart_id in ids:
        for search in ("", "?lang=fr"):
            fig, sentence, table, caption, badge = charts.render(chart_id, search)
            assert fig.data, chart_id
            assert isinstance(sentence, str) and sentence, chart_id
            assert "20260101T000000Z" in caption


def test_releases_chart_follows_the_interval(app_env):
    fig, sentence, *_ = charts.render("datasets-releases", "?interval=year")
    assert list(fig.data[0].x) == [2024, 2025] and list(fig.data[0].y) == [3, 1]
    assert sentence == ("4 datasets were released from 2024 to 2025; the busiest year was 2024 with 3. "
                        "By the end, the catalogue held 4 datasets (orange line, right axis).")
    fig, sentence, *_ = charts.render("datasets-releases", "?lang=fr")
    assert len(fig.data[0].x) == 14 and sum(fig.data[0].y) == 4
    assert sentence.startswith("Jeux de données publiés de janvier 2024 à février 2025\u00a0: 4\u00a0;")


def test_dimension_charts_count_formats_once_each_and_name_the_top(app_env):
    rows = charts.rows_for("datasets-by-format", "")[2]
    assert records(rows, "value", "datasets") == [("CSV", 2), ("JSON", 1), ("PDF", 1)]
    fig, sentence, *_ = charts.render("datasets-by-format", "")
    assert sentence == "CSV leads with 2 datasets. A dataset counts once for each format it offers."
    fig, sentence, table, caption, badge = charts.render("datasets-by-licence", "?lang=fr")
    assert list(fig.data[0].y) == ["OGL-Canada", "CC-BY-4.0", "Non précisé"]
    assert badge is not None  # d3 is synthetic


def test_portal_metrics_sentence_says_how_many_points_are_flagged_and_why(app_env):
    fig, sentence, *_ = charts.render("datasets-portal-metrics", "")
    assert sentence == ("Metric series: 2, from portals: 2. Points the source flags as glitches: 1. They are shown "
                        "with a × marker and the word “flagged”, not hidden or smoothed, and the line is broken "
                        "there. Why: reported as 0 (1).")
    assert "Flagged as a glitch" in [tr.name for tr in fig.data]


def test_an_empty_selection_shows_the_charts_own_message(app_env):
    fig, sentence, table, caption, badge = charts.render("datasets-releases", "?from=2030-01-01")
    assert sentence == "No dataset has a publication date in this selection. Widen the period or clear a filter."
    assert badge is None


def test_clicks_cross_filter_by_jurisdiction_and_period(page, app_env):
    view = state.parse("?lang=fr")
    assert datasets_spec.jurisdiction_click({"customdata": ["Québec", "ca-qc"]}, view) == "/datasets?lang=fr&jurisdiction=ca-qc"
    assert datasets_spec.jurisdiction_click({"customdata": ["Non précisé", None]}, view) is None
    assert datasets_spec.releases_click({"x": "2024-02-01"}, view) == "/datasets?lang=fr&from=2024-02-01&to=2024-02-29"
    year = state.parse("?interval=year")
    assert datasets_spec.releases_click({"x": 2024}, year) == "/datasets?from=2024-01-01&to=2024-12-31"
    assert datasets_spec.releases_click({"x": "not a date"}, view) is None
    assert datasets_spec.publishers_click({"customdata": ["ISQ", "ca-qc", "donneesquebec.ca"]}, state.parse("")) == \
        "/datasets?jurisdiction=ca-qc"


# ---------------------------------------------------------------- layout and callbacks

def test_layout_shows_the_chosen_dimension_and_interval_switches(page, app_env):
    tree = page.layout(dimension="licence", interval="year", lang="fr")
    cards = find_all(tree, lambda n: "chart-card" in (getattr(n, "className", "") or ""))
    titles = [text_of(find_all(c, lambda n: getattr(n, "className", "") == "h5 card-title")) for c in cards]
    assert titles == ["Jeux de données publiés au fil du temps", "Jeux de données par licence",
                      "Principaux éditeurs", "Indicateurs des portails"]
    current = find_all(tree, lambda n: getattr(n, "aria-current", None) == "true")
    assert [text_of(c) for c in current] == ["Par année", "Licence"]


def test_layout_ignores_an_unknown_dimension_with_a_notice(page, app_env):
    tree = page.layout(dimension="password")
    assert "password" in text_of(tree)
    assert "Datasets by organization" in text_of(tree)


def test_kpi_tiles(page, app_env):
    tiles = page.datasets_kpis({"search": "?lang=fr"})
    assert [text_of(t) for t in tiles] == [
        "Jeux de données 5 1 sans date de publication",
        "Éditeurs 3",
        "Portails 2",
        "Dernière publication 10 févr. 2025 première\u00a0: 15 janv. 2024",
    ]
    assert page.datasets_kpis("not a dict")  # a tampered store falls back to the default view


def test_get_datasets_page(app_env):
    client = app_env["app"].server.test_client()
    assert client.get("/datasets?interval=year&dimension=format").status_code == 200


def test_portal_metrics_over_years_are_thinned_to_weeks_but_keep_every_flagged_day(tmp_path, monkeypatch):
    start = D("2024-01-01")  # a Monday
    rows = [{"portal": "p", "metric": "visits", "date": start + dt.timedelta(days=i), "value": float(i),
             "is_outlier": i == 10, "outlier_reason": "reported as 0" if i == 10 else None}
            for i in range(400)]
    make_snapshot(tmp_path, {"portal_metrics": rows})
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    data.clear_cache()
    out = data.query("datasets_portal_metrics", date_from=None, date_to=None)
    weeks = out[~out["is_outlier"]]
    assert len(weeks) == 58  # 400 days from a Monday: 57 whole weeks and one of 1 day
    assert weeks["days"].tolist()[:2] == [7, 6]  # the second week lost its flagged day
    assert weeks["value"].tolist()[:2] == [6.0, 13.0]  # each week's last value
    assert out[out["is_outlier"]][["value", "days"]].values.tolist() == [[10.0, 1]]
    assert int(weeks["days"].sum()) + 1 == 400  # every day is accounted for


def test_portal_metrics_over_more_than_three_years_are_thinned_to_months(tmp_path, monkeypatch):
    start = D("2020-01-01")
    rows = [{"portal": "p", "metric": "datasets", "date": start + dt.timedelta(days=i), "value": float(i),
             "is_outlier": i == 40, "outlier_reason": "reported as 0" if i == 40 else None}
            for i in range(1200)]  # 2020-01-01 .. 2023-04-14
    rows += [{"portal": "q", "metric": "datasets", "date": start + dt.timedelta(days=i), "value": 1.0,
              "is_outlier": False, "outlier_reason": None} for i in range(20)]  # a short series stays daily
    make_snapshot(tmp_path, {"portal_metrics": rows})
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    data.clear_cache()
    out = data.query("datasets_portal_metrics", date_from=None, date_to=None)
    months = out[(out["portal"] == "p") & ~out["is_outlier"]]
    assert len(months) == 40  # Jan 2020 .. Apr 2023
    assert months["days"].tolist()[:3] == [31, 28, 31]  # February 2020 lost its flagged day (the 10th)
    assert months["value"].tolist()[:2] == [30.0, 59.0]  # each month's last value
    assert str(months["date"].tolist()[-1])[:10] == "2023-04-14"
    assert int(months["days"].sum()) + 1 == 1200
    assert out[out["is_outlier"]][["value", "days"]].values.tolist() == [[40.0, 1]]
    assert len(out[out["portal"] == "q"]) == 20


def test_portal_metrics_are_drawn_once_for_views_that_differ_only_in_filters_they_ignore(app_env):
    chart = charts.REGISTRY["datasets-portal-metrics"]
    assert charts.render_search(chart, "?lang=fr&jurisdiction=ca&cycle=2018-2020&from=2020-01-01") == \
        "?lang=fr&from=2020-01-01"
    assert charts.render_search(charts.REGISTRY["datasets-releases"], "?jurisdiction=ca") == "?jurisdiction=ca"
    a = charts.render("datasets-portal-metrics", "?jurisdiction=ca&from=2020-01-01")
    b = charts.render("datasets-portal-metrics", "?from=2020-01-01")
    assert a[0].to_dict() == b[0].to_dict() and a[1] == b[1]  # the filter does not change what is drawn
