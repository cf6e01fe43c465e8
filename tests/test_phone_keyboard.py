"""Phones and keyboards (issue 17, section 6): countries named in French from Babel's locale data, the phone's
Filters button, and a chart's data table listing as links exactly the filters a click on its marks gives."""

from __future__ import annotations

import pandas as pd
import pytest

from bench import frontend
from dashboard import app as app_module
from dashboard import charts, i18n, state
from dashboard.figures import commitments as figures_commitments
from dashboard.ingest import ogp_export
from dashboard.ingest._shared import jurisdiction_row
from dashboard.ingest.common import Source
from helpers import REPO, commitments_data as fx
from helpers import find_all, make_snapshot, text_of

SOURCE = Source(name="test", kind="reference")
OGP_FIXTURE = REPO / "tests" / "fixtures" / "ingest" / "ogp" / "ogp_small.csv"

# Countries as a connector emits them (French name left to Babel), beside the fixture's Canada, Québec, Testville.
COUNTRIES = [
    jurisdiction_row(SOURCE, "usa", name_en="United States", level="national", country_code="USA"),
    jurisdiction_row(SOURCE, "deu", name_en="Germany", level="national", country_code="DEU"),
    jurisdiction_row(SOURCE, "chl", name_en="Chile", level="national", country_code="CHL"),
    jurisdiction_row(SOURCE, "esmd", name_en="Madrid, Spain", level="local", country_code="ESP"),
]


def write(data_dir):
    return make_snapshot(data_dir, {**fx.TABLES, "jurisdictions": fx.JURISDICTIONS + COUNTRIES})


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("phone-keyboard", write)


# ---------------------------------------------------------------- country names

def test_country_names_come_from_babel_by_iso_code():
    assert i18n.country_name("DEU", "fr") == "Allemagne"  # alpha-3, as the jurisdictions table writes it
    assert i18n.country_name("CHL", "fr") == "Chili"
    assert i18n.country_name("de", "fr") == "Allemagne"  # alpha-2, any case
    assert i18n.country_name("USA", "fr") == "États-Unis"
    assert i18n.country_name("DEU", "en") == "Germany"
    for unknown in ("ZZZ", "QQQ", "", None):
        assert i18n.country_name(unknown, "fr") is None


def test_a_country_without_a_french_name_takes_babels_and_places_keep_theirs():
    by_id = {row["jurisdiction_id"]: row for row in COUNTRIES}
    assert (by_id["deu"]["name_en"], by_id["deu"]["name_fr"]) == ("Germany", "Allemagne")
    assert by_id["usa"]["name_fr"] == "États-Unis"
    assert by_id["esmd"]["name_fr"] is None  # a city keeps its source's name
    given = jurisdiction_row(SOURCE, "mex", name_en="Mexico", name_fr="Mexique (nommé)", level="national",
                             country_code="MEX")
    assert given["name_fr"] == "Mexique (nommé)"  # a source's own French name stands


def test_ogp_export_countries_are_french_in_the_jurisdictions_table():
    places = {r["jurisdiction_id"]: r for r in
              ogp_export.read(Source(name="ogp", kind="ogp-export", path=OGP_FIXTURE))["jurisdictions"].to_pylist()}
    assert {j: places[j]["name_fr"] for j in sorted(places)} == {
        "arba": None, "arg": "Argentine", "ca": "Canada", "ukr": "Ukraine"}


def test_filter_choices_are_french_and_sorted_by_the_name_shown(app_env):
    fr, _levels, _cycles = app_module.filter_choices("fr")
    assert [o["label"] for o in fr] == [
        "Allemagne · National", "Canada · National", "Chili · National", "États-Unis · National",
        "Madrid, Spain · Local", "Québec · Infranational", "Testville · Local"]
    en, _levels, _cycles = app_module.filter_choices("en")
    assert [o["value"] for o in en] == ["ca", "chl", "deu", "esmd", "ca-qc", "xx", "usa"]


def test_heatmap_rows_sort_french_names_as_a_reader_looks_for_them():
    # The real export put "Équateur" and "États-Unis" after "Uruguay", and "Côte d'Ivoire" after "Croatie".
    rows = pd.DataFrame([
        (j, en, fr, "2018-2020", 2018, 2020, 1, 5, 5, 3, 0.6) for j, en, fr in [
            ("ury", "Uruguay", "Uruguay"), ("ecu", "Ecuador", "Équateur"), ("usa", "United States", "États-Unis"),
            ("hrv", "Croatia", "Croatie"), ("civ", "Côte d'Ivoire", "Côte d’Ivoire"), ("esp", "Spain", "Espagne")]
    ], columns=["jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "cycle", "cycle_start",
                "cycle_end", "plan_number", "commitments", "assessed", "complete_or_substantial", "share"])
    assert list(figures_commitments.completion_heatmap(rows, lang="fr").data[0].y) == [
        "Côte d’Ivoire", "Croatie", "Équateur", "Espagne", "États-Unis", "Uruguay"]
    assert list(figures_commitments.completion_heatmap(rows, lang="en").data[0].y) == [
        "Côte d'Ivoire", "Croatia", "Ecuador", "Spain", "United States", "Uruguay"]


# ---------------------------------------------------------------- the phone's Filters button

