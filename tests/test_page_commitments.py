"""The commitments page on a tiny snapshot: its queries (exact values, hostile values), charts, tiles, search, list and attention table."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from dashboard import charts, data, state
from dashboard.i18n import _
from dashboard.specs import commitments as commitments_spec
from helpers import commitments_data as fx
from helpers import find_all, no_nested_lists, page_module, records, text_of

AS_OF = dt.date(2024, 6, 1)
NO_FILTER = {"jurisdictions": [], "levels": [], "cycles": []}


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("commitments-data", fx.write)


@pytest.fixture
def page(app_env):
    return page_module("commitments")


# ---------------------------------------------------------------- queries

def test_progress_by_cycle_counts_every_commitment_once(app_env):
    # Lined up by each jurisdiction's own sequence: Canada's 2018-2020 plan, Québec's and Testville's first
    # plans are all 1st plans; Canada's 2022-2024 plan is its 2nd.
    rows = data.query("commitment_progress_by_cycle", align="plan", **NO_FILTER)
    assert [(p, list(c), j, g, n, s) for p, c, j, g, n, s in zip(
        rows["position"], rows["cycles"], rows["jurisdictions"], rows["progress"].astype(object).where(
            rows["progress"].notna(), None), rows["commitments"], rows["synthetic_rows"])] == [
        (1, ["2018-2020"], 3, "limited", 2, 1),
        (1, ["2018-2020"], 3, "substantial", 1, 0),
        (1, ["2018-2020", "2022-2024"], 3, "complete", 2, 0),
        (1, ["2022-2024"], 3, "withdrawn", 1, 0),
        (2, ["2022-2024"], 1, "not_started", 1, 0),
        (2, ["2022-2024"], 1, None, 1, 0),
    ]
    by_year = data.query("commitment_progress_by_cycle", align="year", **NO_FILTER)
    assert records(by_year, "position", "progress", "commitments") == [
        (2018, "limited", 2), (2018, "substantial", 1), (2018, "complete", 1),
        (2022, "not_started", 1), (2022, "complete", 1), (2022, "withdrawn", 1), (2022, None, 1)]
    qc = data.query("commitment_progress_by_cycle", align="plan", jurisdictions=["ca-qc"], levels=[], cycles=[])
    assert records(qc, "position", "progress", "commitments") == [(1, "complete", 1), (1, "withdrawn", 1)]
    local = data.query("commitment_progress_by_cycle", align="plan", jurisdictions=[], levels=["local"],
                       cycles=["2018-2020"])
    assert records(local, "progress", "commitments", "synthetic_rows") == [("limited", 1, 1)]
    assert [list(s) for s in local["sources"]] == [["test"]]


def test_impact_completion_keeps_missing_reasons_apart(app_env):
    rows = data.query("commitment_impact_completion", statuses=[], **NO_FILTER)
    assert records(rows, "potential_impact", "potential_impact_missing", "progress", "commitments") == [
        ("Minor", None, "complete", 1),
        ("Moderate", None, "substantial", 1),
        ("None", None, "limited", 1),
        ("Transformative", None, "complete", 1),
        (None, "NA", "limited", 1),
        (None, "ND", "not_started", 1),
        (None, "NR", None, 1),
        (None, None, "withdrawn", 1),
    ]
    done = data.query("commitment_impact_completion", statuses=["complete", "substantial"], **NO_FILTER)
    assert records(done, "potential_impact", "progress", "commitments") == [
        ("Minor", "complete", 1), ("Moderate", "substantial", 1), ("Transformative", "complete", 1)]


def _list(q="", statuses=(), limit=None, offset=0, **filters):
    return data.query("commitments_list", q=q, statuses=list(statuses), limit=limit, offset=offset,
                      **{**NO_FILTER, **filters})


def test_commitments_list_orders_by_jurisdiction_latest_cycle_first_and_counts_the_total(app_env):
    rows = _list()
    assert rows["commitment_id"].tolist() == ["CA0004", "CA0005", "CA0001", "CA0002", "CA0003", "QC0001", "QC0002",
                                              "XX0001"]
    assert set(rows["total"]) == {8}
    page2 = _list(limit=3, offset=3)
    assert page2["commitment_id"].tolist() == ["CA0002", "CA0003", "QC0001"]
    assert set(page2["total"]) == {8}
    assert _list(statuses=["complete"])["commitment_id"].tolist() == ["CA0001", "QC0001"]
    assert _list(levels=["subnational"])["commitment_id"].tolist() == ["QC0001", "QC0002"]


def test_search_matches_id_or_either_title_as_plain_text(app_env):
    assert _list(q="ca000")["commitment_id"].tolist() == ["CA0004", "CA0005", "CA0001", "CA0002", "CA0003"]
    # An exact id comes first; "ca0001" also appears inside no other id.
    assert _list(q="CA0001")["commitment_id"].tolist() == ["CA0001"]
    assert _list(q="portail")["commitment_id"].tolist() == ["CA0001"]  # French title
    assert _list(q="OPEN")["commitment_id"].tolist() == ["CA0004", "CA0001", "QC0001"]
    assert _list(q="100%")["commitment_id"].tolist() == ["CA0002"]  # % is a character, not a wildcard
    assert _list(q="%")["commitment_id"].tolist() == ["CA0002"]
    assert _list(q="_")["commitment_id"].tolist() == ["QC0001"]  # _ too
    assert _list(q="  budget ")["commitment_id"].tolist() == ["CA0003", "XX0001"]


@pytest.mark.parametrize("hostile", fx.HOSTILE)
def test_hostile_values_stay_values(app_env, hostile):
    assert len(_list(q=hostile)) == (1 if hostile in ("%", "_") else 0)
    assert _list(jurisdictions=[hostile]).empty
    assert _list(statuses=[hostile]).empty
    assert data.query("commitment_progress_by_cycle", align="plan", jurisdictions=[], levels=[hostile],
                      cycles=[]).empty
    assert data.query("commitment_progress_by_cycle", align=hostile, **NO_FILTER)["commitments"].sum() == 8
    assert data.query("commitment_impact_completion", statuses=[hostile], **NO_FILTER).empty
    assert data.query("commitment_progress_by_cycle", align="plan", **NO_FILTER)["commitments"].sum() == 8  # intact


# ---------------------------------------------------------------- charts

def test_heatmap_chart_draws_shares_and_cross_filters(page):
    fig, sentence, table, caption, badge = charts.render("commitments-heatmap", "")
    sure, low = fig.data
    assert list(sure.x) == ["1st plan", "2nd plan"]
    assert list(sure.y) == ["Canada", "Quebec", "Testville"]
    # Every cell rests on fewer than 5 assessed commitments: all are pale, each with its n.
    assert [list(r) for r in sure.text] == [["", ""], ["", ""], ["", ""]]
    assert [list(r) for r in low.text] == [["67%<br>n = 3", "0%<br>n = 1"], ["100%<br>n = 1", ""],
                                           ["0%<br>n = 1", ""]]
    assert sentence == ("Across 3 jurisdictions and 4 action plans, 50% of the 6 assessed commitments are complete or "
                        "substantial. Plans are lined up by their place in each jurisdiction's own sequence (1st, "
                        "2nd … action plan), not by their years. Fewer than two have 5 or more assessed commitments, "
                        "so none is called the highest or the lowest. 4 pale cells rest on fewer than 5 assessed "
                        "commitments. Select a cell to list those commitments.")
    assert badge is not None  # XX0001 is synthetic
    assert caption.startswith(f"Snapshot {page_snapshot_id()}, built ")
    view = state.parse("?lang=fr&level=national")
    point = {"x": "1er plan", "y": "Canada", "customdata": list(low.customdata[0][0])}
    assert commitments_spec.heatmap_click(point, view) == "/commitments?lang=fr&jurisdiction=ca&level=national&cycle=2018-2020"
    # Dash sends a heatmap cell's labels without its customdata: the cell is found by them.
    assert commitments_spec.heatmap_click({"x": "1st plan", "y": "Quebec"}, state.parse("")) == \
        "/commitments?jurisdiction=ca-qc&cycle=2022-2024"
    assert commitments_spec.heatmap_click({"x": "2e plan", "y": "Canada"}, state.parse("?lang=fr")) == \
        "/commitments?lang=fr&jurisdiction=ca&cycle=2022-2024"
    assert commitments_spec.heatmap_click({"x": "2018", "y": "Testville"}, state.parse("?align=year")) == \
        "/commitments?jurisdiction=xx&cycle=2018-2020&align=year"
    # A forged value is refused rather than put in the URL.
    assert commitments_spec.heatmap_click({"x": "9th plan", "y": "Quebec"}, state.parse("")) is None
    assert commitments_spec.heatmap_click({"x": "1st plan", "y": "<b>"}, state.parse("")) is None
    assert commitments_spec.heatmap_click({"customdata": ["ca", 1, 1, 1, "<b>", "", "", ""]}, state.parse("")) is None


def test_heatmap_in_french_prints_french_percentages(page):
    fig, sentence, *_ = charts.render("commitments-heatmap", "?lang=fr")
    assert [list(r) for r in fig.data[1].text][0] == ["67\u00a0%<br>n = 3", "0\u00a0%<br>n = 1"]
    assert sentence.startswith("Dans 3 administrations et 4 plans d’action, 50\u00a0% des 6 engagements")


def test_one_jurisdiction_is_compared_plan_by_plan(page):
    view = state.parse("?jurisdiction=ca")
    fig, sentence, *_ = charts.render("commitments-heatmap", view.to_query())
    bar = fig.data[0]
    assert list(bar.x) == ["1st plan<br>2018-2020", "2nd plan<br>2022-2024"]
    assert list(bar.text) == ["67% (n = 3)", "0% (n = 1)"]
    assert sentence == ("Canada, plan by plan: 2 action plans, 50% (n = 4) of their assessed commitments complete or "
                        "substantial. Fewer than two have 5 or more assessed commitments, so none is called the "
                        "highest or the lowest. 2 plans rest on fewer than 5 assessed commitments: they are faded and "
                        "hatched. Select a bar to list that plan's commitments.")
    assert commitments_spec.heatmap_heading(view) == "Canada, plan by plan"
    assert commitments_spec.heatmap_heading(state.parse("?jurisdiction=ca-qc&lang=fr")) == "Québec, plan par plan"
    assert commitments_spec.heatmap_heading(state.parse("")) is None
    card = charts.chart_card("commitments-heatmap", view)
    assert find_all(card, lambda n: getattr(n, "id", None) == "commitments-heatmap-title")[0].children == \
        "Canada, plan by plan"
    assert commitments_spec.heatmap_click({"customdata": list(bar.customdata[1])}, view) == \
        "/commitments?jurisdiction=ca&cycle=2022-2024"


def page_snapshot_id() -> str:
    return data.current_snapshot().id


def test_progress_chart_compares_the_last_two_assessed_plans(page):
    fig, sentence, *_ = charts.render("commitments-progress-cycle", "")
    assert [trace.name for trace in fig.data] == ["Complete", "Substantial", "Limited", "Not started", "Withdrawn",
                                                  "Not assessed"]
    assert sentence == ("In the 2nd action plan (2022-2024), 0% (n = 1) of the assessed commitments are complete or "
                        "substantial. Before that, in the 1st action plans (3 jurisdictions): 60% (n = 5). One of "
                        "the two rests on fewer than 5 assessed commitments. 1 commitment is not assessed yet "
                        "(light grey).")
    # A bar of every member's 1st plan is not a set of cycles: no link. By start year, or for one member, it is.
    click = {"x": "1st plan", "customdata": ["limited", "50%", "2018-2020,2022-2024", 1]}
    assert commitments_spec.progress_click(click, state.parse("?page=3")) is None
    assert commitments_spec.progress_click(click, state.parse("?page=3&align=year")) == \
        "/commitments?cycle=2018-2020%2C2022-2024&status=limited&align=year"
    assert commitments_spec.progress_click({"customdata": ["", "25%", "2022-2024", 2]}, state.parse("?jurisdiction=ca")) == \
        "/commitments?jurisdiction=ca&cycle=2022-2024"
    _, by_year, *_ = charts.render("commitments-progress-cycle", "?align=year")
    assert by_year.startswith("In the plans started in 2022 (2 jurisdictions), 50% (n = 2) of the assessed "
                              "commitments are complete or substantial. Before that, in the plans started in 2018 "
                              "(2 jurisdictions): 50% (n = 4).")


def test_impact_chart_follows_the_status_filter(page):
    fig, sentence, *_ = charts.render("commitments-impact", "?status=complete")
    assert list(fig.data[0].y) == ["Transformative", "Minor"]
    assert sentence == ("Of 2 commitments, 2 have an IRM potential-impact rating. 1 was rated transformative "
                        "(1 complete or substantial).")
    _, everything, *_ = charts.render("commitments-impact", "")
    assert everything.endswith("Missing ratings are shown as their own rows: No data (ND) 1, Not reviewed (NR) 1, "
                               "Not applicable (NA) 1, Not recorded 1.")
    assert commitments_spec.impact_click({"customdata": "substantial"}, state.parse("")) == "/commitments?status=substantial"
    assert commitments_spec.impact_click({"customdata": ""}, state.parse("")) is None


def test_charts_show_their_empty_state(page):
    fig, sentence, table, caption, badge = charts.render("commitments-heatmap", "?jurisdiction=nowhere")
    assert sentence == "Nothing matches these filters. Clear a filter to see more."
    assert badge is None


# ---------------------------------------------------------------- status tiles

def test_status_tiles_count_and_toggle(page):
    tiles = page.status_tiles(state.parse("?status=complete&page=2"))
    buttons = find_all(tiles, lambda n: getattr(n, "id", None) and isinstance(n.id, dict))
    assert [(b.id["status"], b.__dict__["aria-pressed"], text_of(b)) for b in buttons] == [
        ("not_started", "false", "Not started112%"),
        ("limited", "false", "Limited225%"),
        ("substantial", "false", "Substantial112%"),
        ("complete", "true", "Complete225%"),
        ("withdrawn", "false", "Withdrawn112%"),
    ]
    static = find_all(tiles, lambda n: "status-tile-static" in (getattr(n, "className", "") or ""))
    assert text_of(static) == "Not assessed112%"  # shown, but not a filter
    assert page.toggled_status_href("complete", state.parse("?status=complete,limited&page=2")) == \
        "/commitments?status=limited"
    assert page.toggled_status_href("limited", state.parse("?lang=fr")) == "/commitments?lang=fr&status=limited"
    assert page.toggled_status_href("' or 1=1", state.parse("")) is dash_no_update()
    assert page.toggled_status_href(["complete"], state.parse("")) is dash_no_update()


def dash_no_update():
    import dash

    return dash.no_update


def test_search_writes_q_to_the_url(page):
    assert page.search_href("  open   data ", state.parse("?jurisdiction=ca&page=4")) == \
        "/commitments?jurisdiction=ca&q=open+data#commitments-list"
    assert page.search_href("", state.parse("?q=old&status=complete")) == "/commitments?status=complete"
    assert page.search_href("<script>", state.parse("")) == "/commitments?q=%3Cscript%3E#commitments-list"
    assert page.search_href(["x"], state.parse("?q=old")) == "/commitments"
    assert page.submit_search(1, None, "open", [1]) == "/commitments?q=open#commitments-list"  # a tampered store


# ---------------------------------------------------------------- the list

def test_list_links_every_commitment_to_its_page_and_pages(page, monkeypatch):
    monkeypatch.setattr(page, "PAGE_SIZE", 3)
    body = page.list_body(state.parse("?lang=fr&page=2"))
    assert no_nested_lists(body)
    assert text_of(body[0]) == "Engagements 4 à 6 sur 8."
    links = [link.href for link in find_all(body, lambda n: type(n).__name__ == "Link")]
    assert links[:3] == ["/commitments/CA0002?lang=fr", "/commitments/CA0003?lang=fr", "/commitments/QC0001?lang=fr"]
    assert "/commitments?lang=fr#commitments-list" in links  # page 1
    assert "/commitments?lang=fr&page=3#commitments-list" in links
    rows = find_all(body, lambda n: type(n).__name__ == "Tr")[1:]
    # QC0001 has only a French title: shown as is; CA0002 has only English: shown with the marker.
    assert text_of(rows[0]) == "CA0002Access to information 100% online en anglais seulementCanada2018-2020Substantiel(SP)"
    assert text_of(rows[2]).startswith("QC0001Soutien Open_sourceQuébec2022-2024Achevé")


def test_list_empty_states(page):
    assert "No commitment matches “zzz” with these filters." in text_of(page.list_body(state.parse("?q=zzz")))
    assert "There is no page 99." in text_of(page.list_body(state.parse("?page=99")))


# ---------------------------------------------------------------- milestones that need attention

def test_attention_table_lists_overdue_then_stalled(page):
    view = state.parse("")
    sentence, table, caption, badge = page.overdue_parts(view)
    assert sentence.startswith("As of ")
    assert ": 2 milestones are overdue, 1 have not moved in 3 or more reporting periods" in sentence
    rows = find_all(table, lambda n: type(n).__name__ == "Tr")[1:]
    assert [text_of(r.children[0]) for r in rows] == ["1 Milestone XX0001-1 synthetic", "1 Milestone CA0002-1",
                                                      "2 Milestone CA0002-2"]
    assert [text_of(r.children[5]) for r in rows] == ["Overdue", "Overdue", "Stalled"]
    assert text_of(rows[1].children[6]) == "Substantial(SP)Canada NAP tracker"
    assert find_all(rows[1], lambda n: type(n).__name__ == "Link")[0].href == "/commitments/CA0002"
    assert badge is not None


def test_attention_table_csv_has_every_row(page, app_env):
    layout = page.layout(jurisdiction="ca", lang="fr")
    link = find_all(layout, lambda n: type(n).__name__ == "A" and getattr(n, "children", None) == "CSV"
                    and "commitments-overdue" in (n.href or ""))[0]
    assert link.href == "/download/view/commitments-overdue.csv?lang=fr&jurisdiction=ca"
    response = app_env["app"].server.test_client().get(link.href)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="commitments-overdue_{app_env["snapshot"].id}.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    # A French CSV: its provenance preamble ('# ' lines), then ';'-separated rows under French headers.
    frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), comment="#", sep=";", dtype=str)
    assert list(frame.columns[:3]) == [_(h, "fr") for h in ("Milestone id", "Commitment id", "Jurisdiction id")]
    assert list(frame.iloc[:, 0]) == ["CA0002-1", "CA0002-2"]


def test_attention_table_shows_the_first_rows_and_counts_them_all(page, monkeypatch):
    monkeypatch.setattr(page, "OVERDUE_SHOWN", 1)
    sentence, table, caption, badge = page.overdue_parts(state.parse(""))
    assert ": 2 milestones are overdue, 1 have not moved in 3 or more reporting periods" in sentence
    rows = find_all(table, lambda n: type(n).__name__ == "Tr")[1:]
    assert len(rows) == 1
    assert text_of(find_all(table, lambda n: type(n).__name__ == "Caption")[0]) == \
        "The first 1 of 3: the most overdue first, those past due with no status reported last; the CSV has them all."


def test_unknown_or_keyless_downloads_are_not_found(app_env):
    client = app_env["app"].server.test_client()
    assert client.get("/download/view/no-such-chart.csv").status_code == 404
    assert client.get("/download/view/commitment-milestones.csv").status_code == 404  # a record's chart, no record
    assert client.get("/download/view/commitments-heatmap.csv?key=CA0002").status_code == 404


def test_attention_empty_state(page):
    sentence, table, caption, badge = page.overdue_parts(state.parse("?jurisdiction=ca-qc"))
    assert sentence.startswith("No milestone is overdue, stalled or due soon as of ")
    assert badge is None


# ---------------------------------------------------------------- layout and the page

def test_layout_is_cheap_and_carries_the_view(page):
    layout = page.layout(q="open", status="complete", lang="fr")
    assert no_nested_lists(layout)
    store = find_all(layout, lambda n: getattr(n, "id", None) == "commitments-state")[0]
    assert store.data == {"search": "?lang=fr&status=complete&q=open"}
    search = find_all(layout, lambda n: getattr(n, "id", None) == "commitments-search")[0]
    assert search.value == "open"
    # With a search, the results come straight after the tiles.
    sections = [n.id for n in find_all(layout, lambda n: type(n).__name__ == "Section" and isinstance(getattr(n, "id", None), str))]
    assert sections[:2] == ["commitments-status", "commitments-list"]
    crumbs = find_all(layout, lambda n: type(n).__name__ == "Link")
    assert crumbs[0].href == "/?lang=fr"


def test_get_commitments_page(app_env):
    client = app_env["app"].server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/commitments?status=complete&q=%27+or+1%3D1+--").status_code == 200


def test_chart_csv_links_stream_exactly_the_rows_drawn(app_env):
    import io

    client = app_env["app"].server.test_client()
    view = state.parse("?lang=fr&jurisdiction=ca")
    card = charts.chart_card("commitments-heatmap", view)
    link = find_all(card, lambda n: type(n).__name__ == "A" and getattr(n, "children", None) == "CSV")[0]
    assert link.href == "/download/view/commitments-heatmap.csv?lang=fr&jurisdiction=ca"
    response = client.get(link.href)
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="commitments-heatmap_{app_env["snapshot"].id}.csv"'
    got = pd.read_csv(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), comment="#", sep=";",
                      decimal=",")  # lang=fr: a French spreadsheet's CSV, its provenance in "# " lines
    _, _, rows = charts.rows_for("commitments-heatmap", "?lang=fr&jurisdiction=ca")
    assert len(got.columns) == len(rows.columns) and len(got) == len(rows) > 0
    assert list(got.columns)[:2] == ["Identifiant de l’administration", "Administration"]  # French headers
    keyed = charts.chart_card("commitment-milestones", view, key="CA0002")
    href = find_all(keyed, lambda n: type(n).__name__ == "A" and getattr(n, "children", None) == "CSV")[0].href
    assert href == "/download/view/commitment-milestones.csv?lang=fr&jurisdiction=ca&key=CA0002"
    lines = [line for line in client.get(href).get_data(as_text=True).lstrip("\ufeff").splitlines()
             if not line.startswith("# ")]  # the provenance preamble
    _, _, drawn = charts.rows_for("commitment-milestones", "?lang=fr&jurisdiction=ca", "CA0002")
    assert [line.split(";")[0].strip('"') for line in lines[1:]] == drawn["milestone_id"].tolist() == \
        ["CA0002-1", "CA0002-2", "CA0002-10"]
