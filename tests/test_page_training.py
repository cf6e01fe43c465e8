"""The training-reach page on a tiny snapshot holding CA0047's real figures: queries, charts, tiles, the linked list."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts, data, state
from dashboard.specs import training as training_spec
from helpers import find_all, make_snapshot, page_module
from helpers import records
from helpers import spaced_text_of as text_of

D = dt.date.fromisoformat
HOSTILE = ["'", ";", "' or 1=1 --", "'; drop table learning_events; --"]
NO_FILTER = {"jurisdictions": [], "levels": [], "date_from": None, "date_to": None}

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational"},
]
COMMITMENTS = [
    {"commitment_id": "CA0047", "jurisdiction_id": "ca", "cycle": "2016-2018", "cycle_start": 2016, "cycle_end": 2018,
     "title_en": "Enhance Open Government Skills"},
    {"commitment_id": "CAQUE0005", "jurisdiction_id": "ca-qc", "cycle": "2021-2023", "cycle_start": 2021,
     "cycle_end": 2023, "title_en": "Equip employees", "title_fr": "Outiller les employés"},
]
YEAR = {"period": "2016-07/2017-06", "period_start": D("2016-07-01"), "period_end": D("2017-06-30"), "jurisdiction_id": "ca"}
EVENTS = [
    # CA0047's mid-term report, as the reference data holds it.
    {**YEAR, "organizer": "Treasury Board of Canada Secretariat", "event_type": "learning event",
     "topic": "open government", "events": 34, "learners": 1800, "organisations": 26, "commitment_id": "CA0047"},
    {**YEAR, "organizer": "Canada School of Public Service", "event_type": "course", "topic": "open government",
     "events": 14, "learners": 35755, "organisations": 109, "commitment_id": "CA0047"},
    # Generated, linked to no commitment.
    {"period": "2024-Q1", "period_start": D("2024-01-01"), "period_end": D("2024-03-31"), "jurisdiction_id": "ca-qc",
     "organizer": "MCN", "event_type": "workshop", "topic": "open data", "events": 4, "learners": 120,
     "organisations": None, "commitment_id": None, "synthetic": True},
    {"period": "2024-Q2", "period_start": D("2024-04-01"), "period_end": D("2024-06-30"), "jurisdiction_id": "ca-qc",
     "organizer": "MCN", "event_type": "workshop", "topic": "open data", "events": 2, "learners": 50,
     "organisations": 5, "commitment_id": "CAQUE0005"},
]


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("training-data", lambda data_dir: make_snapshot(
        data_dir, {"jurisdictions": JURISDICTIONS, "commitments": COMMITMENTS, "learning_events": EVENTS},
        snapshot_id="20260101T000000Z"))


@pytest.fixture
def page(app_env):
    return page_module("training")




# ---------------------------------------------------------------- queries

def test_training_summary(app_env):
    row = data.query("training_summary", **NO_FILTER).iloc[0]
    assert (row["records"], row["events"], row["learners"], row["organisations"], row["organizers"],
            row["jurisdictions"], row["linked_commitments"], row["synthetic_rows"]) == (4, 54, 37725, 140, 3, 2, 2, 1)
    qc = data.query("training_summary", **{**NO_FILTER, "levels": ["subnational"], "date_from": D("2024-04-01")}).iloc[0]
    assert (qc["records"], qc["events"], qc["learners"], qc["linked_commitments"]) == (1, 2, 50, 1)


def test_training_by_jurisdiction_and_organizer(app_env):
    rows = data.query("training_by_jurisdiction", **NO_FILTER)
    assert records(rows, "jurisdiction_id", "jurisdiction_name_fr", "organizers", "events", "learners", "organisations",
                   "synthetic_rows") == [("ca", "Canada", 2, 48, 37555, 135, 0), ("ca-qc", "Québec", 1, 6, 170, 5, 1)]
    assert rows["learners_per_event"].round(3).tolist() == [782.396, 28.333]
    by_org = data.query("training_by_organizer", **NO_FILTER)
    assert records(by_org, "organizer", "events", "learners", "organisations") == [
        ("Canada School of Public Service", 14, 35755, 109),
        ("Treasury Board of Canada Secretariat", 34, 1800, 26),
        ("MCN", 6, 170, 5),
    ]


def test_linked_commitments_keep_each_reported_row(app_env):
    rows = data.query("training_linked_commitments", cycles=[], **NO_FILTER)
    assert records(rows, "commitment_id", "organizer", "event_type", "period", "events", "learners", "organisations") == [
        ("CA0047", "Canada School of Public Service", "course", "2016-07/2017-06", 14, 35755, 109),
        ("CA0047", "Treasury Board of Canada Secretariat", "learning event", "2016-07/2017-06", 34, 1800, 26),
        ("CAQUE0005", "MCN", "workshop", "2024-Q2", 2, 50, 5),
    ]
    assert records(rows, "commitment_title_en")[0] == ("Enhance Open Government Skills",)
    cycle = data.query("training_linked_commitments", cycles=["2021-2023"], **NO_FILTER)
    assert cycle["commitment_id"].tolist() == ["CAQUE0005"]



def test_linked_totals_sum_per_commitment_and_organizer_and_keep_the_largest(app_env):
    cols = ("commitment_id", "organizer", "events", "learners", "organisations", "synthetic_rows", "records", "real")
    rows = data.query("training_linked_totals", cycles=[], limit=12, **NO_FILTER)
    assert records(rows, *cols) == [
        ("CA0047", "Canada School of Public Service", 14, 35755, 109, 0, 1, True),
        ("CA0047", "Treasury Board of Canada Secretariat", 34, 1800, 26, 0, 1, True),
        ("CAQUE0005", "MCN", 2, 50, 5, 0, 1, True),
    ]
    top = data.query("training_linked_totals", cycles=[], limit=2, **NO_FILTER)  # the fewest learners go first
    assert top["organizer"].tolist() == ["Canada School of Public Service", "Treasury Board of Canada Secretariat"]
    assert data.query("training_linked_totals", cycles=["2021-2023"], limit=12, **NO_FILTER)["commitment_id"].tolist() \
        == ["CAQUE0005"]


def test_linked_list_rows_keep_the_first_commitments_whole_and_count_them_all(app_env):
    cols = ("commitment_id", "organizer", "learners", "commitments_total")
    one = data.query("training_linked_list", cycles=[], limit=1, **NO_FILTER)
    assert records(one, *cols) == [("CA0047", "Canada School of Public Service", 35755, 2),
                                   ("CA0047", "Treasury Board of Canada Secretariat", 1800, 2)]
    every = data.query("training_linked_list", cycles=[], limit=6, **NO_FILTER)
    listed = data.query("training_linked_commitments", cycles=[], **NO_FILTER)
    assert records(every, "commitment_id", "organizer", "period") == records(listed, "commitment_id", "organizer", "period")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_stay_values(app_env, hostile):
    bad = {**NO_FILTER, "jurisdictions": [hostile], "levels": [hostile]}
    for name in ("training_summary", "training_by_jurisdiction", "training_by_organizer"):
        rows = data.query(name, **bad)
        assert rows.empty or rows.iloc[0]["learners"] == 0, name
    assert data.query("training_linked_commitments", cycles=[hostile], **NO_FILTER).empty
    assert data.query("training_linked_totals", cycles=[hostile], limit=12, **NO_FILTER).empty
    assert data.query("training_summary", **NO_FILTER).iloc[0]["learners"] == 37725


# ---------------------------------------------------------------- charts

def test_every_training_chart_renders(app_env):
    ids = sorted(c for c in charts.REGISTRY if c.startswith("training-"))
    assert ids == ["training-by-jurisdiction", "training-by-organizer", "training-by-period", "training-linked",
                   "training-per-event"]
    for chart_id in ids:
        for search in ("", "?lang=fr", "?jurisdiction=ca"):
            fig, sentence, table, caption, badge = charts.render(chart_id, search)
            assert fig.data and sentence, (chart_id, search)


def test_the_ca0047_figures_are_printed_on_the_linked_chart(app_env):
    fig, sentence, *_ = charts.render("training-linked", "")
    assert "1,800" in list(fig.data[0].text)
    assert "34 events · 1,800 learners · 26 organisations" in [c[2] for c in fig.data[0].customdata]
    assert sentence.startswith("Commitments with linked learning events: 2.")
    fig, *_ = charts.render("training-linked", "?lang=fr")
    assert "34 activités · 1\u00a0800 apprenants · 26 organisations" in [c[2] for c in fig.data[0].customdata]


def test_period_chart_sentence(app_env):
    fig, sentence, *_ = charts.render("training-by-period", "")
    assert list(fig.data[0].x) == ["2016-07/2017-06", "2024-Q1", "2024-Q2"]
    assert sentence.startswith("54 events reached 37,725 learners over 3 reporting periods; the most learners were "
                               "in 2016-07/2017-06 (37,555).")


def test_one_period_is_named_as_one():
    rows = pd.DataFrame({"period": ["2016-07/2017-06"], "events": [54], "learners": [38146]})
    assert training_spec.period_sentence(rows, "en").startswith(
        "54 events reached 38,146 learners in one reporting period, 2016-07/2017-06. ")
    assert training_spec.period_sentence(rows, "fr").startswith(
        "Activités\u00a0: 54\u00a0; apprenants joints\u00a0: 38\u00a0146, sur une seule période de rapport "
        "(2016-07/2017-06). ")


def test_an_empty_period_says_so(app_env):
    fig, sentence, *_ = charts.render("training-linked", "?from=2030-01-01")
    assert sentence == "No learning event in this selection names a commitment."


def test_clicks(page, app_env):
    view = state.parse("?lang=fr&jurisdiction=ca")
    assert training_spec.linked_click({"customdata": ["CA0047 · TBS", "CA0047"]}, view) == \
        "/commitments/CA0047?lang=fr&jurisdiction=ca"
    assert training_spec.linked_click({"customdata": ["x"]}, view) is None
    assert training_spec.jurisdiction_click({"customdata": ["Québec", "ca-qc"]}, view) == "/training?lang=fr&jurisdiction=ca-qc"
    assert training_spec.period_click({"customdata": ["2024-01-01", "2024-03-31"]}, state.parse("")) == \
        "/training?from=2024-01-01&to=2024-03-31"
    assert training_spec.period_click({"customdata": ["nope", "2024-03-31"]}, view) is None


# ---------------------------------------------------------------- layout and callbacks

def test_kpi_tiles_show_totals(page, app_env):
    tiles = page.training_kpis({"search": ""})
    assert [text_of(t) for t in tiles] == [
        "Events 54", "Learners 37,725 698.6 per event", "Organisations reached 140 where the source counts them",
        "Linked commitments 2"]


def test_linked_list_shows_ca0047_as_reported_with_links(page, app_env):
    tree = page.training_linked_list({"search": "?lang=fr"})
    text = text_of(tree)
    assert "34 activités · 1\u00a0800 apprenants · 26 organisations" in text
    assert "Enhance Open Government Skills" in text and "en anglais seulement" in text  # no French title
    assert "Outiller les employés" in text
    links = [n.href for n in find_all(tree, lambda n: getattr(n, "href", None))]
    assert links == ["/commitments/CA0047?lang=fr", "/commitments/CAQUE0005?lang=fr"]


def test_layout_is_cheap_and_names_its_charts(page, app_env):
    tree = page.layout(lang="fr")
    ids = [n.id for n in find_all(tree, lambda n: isinstance(getattr(n, "id", None), dict))
           if n.id.get("type") == "chart-graph"]
    assert [i["chart"] for i in ids] == ["training-linked", "training-by-period", "training-by-jurisdiction",
                                         "training-by-organizer", "training-per-event"]


def test_get_training_page(app_env):
    assert app_env["app"].server.test_client().get("/training?lang=fr").status_code == 200


def test_linked_list_shows_every_real_row_and_only_a_few_generated_ones(page, app_env):
    import pandas as pd

    def row(organizer, synthetic):
        return {"commitment_id": "CA0047", "commitment_title_en": "Skills", "commitment_title_fr": None,
                "organizer": organizer, "event_type": "course", "period": "2016", "events": 1, "learners": 10,
                "organisations": None, "synthetic_rows": int(synthetic)}

    rows = pd.DataFrame([row(f"real {i}", False) for i in range(4)] + [row(f"generated {i}", True) for i in range(3)])
    text = text_of(page.linked_list(rows, state.parse("")))
    assert all(f"real {i}" in text for i in range(4)) and "generated" not in text
    assert "and 3 more in the chart’s CSV" in text


def test_linked_list_in_french_gives_official_names_and_event_types_and_marks_the_rest(page, app_env):
    tree = page.training_linked_list({"search": "?lang=fr"})
    lines = [text_of(li) for li in find_all(tree, lambda n: type(n).__name__ == "Li" and "mb-1" in (n.className or ""))]
    assert lines[:2] == [
        "École de la fonction publique du Canada  ·  Cours  · 2016-07/2017-06  "
        "14 activités · 35\u00a0755 apprenants · 109 organisations ",
        "Secrétariat du Conseil du Trésor du Canada  ·  Activité d’apprentissage  · 2016-07/2017-06  "
        "34 activités · 1\u00a0800 apprenants · 26 organisations "]
    assert "MCN   en anglais seulement  ·  Atelier  · 2024-Q2" in text_of(tree)


def test_organizer_charts_in_french_use_official_names_and_mark_the_rest(app_env):
    fig, sentence, table, *_ = charts.render("training-by-organizer", "?lang=fr")
    assert sentence.startswith("École de la fonction publique du Canada a joint le plus d’apprenants")
    assert [c[0] for c in fig.data[0].customdata] == [
        "École de la fonction publique du Canada", "Secrétariat du Conseil du Trésor du Canada",
        "MCN (en anglais seulement)"]
    first = find_all(table, lambda n: type(n).__name__ == "Td")[0]
    assert text_of(first) == "École de la fonction publique du Canada"
