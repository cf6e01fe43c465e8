"""The commitment page on a tiny snapshot: its queries, record, keyed charts, linked records, and unknown ids."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import charts, data, state
from helpers import commitments_data as fx
from helpers import find_all, no_nested_lists, page_module, records, text_of

AS_OF = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("commitment-detail-data", fx.write)


@pytest.fixture
def page(app_env):
    return page_module("commitment_detail")


# ---------------------------------------------------------------- queries

def test_record_has_its_jurisdiction_and_counts(app_env):
    rows = data.query("commitment_record", commitment_id="CA0001")
    assert records(rows, "commitment_id", "jurisdiction_name_fr", "level", "milestones", "status_rows", "datasets",
                   "learning_rows") == [("CA0001", "Canada", "national", 1, 0, 1, 1)]
    assert records(data.query("commitment_record", commitment_id="CA0003"), "milestones", "dated_milestones") == [(1, 0)]
    assert data.query("commitment_record", commitment_id="CA0002")["status_rows"].tolist() == [6]
    assert data.query("commitment_record", commitment_id="ca0001").empty  # ids are exact


def test_milestones_in_natural_order_with_overdue_flags(app_env):
    rows = data.query("commitment_milestones", commitment_id="CA0002", as_of=AS_OF)
    assert records(rows, "milestone_id", "progress", "indicators", "latest_period", "periods_reported",
                   "days_overdue", "overdue") == [
        ("CA0002-1", "substantial", 0, "2020-03", 3, 1432, True),
        ("CA0002-2", "limited", 1, "2020-03", 3, -27606, False),
        ("CA0002-10", None, 0, None, 0, None, False),
    ]
    assert set(rows["as_of"].dt.date) == {AS_OF}


def test_status_history_is_one_row_per_series_and_period(app_env):
    rows = data.query("commitment_status_history", commitment_id="CA0002")
    assert records(rows, "series_id", "reporting_period", "status_code", "milestone_title_en") == [
        ("CA0002-1", "2019-03", "LP", "Milestone CA0002-1"),
        ("CA0002-1", "2019-09", "SP", "Milestone CA0002-1"),
        ("CA0002-1", "2020-03", "SP", "Milestone CA0002-1"),
        ("CA0002-2.1", "2019-03", "LP", "Milestone CA0002-2"),
        ("CA0002-2.1", "2019-09", "LP", "Milestone CA0002-2"),
        ("CA0002-2.1", "2020-03", "LP", "Milestone CA0002-2"),
    ]


def test_linked_datasets_and_learning(app_env):
    assert data.query("commitment_datasets", commitment_id="CA0001")["dataset_id"].tolist() == ["d1"]
    learning = data.query("commitment_learning", commitment_id="CA0001")
    assert records(learning, "organizer", "events", "learners") == [("School", 2, 100)]
    assert data.query("commitment_datasets", commitment_id="CA0002").empty


@pytest.mark.parametrize("hostile", fx.HOSTILE)
def test_hostile_ids_stay_values(app_env, hostile):
    for name in ("commitment_record", "commitment_status_history", "commitment_datasets", "commitment_learning"):
        assert data.query(name, commitment_id=hostile).empty
    assert data.query("commitment_milestones", commitment_id=hostile, as_of=AS_OF).empty
    assert len(data.query("commitment_record", commitment_id="CA0001")) == 1


# ---------------------------------------------------------------- the page

def test_detail_shows_the_record_with_missing_values_explained(page):
    body = page.detail_body("CA0002", state.parse("?lang=fr&jurisdiction=ca"))
    assert no_nested_lists(body)
    text = text_of(body)
    crumbs = find_all(body.children[0], lambda n: type(n).__name__ == "Link")
    assert [c.href for c in crumbs] == ["/?lang=fr&jurisdiction=ca", "/commitments?lang=fr&jurisdiction=ca"]
    assert "Access to information 100% online en anglais seulement" in text  # title only in English, marked
    assert "Non examiné (NR)\u00a0: le MEI ne l’a pas examiné." in text  # mid-term completion NR
    assert "Sans objet (NA)\u00a0: ne s’applique pas à cet engagement." in text  # starred NA
    assert "Non consigné\u00a0: la source ne le précise pas." in text  # nothing recorded
    assert "Code «\u00a0SP\u00a0» de la source, vocabulaire\u00a0: Suivi du plan d’action national du Canada" in text
    stores = find_all(body, lambda n: type(n).__name__ == "Store" and isinstance(n.id, dict)
                      and n.id.get("type") == "chart-state")
    assert {s.id["chart"]: s.data for s in stores} == {
        "commitment-milestones": {"search": "?lang=fr&jurisdiction=ca", "key": "CA0002"},
        "commitment-status-history": {"search": "?lang=fr&jurisdiction=ca", "key": "CA0002"},
    }
    assert "Aucun jeu de données du catalogue ne mentionne cet engagement." in text
    assert "Aucune activité d’apprentissage n’est liée à cet engagement." in text


def test_detail_links_source_datasets_and_learning(page):
    body = page.detail_body("CA0001", state.parse(""))
    text = text_of(body)
    assert "Transformative" in text and "Complete" in text and "Major" in text and "yes" in text
    feed_links = [n.href for n in find_all(body, lambda n: type(n).__name__ == "A" and "feed-link" in (getattr(n, "className", None) or ""))]
    assert feed_links == ["/feed/commitments/CA0001.atom"]  # the record's change feed (dashboard/feed.py)
    links = [n.href for n in find_all(body, lambda n: type(n).__name__ == "A" and "feed-link" not in (getattr(n, "className", None) or ""))]
    assert links == ["https://example.org/CA0001", "/download/view/commitment-milestones.csv?key=CA0001",
                     "/download/view/commitment-milestones.json?key=CA0001"]  # + its CSV and the CSV's JSON twin
    assert "Dataset d1" in text and "100 learners in 2 events" in text
    assert "Open Data" in text and "Treasury Board" in text


def test_detail_says_in_one_line_what_is_missing(page):
    body = page.detail_body("QC0002", state.parse(""))
    text = text_of(body)
    assert "All IRM fieldsNot recorded: the source does not say." in text
    assert text.count("Not recorded: the source does not say.") == 1
    quiet = [n.id for n in find_all(body, lambda n: str(getattr(n, "id", "")).endswith("-none"))]
    assert quiet == ["commitment-milestones-none", "commitment-status-history-none"]
    assert not find_all(body, lambda n: type(n).__name__ == "Graph")


def test_undated_milestones_are_listed_not_placed_on_a_timeline(page):
    body = page.detail_body("CA0003", state.parse("?lang=fr"))
    section = find_all(body, lambda n: getattr(n, "id", None) == "commitment-milestones-list")[0]
    assert text_of(section).startswith("Jalons1 jalon. La source ne lui donne pas d’échéance\u00a0: il est")
    rows = find_all(section, lambda n: type(n).__name__ == "Tr")[1:]
    assert [text_of(r) for r in rows] == ["1 Milestone CA0003-1 en anglais seulement–sans échéanceLimité"]
    assert not find_all(body, lambda n: isinstance(getattr(n, "id", None), dict)
                        and n.id.get("chart") == "commitment-milestones")


@pytest.mark.parametrize("bad", ["NOPE", "<script>alert(1)</script>", "CA0001'; --", "../etc", "x" * 300, ""])
def test_unknown_or_odd_ids_are_just_not_found(page, bad):
    body = page.detail_body(bad, state.parse(""))
    assert body.id == "commitment-not-found"
    assert "Commitment not found" in text_of(body)


def test_layout_keeps_the_id_as_data_and_decodes_it(page):
    layout = page.layout(commitment_id="CA%200001", lang="fr")
    store = find_all(layout, lambda n: getattr(n, "id", None) == "commitment-detail-state")[0]
    assert store.data == {"search": "?lang=fr", "id": "CA 0001"}
    assert page.draw_detail({"search": "?lang=fr", "id": "CA 0001"}).id == "commitment-not-found"


def test_keyed_charts_draw_one_commitments_milestones(page):
    fig, sentence, table, caption, badge = charts.render("commitment-milestones", "", "CA0002")
    assert sentence.startswith("3 milestones: 0 complete, 1 overdue. "
                               "1 has no reported status yet. Due dates run from June 30, 2020 to December 31, 2099")
    names = [tr.name for tr in fig.data if tr.name]
    assert names == ["Limited", "Substantial"]
    assert badge is None
    fig, sentence, *_ = charts.render("commitment-status-history", "?lang=fr", "CA0002")
    assert list(fig.data[0].y) == ["1", "2.1"]
    assert sentence.startswith("2 jalons ou indicateurs déclarés sur 3 périodes, de 2019-03 à 2020-03.")
    _, empty, *_ = charts.render("commitment-status-history", "", "CA0001")
    assert empty == "No status has been reported for this commitment's milestones yet."


def test_get_commitment_pages(app_env):
    client = app_env["app"].server.test_client()
    assert client.get("/commitments/CA0001").status_code == 200
    assert client.get("/commitments/%3Cscript%3E").status_code == 200


def test_learning_table_in_french_translates_the_event_type_and_marks_an_english_only_organizer(page):
    section = page.learning_section(state.parse("?lang=fr"), "CA0001")
    rows = find_all(section, lambda n: type(n).__name__ == "Tr")[1:]
    assert [text_of(r) for r in rows] == ["School en anglais seulementCours201921005"]
    organizer = find_all(rows[0], lambda n: type(n).__name__ == "Th")[0]
    assert [n.lang for n in find_all(organizer, lambda n: getattr(n, "lang", None))] == ["en", "fr"]


def test_policy_areas_in_french(page):
    text = text_of(page.detail_body("CA0001", state.parse("?lang=fr")))
    assert "Données ouvertes" in text and "Open Data" not in text



def test_one_linked_dataset_is_counted_in_the_singular(page):
    text = text_of(page.detail_body("CA0001", state.parse("?lang=fr")))
    assert "1 jeu de données mentionne cet engagement." in text
    assert "1 dataset names this commitment." in text_of(page.detail_body("CA0001", state.parse("")))
