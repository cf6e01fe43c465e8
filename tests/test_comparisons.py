"""Fair comparisons on a tiny hand-written snapshot: plans lined up by each member's own sequence, small numbers
marked and kept out of superlatives, labels normalised, captions naming only the sources shown, data dates per source."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from dashboard import charts, data, publish, snapshots, state, vocab
from dashboard.figures import commitments as fc
from dashboard.ingest.common import Source, build_table
from dashboard.progress import MIN_ASSESSED
from dashboard.specs import commitments as commitments_spec
from dashboard.specs import overview as overview_spec
from helpers import find_all, page_module
from helpers import text_of

D = dt.date.fromisoformat

JURISDICTIONS = [
    {"jurisdiction_id": "alb", "name_en": "Albania", "name_fr": "Albanie", "level": "national", "source": "ogp"},
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national", "source": "reference"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational",
     "source": "reference"},
    {"jurisdiction_id": "idn", "name_en": "Indonesia", "name_fr": "Indonésie", "level": "national", "source": "ogp"},
]

RANKS = {"not_started": 0, "limited": 1, "substantial": 2, "complete": 3}


def _plan(jur, cycle, plan_id, source, progresses, prefix=None):
    """Return one commitment per progress value (None: not assessed) in the plan `cycle` of `jur`."""
    start, end = (int(y) for y in cycle.split("-"))
    prefix = prefix or f"{jur}-{cycle}"
    return [{"commitment_id": f"{prefix}-{i}", "jurisdiction_id": jur, "cycle": cycle, "cycle_start": start,
             "cycle_end": end, "action_plan_id": plan_id, "title_en": f"Commitment {prefix}-{i}",
             "progress": p, "progress_rank": RANKS.get(p), "source": source}
            for i, p in enumerate(progresses, 1)]


COMMITMENTS = [
    # Albania: OGP numbers its plans; its 2nd is not in the snapshot, so the 2016 plan is its 3rd, not its 2nd.
    *_plan("alb", "2012-2014", "AP_ALB01", "ogp", ["complete"] * 3 + ["substantial"] + ["limited"] * 2),  # 67%, n=6
    *_plan("alb", "2016-2018", "AP_ALB03", "ogp", [None]),
    # Two rows of one plan that state different numbers state none: counted from the 3rd, it is the 4th.
    *_plan("alb", "2018-2020", "AP_ALB04", "ogp", [None], prefix="alb-a"),
    *_plan("alb", "2018-2020", "AP_ALB05", "ogp", [None], prefix="alb-b"),
    # Indonesia's first plan in the snapshot is its 3rd. Exactly 5 assessed: confident.
    *_plan("idn", "2014-2016", "AP_IDN03", "ogp", ["complete"] + ["not_started"] * 4),  # 20%, n=5
    # Canada: the reference rows number nothing; the NAP tracker states the 2018-2020 plan is the 4th,
    # so the three before it are counted back from it: 1st, 2nd, 3rd.
    *_plan("ca", "2012-2014", "ca-2012-2014", "reference", ["not_started"]),  # 0% from one: never "lowest"
    *_plan("ca", "2014-2016", "ca-2014-2016", "reference", [None, None]),
    *_plan("ca", "2016-2018", "ca-2016-2018", "reference", ["complete"] * 4),  # 100% from four: too few
    *_plan("ca", "2018-2020", "AP_CAN04", "canada-nap", [None, None]),
    # Québec: one plan, submitted and ended in 2017 ("2017"), 100% from one commitment: never "highest".
    *_plan("ca-qc", "2017-2017", "ca-qc-2017-2017", "reference", ["complete"]),
]

MILESTONES = [
    {"milestone_id": "ca-qc-2017-2017-1-1", "commitment_id": "ca-qc-2017-2017-1", "title_en": "A Québec milestone",
     "due_date": D("2017-12-31"), "source": "reference"},
    {"milestone_id": "ca-2018-2020-1-1", "commitment_id": "ca-2018-2020-1", "title_en": "A NAP milestone",
     "due_date": D("2020-06-30"), "source": "canada-nap"},
]

# The manifest's sources, in the sources file's order: two record the date their data describes, the
# NAP tracker's entry is written the way snapshots were before they did.
SOURCES = [
    {"name": "reference", "kind": "reference", "rows": {"commitments": 9, "milestones": 1},
     "data_date": "2017-06-30", "data_date_basis": "newest record"},
    {"name": "ogp", "kind": "ogp-export", "rows": {"commitments": 10}, "data_date": "2024-07-31",
     "data_date_basis": "stated"},
    {"name": "canada-nap", "kind": "nap-tracker", "rows": {"commitments": 2, "milestones": 1}},
]


def write(data_dir, sources=SOURCES, snapshot_id=None) -> snapshots.Snapshot:
    src = Source(name="test", kind="reference")
    tables = {}
    for name, rows in (("jurisdictions", JURISDICTIONS), ("commitments", COMMITMENTS), ("milestones", MILESTONES)):
        tables[name] = build_table(name, [{"synthetic": False, **r} for r in rows], source=src, file=f"fixture:{name}")
    return publish.write_snapshot(data_dir, tables, sources, snapshot_id=snapshot_id)


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("comparisons-data", write)



NO_FILTER = {"jurisdictions": [], "levels": [], "cycles": []}


# ---------------------------------------------------------------- the plan sequence

def test_plans_are_numbered_by_the_source_else_counted_from_the_nearest_numbered_one(app_env):
    rows = data.query("completion_by_jurisdiction_cycle", min_assessed=MIN_ASSESSED, **NO_FILTER)
    got = [(r.jurisdiction_id, r.cycle, int(r.plan_number), r.plan_number_basis) for r in rows.itertuples()]
    assert got == [
        ("alb", "2012-2014", 1, "stated"),
        ("alb", "2016-2018", 3, "stated"),  # not 2: Albania's 2nd plan is not in the snapshot
        ("alb", "2018-2020", 4, "counted"),  # its rows say 4 and 5: counted from the 3rd
        ("ca", "2012-2014", 1, "counted"),  # counted back from the NAP tracker's 4th
        ("ca", "2014-2016", 2, "counted"),
        ("ca", "2016-2018", 3, "counted"),
        ("ca", "2018-2020", 4, "stated"),
        ("ca-qc", "2017-2017", 1, "counted"),
        ("idn", "2014-2016", 3, "stated"),  # its first plan here is its 3rd
    ]


def test_completion_lines_up_each_members_own_sequence(app_env):
    by_plan = data.query("completion_by_cycle", align="plan", min_assessed=MIN_ASSESSED, **NO_FILTER)
    assert [(int(r.position), list(r.cycles), r.jurisdictions, r.commitments, r.assessed, r.complete_or_substantial,
             r.low_confidence) for r in by_plan.itertuples()] == [
        (1, ["2012-2014", "2017-2017"], 3, 8, 8, 5, False),  # Albania's, Canada's and Québec's 1st plans
        (2, ["2014-2016"], 1, 2, 0, 0, False),
        (3, ["2014-2016", "2016-2018"], 3, 10, 9, 5, False),  # Albania's, Canada's and Indonesia's 3rd
        (4, ["2018-2020"], 2, 4, 0, 0, False),
    ]
    by_year = data.query("completion_by_cycle", align="year", min_assessed=MIN_ASSESSED, **NO_FILTER)
    assert [(int(r.position), list(r.cycles), r.assessed, r.low_confidence) for r in by_year.itertuples()] == [
        (2012, ["2012-2014"], 7, False), (2014, ["2014-2016"], 5, False), (2016, ["2016-2018"], 4, True),
        (2017, ["2017-2017"], 1, True), (2018, ["2018-2020"], 0, False)]
    progress = data.query("commitment_progress_by_cycle", align="plan", **NO_FILTER)
    first = progress[progress["position"] == 1]
    assert dict(zip(first["progress"], first["commitments"])) == {"not_started": 1, "limited": 2, "substantial": 1,
                                                                   "complete": 4}
    assert first["jurisdictions"].tolist() == [3] * 4


def test_the_heatmap_compares_places_not_labels(app_env):
    fig, *_ = charts.render("commitments-heatmap", "")
    sure, low = fig.data
    assert list(sure.x) == ["1st plan", "2nd plan", "3rd plan", "4th plan"]
    assert list(sure.y) == ["Albania", "Canada", "Indonesia", "Quebec"]
    fig, *_ = charts.render("commitments-heatmap", "?align=year&lang=fr")
    assert list(fig.data[0].x) == ["2012", "2014", "2016", "2017", "2018"]
    assert list(fig.data[0].y) == ["Albanie", "Canada", "Indonésie", "Québec"]


# ---------------------------------------------------------------- small numbers

def test_small_numbers_are_drawn_pale_with_their_n_and_never_called_highest_or_lowest(app_env):
    fig, sentence, table, caption, badge = charts.render("commitments-heatmap", "")
    sure, low = fig.data
    # Five or more assessed (Albania 6, Indonesia exactly 5): the full scale. Fewer: the pale trace.
    assert [list(r) for r in sure.z] == [[4 / 6, None, None, None], [None, None, None, None],
                                         [None, None, 0.2, None], [None, None, None, None]]
    assert [list(r) for r in sure.text] == [["67%<br>n = 6", "", "–", "–"], ["", "–", "", "–"],
                                            ["", "", "20%<br>n = 5", ""], ["", "", "", ""]]
    assert [list(r) for r in low.z] == [[None] * 4, [0.0, None, 1.0, None], [None] * 4, [1.0, None, None, None]]
    assert [list(r) for r in low.text] == [["", "", "", ""], ["0%<br>n = 1", "", "100%<br>n = 4", ""],
                                           ["", "", "", ""], ["100%<br>n = 1", "", "", ""]]
    assert low.customdata[3][0][5] == "1st action plan (2017)"
    assert low.customdata[3][0][7] == "<br>Fewer than 5 assessed commitments: read with care"
    assert sure.customdata[0][0][7] == ""
    # Québec's 100% from one commitment and Canada's 100% from four are higher than Albania's 67%, and
    # Canada's 0% from one is lower than Indonesia's 20%: none of them is named.
    assert sentence == (
        "Across 4 jurisdictions and 9 action plans, 59% of the 17 assessed commitments are complete or substantial. "
        "Plans are lined up by their place in each jurisdiction's own sequence (1st, 2nd … action plan), not by "
        "their years. Highest: Albania, 1st action plan (2012-2014), 67% (n = 6); lowest: Indonesia, 3rd action "
        "plan (2014-2016), 20% (n = 5) (among the 2 with at least 5 assessed commitments). 3 pale cells rest on "
        "fewer than 5 assessed commitments. Select a cell to list those commitments.")
    _, french, *_ = charts.render("commitments-heatmap", "?lang=fr")
    assert "Le plus haut\u00a0: Albanie, 1er plan d’action (2012-2014), 67\u00a0% (n = 6)\u00a0; le plus bas\u00a0: " \
           "Indonésie, 3e plan d’action (2014-2016), 20\u00a0% (n = 5)" in french
    assert "3 cases pâles reposent sur moins de 5 engagements évalués." in french


def test_with_too_few_confident_shares_nothing_is_called_highest(app_env):
    _, sentence, *_ = charts.render("commitments-heatmap", "?jurisdiction=ca,ca-qc")
    assert "Fewer than two have 5 or more assessed commitments, so none is called the highest or the lowest." \
        in sentence
    assert "Highest" not in sentence


def test_one_member_plan_by_plan(app_env):
    page = page_module("commitments")
    view = state.parse("?jurisdiction=ca")
    fig, sentence, *_ = charts.render("commitments-heatmap", view.to_query())
    bar = fig.data[0]
    assert list(bar.x) == ["1st plan<br>2012-2014", "2nd plan<br>2014-2016", "3rd plan<br>2016-2018",
                           "4th plan<br>2018-2020"]
    assert list(bar.y) == [0.0, 0, 1.0, 0]
    assert list(bar.text) == ["0% (n = 1)", "not assessed (n = 0)", "100% (n = 4)", "not assessed (n = 0)"]
    assert list(bar.marker.opacity) == [fc.LOW_CONFIDENCE_OPACITY, 1.0, fc.LOW_CONFIDENCE_OPACITY, 1.0]
    assert list(bar.marker.pattern.shape) == ["/", "", "/", ""]
    assert sentence == ("Canada, plan by plan: 4 action plans, 80% (n = 5) of their assessed commitments complete or "
                        "substantial. Fewer than two have 5 or more assessed commitments, so none is called the "
                        "highest or the lowest. 2 plans rest on fewer than 5 assessed commitments: they are faded and "
                        "hatched. Select a bar to list that plan's commitments.")
    card = charts.chart_card("commitments-heatmap", state.parse("?jurisdiction=ca&lang=fr"))
    assert find_all(card, lambda n: getattr(n, "id", None) == "commitments-heatmap-title")[0].children == \
        "Canada, plan par plan"
    assert commitments_spec.heatmap_click({"customdata": list(bar.customdata[2])}, view) == \
        "/commitments?jurisdiction=ca&cycle=2016-2018"
    # The switch between sequence and start year changes nothing for one member, so it is not offered.
    layout = page.layout(jurisdiction="ca")
    assert not find_all(layout, lambda n: getattr(n, "id", None) == "commitments-align-year")
    links = find_all(page.layout(lang="fr"), lambda n: str(getattr(n, "id", "")).startswith("commitments-align-"))
    assert [(link.children, link.href) for link in links] == [
        ("Rang dans la suite de chaque administration (1er, 2e … plan)", "/commitments?lang=fr"),
        ("Année de début du plan", "/commitments?lang=fr&align=year")]


def test_the_overview_tile_says_a_share_rests_on_too_few(app_env):
    page = page_module("overview")
    view = state.parse("?jurisdiction=ca-qc")
    tiles = page.kpi_tiles(overview_spec.kpis(view), view)
    assert text_of(tiles[1]) == ("Complete or substantial100% n = 11 of 1 assessed commitments · too few to read "
                                 "with confidence (fewer than 5)")
    assert tiles[1].children.children.children[1].children.className == "low-confidence"
    assert text_of(tiles[0]).endswith("1 jurisdiction · 1 action plan")
    every = state.parse("")
    confident = page.kpi_tiles(overview_spec.kpis(every), every)[1]
    assert text_of(confident) == "Complete or substantial59%10 of 17 assessed commitments"


# ---------------------------------------------------------------- labels

@pytest.mark.parametrize(("cycle", "label"), [("2017-2017", "2017"), ("2012-2012", "2012"), ("2018-2020", "2018-2020"),
                                              ("2019-2021", "2019-2021"), ("", ""), (None, "")])
def test_a_plan_of_one_year_is_labelled_with_that_year(cycle, label):
    assert vocab.cycle_label(cycle) == label


def test_ordinals_in_both_languages():
    assert [vocab.ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
    assert [vocab.ordinal(n, "fr") for n in (1, 2, 3, 10)] == ["1er", "2e", "3e", "10e"]
    assert vocab.plan_name(4, "fr") == "4e plan d’action" and vocab.plan_short(1, "en") == "1st plan"
    assert vocab.plan_name(None, "en") == "action plan, place unknown"


def test_labels_are_normalised_wherever_a_cycle_is_shown(app_env):
    from dashboard import app as app_module

    _, _, cycles = app_module.filter_choices("en")
    assert [(c["label"], c["value"]) for c in cycles] == [
        ("2012-2014", "2012-2014"), ("2014-2016", "2014-2016"), ("2016-2018", "2016-2018"), ("2017", "2017-2017"),
        ("2018-2020", "2018-2020")]  # the URL keeps the cycle's key
    fig, *_, = charts.render("commitments-heatmap", "?jurisdiction=ca-qc")
    assert list(fig.data[0].x) == ["1st plan<br>2017"]
    _, _, table, *_ = charts.render("commitments-heatmap", "?jurisdiction=ca-qc")
    cells = [text_of(td) for td in find_all(table, lambda n: type(n).__name__ == "Td")]
    assert cells[:3] == ["Quebec", "1st plan", "2017"]
    page = page_module("commitments")
    listed = page.list_body(state.parse("?jurisdiction=ca-qc"))
    assert "2017" in [text_of(td) for td in find_all(listed, lambda n: type(n).__name__ == "Td")]


# ---------------------------------------------------------------- captions and data dates

def test_captions_name_only_the_sources_whose_rows_are_shown(app_env):
    snap = app_env["snapshot"].id
    *_, caption, _ = charts.render("commitments-heatmap", "?jurisdiction=alb")
    assert caption == f"Snapshot {snap}, built {_built(app_env)} · Sources: ogp (data as of July 31, 2024)"
    *_, caption, _ = charts.render("commitments-heatmap", "?jurisdiction=ca")
    assert caption.endswith("Sources: reference (data as of June 30, 2017), canada-nap (data date not recorded)")
    # A Québec commitment's milestones come from the reference source alone: the NAP tracker is not cited,
    # though it gave milestones to the snapshot too.
    *_, caption, _ = charts.render("commitment-milestones", "", "ca-qc-2017-2017-1")
    assert caption.endswith("Sources: reference (data as of June 30, 2017)")
    *_, caption, _ = charts.render("commitment-milestones", "?lang=fr", "ca-2018-2020-1")
    assert caption.endswith("Sources\u00a0: canada-nap (date des données non consignée)")
    # Rows that do not say where they come from: the sources of the chart's tables.
    assert charts.row_sources(data.query("filter_options")) is None
    assert charts.sources_caption(app_env["snapshot"], ("milestones",), "en").endswith(
        "Sources: reference (data as of June 30, 2017), canada-nap (data date not recorded)")


def _built(app_env) -> str:
    return app_env["snapshot"].created_at.strftime("%B %-d, %Y")


def test_data_as_of_shows_each_sources_data_date_and_the_build_time_as_such(app_env):
    from dashboard import app as app_module

    snap = app_env["snapshot"]
    footer = text_of(app_module._footer("en"))
    assert footer.startswith("Data as of: reference June 30, 2017; ogp July 31, 2024; canada-nap date not recorded · "
                             f"Snapshot {snap.id}, built {_built(app_env)} · ")
    assert text_of(app_module._footer("fr")).startswith(
        "Données au\u00a0: reference 30 juin 2017\u00a0; ogp 31 juillet 2024\u00a0; canada-nap date non consignée · "
        f"Instantané {snap.id}, produit le ")
    page = page_module("overview")
    panel = text_of(page.sources_panel(state.parse("")))
    assert panel == ("Data as of: each source's own date, below · "
                     f"Snapshot {snap.id}, built {_built(app_env)} · Sources and licences"
                     "referencereference data as of June 30, 2017 (date of its newest record) · 10 records"
                     "ogpogp-export data as of July 31, 2024 (stated by the source) · 10 records"
                     "canada-napnap-tracker data date not recorded · 3 records")


def test_a_manifest_without_data_dates_says_so_and_never_gives_the_build_time(tmp_path):
    old = [{"name": s["name"], "kind": s["kind"], "rows": s["rows"]} for s in SOURCES]
    snap = write(tmp_path, sources=old, snapshot_id="20240101T000000Z")
    assert charts.data_dates(snap) == [("reference", None, None), ("ogp", None, None), ("canada-nap", None, None)]
    assert charts.data_date_text(None, None, "en") == "data date not recorded"
    caption = charts.sources_caption(snap, ("commitments",), "en", names=["ogp"])
    assert caption == "Snapshot 20240101T000000Z, built " + snap.created_at.strftime("%B %-d, %Y") + \
        " · Sources: ogp (data date not recorded)"
    # A malformed date or basis is not shown as one.
    stand_in = SimpleNamespace(manifest={"sources": [{"name": "x", "data_date": "July", "data_date_basis": "?"}]})
    assert charts.data_dates(stand_in) == [("x", None, None)]


def test_the_minimum_is_defined_once():
    assert MIN_ASSESSED == 5
    assert fc.low_confidence(MIN_ASSESSED - 1) and not fc.low_confidence(MIN_ASSESSED) and not fc.low_confidence(0)
    assert "$min_assessed" in data.sql_text("completion_by_jurisdiction_cycle")