def test_filters_button_counts_the_filters_on():
    label = app_module.filters_toggle_label(state.parse("?lang=fr&jurisdiction=ca,ca-qc&level=national&from=2020-01-01"))
    assert text_of(label) == "Filtres 4, 4 actifs"  # the badge shows 4; a screen reader hears ", 4 actifs"
    assert text_of(app_module.filters_toggle_label(state.parse("?cycle=2018-2020"))) == "Filters 1, 1 active"
    assert app_module.filters_toggle_label(state.parse("")) == ["Filters"]


def test_the_filter_bar_folds_behind_a_button_that_says_if_it_is_open(app_env):
    layout = app_module._shell()
    button = find_all(layout, lambda n: getattr(n, "id", None) == "filters-toggle")[0]
    body = find_all(layout, lambda n: getattr(n, "id", None) == "filters-body")[0]
    assert (button.type, getattr(button, "aria-expanded"), getattr(button, "aria-controls")) == (
        "button", "false", "filters-body")
    assert "filters-body" in body.className
    css = (REPO / "dashboard" / "assets" / "10-app.css").read_text(encoding="utf-8")
    assert ".filter-bar:not(.filters-open) .filters-body { display: none; }" in css


# ---------------------------------------------------------------- a chart's marks as links

def test_data_table_links_are_the_hrefs_a_click_gives(app_env):
    view = state.parse("?lang=fr")
    fig = charts.render("overview-progress", view.to_query())[0]
    links = charts.point_links(charts.REGISTRY["overview-progress"], fig, view)
    assert links == [
        ("Non commencé", "/commitments?lang=fr&status=not_started"),
        ("Limité", "/commitments?lang=fr&status=limited"),
        ("Substantiel", "/commitments?lang=fr&status=substantial"),
        ("Achevé", "/commitments?lang=fr&status=complete"),
        ("Retiré", "/commitments?lang=fr&status=withdrawn"),
    ]  # "Not assessed" is no status filter: its bar's click leads nowhere, so it has no link
    # Each is what on_click gives for the point a click on that bar sends (plotly.js's clickData).
    chart = charts.REGISTRY["overview-progress"]
    for point, _parts in charts.chart_points(fig):
        assert {"x", "y", "customdata", "curveNumber", "pointNumber"} <= set(point)
    assert [chart.on_click(p, view) for p, _ in charts.chart_points(fig) if chart.on_click(p, view)] == \
        [href for _, href in links]


def test_heatmap_links_name_the_cell_and_match_a_click_by_its_labels(app_env):
    view = state.parse("?align=year")
    chart = charts.REGISTRY["commitments-heatmap"]
    fig = charts.render(chart.id, view.to_query())[0]
    assert charts.point_links(chart, fig, view) == [
        ("Canada · 2018", "/commitments?jurisdiction=ca&cycle=2018-2020&align=year"),
        ("Canada · 2022", "/commitments?jurisdiction=ca&cycle=2022-2024&align=year"),
        ("Quebec · 2022", "/commitments?jurisdiction=ca-qc&cycle=2022-2024&align=year"),
        ("Testville · 2018", "/commitments?jurisdiction=xx&cycle=2018-2020&align=year"),
    ]
    # A click that sends only the cell's x and y (no customdata) lands on the same page.
    for point, _parts in charts.chart_points(fig):
        bare = {k: v for k, v in point.items() if k != "customdata"}
        assert chart.on_click(bare, view) == chart.on_click(point, view)


def test_stacked_bars_name_their_series_and_plans_by_year(app_env):
    view = state.parse("?align=year")
    chart = charts.REGISTRY["commitments-progress-cycle"]
    links = charts.point_links(chart, charts.render(chart.id, view.to_query())[0], view)
    assert links[:2] == [("2018-2020 n = 4 · Complete", "/commitments?cycle=2018-2020&status=complete&align=year"),
                         ("2022-2024 n = 4 · Complete", "/commitments?cycle=2022-2024&status=complete&align=year")]
    # Plans lined up by place are no set of cycles: a click filters nothing, and the table says so.
    plan_view = state.parse("")
    assert charts.point_links(chart, charts.render(chart.id, "")[0], plan_view) == []


def _links_callback(client):
    deps = client.get("/_dash-dependencies").get_json()
    return next(d for d in frontend.server_callbacks(deps) if "chart-links" in d["output"])


def test_links_are_built_when_the_table_is_first_opened(app_env):
    client = app_env["client"]
    dep = _links_callback(client)
    store = {"search": "?lang=fr"}
    body = frontend.callback_request(dep, [1], [store, None], match={"chart": "overview-progress"})
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    nav = answer.get_json()["response"]
    hrefs = [n["props"]["href"] for n in _walk(nav) if n.get("type") == "Link"]
    assert hrefs[0] == "/commitments?lang=fr&status=not_started" and len(hrefs) == 5
    # Opened again (or clicked inside): nothing is sent again.
    again = frontend.callback_request(dep, [2], [store, ["already there"]], match={"chart": "overview-progress"})
    assert client.post("/_dash-update-component", json=again).status_code == 204


def _walk(node):
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_a_chart_whose_marks_filter_nothing_has_no_links_box(app_env):
    card = charts.chart_card("overview-progress", state.parse(""))
    assert find_all(card, lambda n: isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "chart-links")
    no_click = next(c for c in charts.REGISTRY.values() if c.on_click is None and not c.keyed)
    card = charts.chart_card(no_click.id, state.parse(""))
    assert not find_all(card, lambda n: isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "chart-links")
