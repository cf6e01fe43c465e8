"""The overview on a tiny snapshot: KPI numbers and their links, the headline, the sources, the two charts."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import charts, state
from dashboard.specs import overview as overview_spec
from helpers import commitments_data as fx
from helpers import find_all, no_nested_lists, page_module, text_of


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("overview-data", fx.write)


@pytest.fixture
def page(app_env):
    return page_module("overview")


def test_kpis_count_the_view(page, app_env):
    as_of = app_env["snapshot"].created_at.date()
    k = overview_spec.kpis(state.parse(""))
    assert k == {
        "as_of": as_of,
        "commitments": 8,
        "jurisdictions": 3,
        "plans": 4,  # Canada's two plans, Québec's and Testville's first: labels are not compared
        "assessed": 6,
        "done": 3,
        "share": 0.5,
        "overdue": 2,  # CA0002-1 and XX0001-1; CA0001-1 is complete
        "attention": 3,  # and CA0002-2, stalled
        "past_due_unreported": 0,  # CA0002-10 has no status but no due date either
        "datasets": 3,  # d1, d2, d4: d3 is older than 12 months
        "catalogue_loads": 0,  # no record here came in a catalogue load (tests/test_catalogue_loads.py has some)
        "released_from": as_of - dt.timedelta(days=365),
        "released_to": as_of,
        "learners": 150,
        "events": 3,
        "synthetic": 3,  # XX0001 in the heatmap cells, XX0001-1 overdue, d4 released
    }
    national = overview_spec.kpis(state.parse("?level=national"))
    assert (national["commitments"], national["share"], national["overdue"], national["datasets"],
            national["learners"]) == (5, 0.5, 1, 2, 100)


def test_kpis_follow_a_chosen_period(page):
    k = overview_spec.kpis(state.parse("?from=2023-01-01&to=2023-12-31"))
    assert (k["released_from"], k["released_to"], k["learners"], k["events"]) == \
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31), 50, 1)


def test_tiles_link_into_their_pages_with_the_filter(page, app_env):
    view = state.parse("?lang=fr&jurisdiction=ca&page=3&q=x")
    k = overview_spec.kpis(view)
    tiles = page.kpi_tiles(k, view)
    links = [t.children.href for t in tiles]
    since = (app_env["snapshot"].created_at.date() - dt.timedelta(days=365)).isoformat()
    assert links == [
        "/commitments?lang=fr&jurisdiction=ca",
        "/commitments?lang=fr&jurisdiction=ca&status=substantial%2Ccomplete",
        "/commitments?lang=fr&jurisdiction=ca#commitments-overdue",
        f"/datasets?lang=fr&jurisdiction=ca&from={since}",
        "/training?lang=fr&jurisdiction=ca",
    ]
    # 4 assessed: the share is faded and carries its n.
    assert [text_of(t.children.children.children[1]) for t in tiles] == ["5", "50\u00a0% n = 4", "1", "2", "100"]
    assert tiles[1].children.children.children[1].children.className == "low-confidence"
    # Every percentage with its n; under 5 assessed commitments, the tile says it is too few.
    assert text_of(tiles[1]).endswith("2 des 4 engagements évalués · trop peu pour une lecture fiable (moins de 5)")
    assert text_of(tiles[0]).endswith("1 administration · 2 plans d’action")


def test_headline_says_the_numbers_in_the_language(page, app_env):
    view = state.parse("?lang=fr")
    k = overview_spec.kpis(view)
    text = overview_spec.headline(k, view)
    date = text.split(" au ")[1].split(".")[0]
    assert text == (f"50\u00a0% des 6 engagements évalués dans 3 administrations sont achevés ou substantiels. "
                    f"2 jalons sont en retard au {date}. 3 jeux de données ont été publiés au cours des 12 derniers "
                    f"mois, et les activités d’apprentissage ont joint 150 apprenants.")
    assert overview_spec.headline(overview_spec.kpis(state.parse("?jurisdiction=nowhere")), state.parse("")) == \
        "No commitments match these filters."


def test_headline_calls_a_share_from_too_few_assessed_too_few(page, app_env):
    view = state.parse("?jurisdiction=ca")
    k = overview_spec.kpis(view)
    assert k["assessed"] == 4
    text = overview_spec.headline(k, view)
    assert text.startswith("Only 4 of the 5 commitments tracked across 1 jurisdictions are assessed: too few for a "
                           "reliable share (50%, n = 4, fewer than 5). ")
    fr = overview_spec.headline(k, state.parse("?jurisdiction=ca&lang=fr"))
    assert fr.startswith("Seuls 4 des 5 engagements suivis dans 1 administrations sont évalués\u00a0: trop peu pour une "
                         "part fiable (50\u00a0%, n = 4, moins de 5). ")


def test_overview_parts_show_sources_and_the_synthetic_badge(page, app_env):
    headline, tiles, badge, sources = page.overview_parts(state.parse(""))
    assert no_nested_lists(sources) and no_nested_lists(tiles)
    assert badge is not None
    text = text_of(sources)
    # The fixture's manifest records no data date: said so, and the build time is called the build time.
    assert text.startswith("Data as of: each source's own date, below · "
                           f"Snapshot {app_env['snapshot'].id}, built ")
    assert text.endswith("testreference data date not recorded")


def test_overview_charts(page):
    fig, sentence, *_ = charts.render("overview-completion-cycle", "")
    assert list(fig.data[0].x) == ["1st plan", "2nd plan<br>2022-2024"]
    assert list(fig.data[0].text) == ["60% (n = 5)", "0% (n = 1)"]
    assert sentence == ("Plans lined up by their place in each jurisdiction's own sequence. Latest, 2nd plan · "
                        "2022-2024: 0% (n = 1) of the assessed commitments are complete or substantial. The highest, "
                        "among those with at least 5 assessed commitments: 1st plan, 60% (n = 5). 1 faded bar rests "
                        "on fewer than 5 assessed commitments.")
    first = list(fig.data[0].customdata[0])  # every member's 1st plan: not one set of cycles, no link
    assert overview_spec.completion_cycle_click({"customdata": first}, state.parse("?status=complete&page=2")) is None
    fig, _, *_ = charts.render("overview-completion-cycle", "?align=year")
    assert overview_spec.completion_cycle_click({"customdata": list(fig.data[0].customdata[0])},
                                       state.parse("?status=complete&page=2&align=year")) == \
        "/commitments?cycle=2018-2020&align=year"
    fig, sentence, *_ = charts.render("overview-progress", "?lang=fr")
    assert [tr.name for tr in fig.data] == ["Non commencé", "Limité", "Substantiel", "Achevé", "Retiré", "Non évalué"]
    assert sentence == ("Sur 8 engagements, 2 sont achevés et 1 substantiels. 1 n’est pas encore évalué. "
                        "Sélectionnez une barre pour afficher la liste de ces engagements.")
    assert overview_spec.progress_click({"customdata": ["complete", "25%"]}, state.parse("?lang=fr")) == \
        "/commitments?lang=fr&status=complete"
    assert overview_spec.progress_click({"customdata": ["", "12%"]}, state.parse("")) is None
    rows = overview_spec.progress_rows(state.parse(""))
    assert rows["progress"].tolist()[:-1] == ["not_started", "limited", "substantial", "complete", "withdrawn"]
    assert rows["commitments"].tolist() == [1, 2, 1, 2, 1, 1]


def test_layout_carries_the_numbers_of_the_view(page):
    layout = page.layout(lang="fr", jurisdiction="ca")
    assert no_nested_lists(layout)
    headline = find_all(layout, lambda n: getattr(n, "id", None) == "overview-headline")[0]
    assert headline.children == overview_spec.headline(overview_spec.kpis(state.parse("?lang=fr&jurisdiction=ca")),
                                              state.parse("?lang=fr&jurisdiction=ca"))
    assert "jalon" in headline.children  # in French
    tiles = find_all(layout, lambda n: getattr(n, "id", None) == "overview-kpis")[0]
    assert len(tiles.children) == 5
    assert find_all(layout, lambda n: getattr(n, "id", None) == "overview-sources-body")[0].children


def test_get_overview(app_env):
    client = app_env["app"].server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/?lang=fr&status=complete").status_code == 200
