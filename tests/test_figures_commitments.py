"""The commitments figure builders: exact traces, labels and layout from hand-written frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.figures import commitments as fc
from dashboard.figures.base import SHARE_SCALE
from dashboard.progress import PROGRESS_COLOURS, PROGRESS_PATTERNS

D = dt.date.fromisoformat


def cells(**extra):
    rows = [
        ("ca", "Canada", "Canada", "2018-2020", 2018, 2020, 4, 10, 6, 4, 4 / 6),
        ("ca", "Canada", "Canada", "2022-2024", 2022, 2024, 5, 2, 0, 0, None),
        ("qc", "Quebec", "Québec", "2021-2023", 2021, 2023, 1, 4, 4, 1, 0.25),  # 4 assessed: too few
        ("ab", "Alberta", None, "2017-2017", 2017, 2017, 1, 1, 1, 1, 1.0),  # 100% from one commitment
    ]
    return pd.DataFrame(rows, columns=["jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "cycle",
                                       "cycle_start", "cycle_end", "plan_number", "commitments", "assessed",
                                       "complete_or_substantial", "share"])


def test_completion_heatmap_lines_plans_up_by_place_and_pales_small_numbers():
    fig = fc.completion_heatmap(cells(), lang="fr")
    sure, low = fig.data
    assert list(sure.x) == list(low.x) == ["1er plan", "4e plan", "5e plan"]  # each member's own sequence
    assert list(sure.y) == ["Alberta", "Canada", "Québec"]  # French name, else English; sorted
    # Five or more assessed: the full scale, share and n printed. Fewer: the pale trace only, n printed.
    assert [list(r) for r in sure.z] == [[None, None, None], [None, 4 / 6, None], [None, None, None]]
    assert [list(r) for r in sure.text] == [["", "", ""], ["", "67\u00a0%<br>n = 6", "–"], ["", "", ""]]
    assert [list(r) for r in low.z] == [[1.0, None, None], [None, None, None], [0.25, None, None]]
    assert [list(r) for r in low.text] == [["100\u00a0%<br>n = 1", "", ""], ["", "", ""],
                                           ["25\u00a0%<br>n = 4", "", ""]]
    assert sure.colorscale == tuple(tuple(s) for s in SHARE_SCALE) and low.showscale is False
    assert low.colorscale[-1][1] == fc.LOW_CONFIDENCE_SCALE[-1][1] == "#b5c1d3"  # lighter than the full scale's 50%
    assert list(sure.customdata[1][1]) == ["ca", 10, 6, 4, "2018-2020", "4e plan d’action (2018-2020)", "67\u00a0%", ""]
    assert list(low.customdata[0][0])[:6] == ["ab", 1, 1, 1, "2017-2017", "1er plan d’action (2017)"]
    assert low.customdata[0][0][7] == "<br>Moins de 5 engagements évalués\u00a0: à lire avec prudence"
    # A cell's data goes with the one trace that prints it; an empty cell has none (it neither hovers nor clicks).
    for trace in (sure, low):
        assert [[c is not None for c in row] for row in trace.customdata] == \
               [[t != "" for t in row] for row in trace.text]
    assert (sure.zmin, sure.zmax) == (0, 1)
    assert list(sure.colorbar.ticktext) == ["0\u00a0%", "25\u00a0%", "50\u00a0%", "75\u00a0%", "100\u00a0%"]
    assert sure.hovertemplate.startswith("<b>%{y}</b> · %{customdata[5]}<br>Achevés ou substantiels\u00a0: ")
    assert fig.layout.xaxis.title.text == "Rang dans la suite des plans d’action de chaque administration"
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.separators == ",\u202f"


def test_completion_heatmap_by_start_year():
    fig = fc.completion_heatmap(cells(), lang="en", align="year")
    sure, low = fig.data
    assert list(sure.x) == ["2017", "2018", "2021", "2022"]
    assert [list(r) for r in sure.text][1] == ["", "67%<br>n = 6", "", "–"]
    assert [list(r) for r in low.text][0] == ["100%<br>n = 1", "", "", ""]
    assert fig.layout.xaxis.title.text == "Year the action plan started"


def test_one_jurisdiction_is_drawn_plan_by_plan_with_small_numbers_faded_and_hatched():
    rows = pd.DataFrame([
        ("ca", "Canada", "Canada", "2016-2018", 2016, 2018, 3, 22, 2, 2, 1.0),
        ("ca", "Canada", "Canada", "2012-2014", 2012, 2014, 1, 29, 0, 0, None),
        ("ca", "Canada", "Canada", "2018-2020", 2018, 2020, 4, 10, 8, 6, 0.75),
    ], columns=cells().columns)
    fig = fc.completion_comparison(rows, lang="en", align="year")  # one jurisdiction: its own plans, in order
    bar = fig.data[0]
    assert bar.type == "bar"
    assert list(bar.x) == ["1st plan<br>2012-2014", "3rd plan<br>2016-2018", "4th plan<br>2018-2020"]
    assert list(bar.y) == [0, 1.0, 0.75]
    assert list(bar.text) == ["not assessed (n = 0)", "100% (n = 2)", "75% (n = 8)"]
    assert list(bar.marker.opacity) == [1.0, fc.LOW_CONFIDENCE_OPACITY, 1.0]
    assert list(bar.marker.pattern.shape) == ["", "/", ""]
    assert bar.customdata[1][0] == "2016-2018" and bar.customdata[1][4] == "3rd action plan (2016-2018)"
    assert fc.completion_comparison(cells(), lang="en").data[0].type == "heatmap"


def progress_rows():
    rows = [
        (1, 2012, ["2012-2014"], "complete", 3, 2),
        (1, 2012, ["2012-2014", "2013-2015"], "limited", 1, 1),
        (1, 2012, ["2013-2015"], None, None, 1),
        (2, 2016, ["2016-2018"], "not_started", 0, 3),
        (2, 2016, ["2016-2018"], "complete", 3, 1),
    ]
    return pd.DataFrame(rows, columns=["position", "cycle_start", "cycles", "progress", "progress_rank",
                                       "commitments"])


def test_progress_by_cycle_stacks_complete_at_the_baseline_with_patterns():
    fig = fc.progress_by_cycle_bars(progress_rows(), lang="en")
    assert [t.name for t in fig.data] == ["Complete", "Limited", "Not started", "Not assessed"]
    complete, limited, not_started, unassessed = fig.data
    # Each bar is a place in the members' own sequences, its n on the tick; fewer than 5 commitments: faded.
    assert list(fig.layout.xaxis.categoryarray) == ["1st plan<br>n = 4", "2nd plan<br>2016-2018<br>n = 4"]
    assert list(complete.y) == [2, 1] and list(complete.text) == ["2", "1"]
    assert list(limited.y) == [1, 0] and list(limited.text) == ["1", ""]
    assert [c[1] for c in complete.customdata] == ["50%", "25%"]
    assert [c[2] for c in complete.customdata] == ["2012-2014,2013-2015", "2016-2018"]
    assert list(complete.marker.opacity) == [fc.LOW_CONFIDENCE_OPACITY] * 2
    assert complete.marker.color == PROGRESS_COLOURS["complete"]
    assert not_started.marker.pattern.shape == PROGRESS_PATTERNS["not_started"] == "x"
    assert unassessed.marker.color == fc.NOT_ASSESSED_COLOUR
    assert fig.layout.barmode == "stack" and fig.layout.barnorm == "percent"
    assert list(fig.layout.yaxis.ticktext) == ["0%", "25%", "50%", "75%", "100%"]
    assert list(fig.layout.yaxis.tickvals) == [0, 25, 50, 75, 100]
    by_year = fc.progress_by_cycle_bars(progress_rows().assign(position=[2012, 2012, 2012, 2016, 2016]), lang="fr",
                                        align="year")
    assert list(by_year.layout.xaxis.categoryarray) == ["2012<br>n = 4", "2016-2018<br>n = 4"]


def test_progress_bars_sum_over_cycles_in_reading_order():
    fig = fc.progress_bars(progress_rows(), lang="fr")
    assert [t.name for t in fig.data] == ["Non commencé", "Limité", "Achevé", "Non évalué"]
    assert [t.x[0] for t in fig.data] == [3, 1, 3, 1]
    assert [t.text[0] for t in fig.data] == ["3 (38\u00a0%)", "1 (12\u00a0%)", "3 (38\u00a0%)", "1 (12\u00a0%)"]
    assert [t.customdata[0][0] for t in fig.data] == ["not_started", "limited", "complete", ""]
    assert list(fig.layout.yaxis.categoryarray) == ["Non commencé", "Limité", "Achevé", "Non évalué"]


def test_completion_by_cycle_bars_print_n_and_fade_small_numbers():
    rows = pd.DataFrame([(2, 2014, ["2014-2016", "2016-2018"], 2, 12, 10, 5, 0.5),
                         (1, 2012, ["2012-2014"], 1, 3, 2, 2, 1.0),
                         (3, 2022, ["2022-2024"], 1, 3, 0, 0, None)],
                        columns=["position", "cycle_start", "cycles", "jurisdictions", "commitments", "assessed",
                                 "complete_or_substantial", "share"])
    fig = fc.completion_by_cycle_bars(rows, lang="en")
    bar = fig.data[0]
    assert list(bar.x) == ["1st plan<br>2012-2014", "2nd plan", "3rd plan<br>2022-2024"]
    assert list(bar.y) == [1.0, 0.5, 0]
    assert list(bar.text) == ["100% (n = 2)", "50% (n = 10)", "–"]
    assert list(bar.marker.opacity) == [fc.LOW_CONFIDENCE_OPACITY, 1.0, 1.0]
    assert list(bar.marker.pattern.shape) == ["/", "", ""]
    assert bar.customdata[0][:5] == [2, 2, 3, "2012-2014", 1]
    assert bar.customdata[0][5] == "<br>Fewer than 5 assessed commitments: read with care"
    assert list(fig.layout.yaxis.range) == [0, 1.15]
    assert fig.layout.xaxis.title.text == "Place in each jurisdiction's own sequence of action plans"


def test_impact_grid_keeps_missing_ratings_as_rows_below_a_rule():
    rows = pd.DataFrame([
        ("Transformative", None, "complete", 3, 2),
        ("Minor", None, "limited", 1, 1),
        (None, "ND", "complete", 3, 4),
        (None, "NR", None, None, 1),
        (None, None, "withdrawn", None, 1),
    ], columns=["potential_impact", "potential_impact_missing", "progress", "progress_rank", "commitments"])
    fig = fc.impact_completion_grid(rows, lang="en")
    heat = fig.data[0]
    assert list(heat.x) == ["Limited", "Complete", "Withdrawn", "Not assessed"]
    assert list(heat.y) == ["Transformative", "Minor", "No data (ND)", "Not reviewed (NR)", "Not recorded"]
    assert [list(r) for r in heat.text] == [["", "2", "", ""], ["1", "", "", ""], ["", "4", "", ""],
                                            ["", "", "", "1"], ["", "", "1", ""]]
    assert heat.customdata[0] == ["limited", "complete", "withdrawn", ""]
    rule = fig.layout.shapes[0]
    assert (rule.y0, rule.y1) == (1.5, 1.5)


def milestones(as_of="2024-06-01"):
    rows = [
        ("CA0073-10.1", "CA0073", "Demonstrate global leadership during Canada’s term as co-chair", None, None,
         "2020-06-30", "limited", 1, True),
        ("CA0073-10.2", "CA0073", "Support the partnership", "Soutenir le partenariat", "2019-01-01", "2020-06-30",
         "complete", 3, False),
        ("CA0073-10.3", "CA0073", "No date", None, None, None, None, None, False),
    ]
    frame = pd.DataFrame(rows, columns=["milestone_id", "commitment_id", "title_en", "title_fr", "start_date",
                                        "due_date", "progress", "progress_rank", "overdue"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    frame["as_of"] = pd.Timestamp(as_of)
    return frame


def test_milestone_timeline_marks_status_three_ways_and_the_as_of_line():
    fig = fc.milestone_timeline(milestones(), lang="fr")
    span, limited, complete, undated = fig.data
    assert span.mode == "lines" and list(span.y) == ["10.2 · Soutenir le partenariat"] * 2
    assert limited.name == "Limité" and list(limited.text) == ["Limité · en retard"]
    assert limited.marker.symbol == "triangle-up" and limited.marker.color == PROGRESS_COLOURS["limited"]
    assert list(limited.y) == ["10.1 · Demonstrate global leader…"]
    assert complete.name == "Achevé" and list(complete.text) == ["Achevé"]
    assert list(undated.text) == ["Aucun état déclaré · sans échéance"] and undated.mode == "text"
    assert list(fig.layout.yaxis.categoryarray) == ["10.1 · Demonstrate global leader…",
                                                    "10.2 · Soutenir le partenariat", "10.3 · No date"]
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == pd.Timestamp("2024-06-01")
    assert fig.layout.annotations[0].text == "Jugé au 1 juin 2024"  # the build day past due is judged on, not a data date



def test_milestone_spans_of_one_status_share_a_trace_broken_between_milestones():
    rows = milestones()
    rows.loc[0, ["start_date", "progress", "progress_rank"]] = [pd.Timestamp("2019-06-01"), "complete", 3]
    fig = fc.milestone_timeline(rows, lang="en")
    spans = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(spans) == 1 and spans[0].line.color == PROGRESS_COLOURS["complete"]
    assert list(spans[0].x) == [pd.Timestamp("2019-06-01"), pd.Timestamp("2020-06-30"), None,
                                pd.Timestamp("2019-01-01"), pd.Timestamp("2020-06-30")]
    assert list(spans[0].y)[2] is None and spans[0].connectgaps is False

def test_status_history_heat_prints_codes_on_a_four_step_scale():
    rows = pd.DataFrame([
        ("CA0073", "CA0073-10.10", None, "CA0073-10.10", "2019-03", D("2019-03-01"), "limited", 1, "LP"),
        ("CA0073", "CA0073-10.2", None, "CA0073-10.2", "2019-03", D("2019-03-01"), "not_started", 0, "NS"),
        ("CA0073", "CA0073-10.2", None, "CA0073-10.2", "2019-09", D("2019-09-01"), "complete", 3, "C"),
    ], columns=["commitment_id", "milestone_id", "indicator_id", "series_id", "reporting_period", "period_date",
                "progress", "progress_rank", "status_code"])
    fig = fc.status_history_heat(rows, lang="en")
    heat = fig.data[0]
    assert list(heat.y) == ["10.2", "10.10"]  # natural order
    assert list(heat.x) == ["2019-03", "2019-09"]
    assert [list(r) for r in heat.z] == [[0, 3], [1, None]]
    assert [list(r) for r in heat.text] == [["NS", "C"], ["LP", ""]]
    assert [list(r) for r in heat.customdata] == [["Not started", "Complete"], ["Limited", ""]]
    assert list(heat.colorbar.ticktext) == ["Not started", "Limited", "Substantial", "Complete"]
    assert (heat.zmin, heat.zmax) == (-0.5, 3.5)


def test_labels():
    assert fc.progress_label(None, "fr") == "Non évalué"
    assert fc.progress_label(float("nan"), "en") == "Not assessed"
    assert fc.impact_label(None, "NA", "fr") == "Sans objet (NA)"
    assert fc.impact_label(None, None, "en") == "Not recorded"
    assert fc.impact_label("None", None, "fr") == "Nul"
    assert fc.short_milestone_id("CA0073-10.1", "CA0073") == "10.1"
    assert fc.short_milestone_id("OTHER-1", "CA0073") == "OTHER-1"
