"""The commitments figure builders: exact traces, labels and layout from hand-written frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.figures import commitments as fc
from dashboard.figures.base import PROGRESS_COLOURS, PROGRESS_PATTERNS

D = dt.date.fromisoformat


def cells(**extra):
    rows = [
        ("ca", "Canada", "Canada", "2018-2020", 2018, 3, 3, 2, 2 / 3),
        ("ca", "Canada", "Canada", "2022-2024", 2022, 2, 0, 0, None),
        ("qc", "Quebec", "Québec", "2018-2020", 2018, 4, 4, 1, 0.25),
        ("ab", "Alberta", None, "2016-2018", 2016, 1, 1, 1, 1.0),
    ]
    return pd.DataFrame(rows, columns=["jurisdiction_id", "jurisdiction_name_en", "jurisdiction_name_fr", "cycle",
                                       "cycle_start", "commitments", "assessed", "complete_or_substantial", "share"])


def test_completion_heatmap_prints_localized_shares():
    fig = fc.completion_heatmap(cells(), lang="fr")
    heat = fig.data[0]
    assert list(heat.x) == ["2016-2018", "2018-2020", "2022-2024"]
    assert list(heat.y) == ["Alberta", "Canada", "Québec"]  # French name, else English; sorted
    assert [list(r) for r in heat.text] == [["100\u00a0%", "", ""], ["", "67\u00a0%", "–"], ["", "25\u00a0%", ""]]
    assert [list(r) for r in heat.z] == [[1.0, None, None], [None, 2 / 3, None], [None, 0.25, None]]
    assert heat.customdata[1][1] == ["ca", 3, 3, 2]
    assert heat.texttemplate == "%{text}"
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert list(heat.colorbar.ticktext) == ["0\u00a0%", "25\u00a0%", "50\u00a0%", "75\u00a0%", "100\u00a0%"]
    assert heat.hovertemplate.startswith("<b>%{y}</b> · %{x}<br>Achevés ou substantiels\u00a0: %{text}")
    assert fig.layout.xaxis.title.text == "Cycle du plan d’action"
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.separators == ",\u202f"


def progress_rows():
    rows = [
        ("2018-2020", 2018, "complete", 3, 2),
        ("2018-2020", 2018, "limited", 1, 1),
        ("2018-2020", 2018, None, None, 1),
        ("2022-2024", 2022, "not_started", 0, 3),
        ("2022-2024", 2022, "complete", 3, 1),
    ]
    return pd.DataFrame(rows, columns=["cycle", "cycle_start", "progress", "progress_rank", "commitments"])


def test_progress_by_cycle_stacks_complete_at_the_baseline_with_patterns():
    fig = fc.progress_by_cycle_bars(progress_rows(), lang="en")
    assert [t.name for t in fig.data] == ["Complete", "Limited", "Not started", "Not assessed"]
    complete, limited, not_started, unassessed = fig.data
    assert list(complete.y) == [2, 1] and list(complete.text) == ["2", "1"]
    assert list(limited.y) == [1, 0] and list(limited.text) == ["1", ""]
    assert [c[1] for c in complete.customdata] == ["50%", "25%"]
    assert complete.marker.color == PROGRESS_COLOURS["complete"]
    assert not_started.marker.pattern.shape == PROGRESS_PATTERNS["not_started"] == "x"
    assert unassessed.marker.color == fc.NOT_ASSESSED_COLOUR
    assert fig.layout.barmode == "stack" and fig.layout.barnorm == "percent"
    assert list(fig.layout.xaxis.categoryarray) == ["2018-2020", "2022-2024"]
    assert list(fig.layout.yaxis.ticktext) == ["0%", "25%", "50%", "75%", "100%"]
    assert list(fig.layout.yaxis.tickvals) == [0, 25, 50, 75, 100]


def test_progress_bars_sum_over_cycles_in_reading_order():
    fig = fc.progress_bars(progress_rows(), lang="fr")
    assert [t.name for t in fig.data] == ["Non commencé", "Limité", "Achevé", "Non évalué"]
    assert [t.x[0] for t in fig.data] == [3, 1, 3, 1]
    assert [t.text[0] for t in fig.data] == ["3 (38\u00a0%)", "1 (12\u00a0%)", "3 (38\u00a0%)", "1 (12\u00a0%)"]
    assert [t.customdata[0][0] for t in fig.data] == ["not_started", "limited", "complete", ""]
    assert list(fig.layout.yaxis.categoryarray) == ["Non commencé", "Limité", "Achevé", "Non évalué"]


def test_completion_by_cycle_bars_mark_unassessed_cycles():
    rows = pd.DataFrame([("2018-2020", 2018, 4, 4, 2, 0.5), ("2022-2024", 2022, 3, 0, 0, None)],
                        columns=["cycle", "cycle_start", "commitments", "assessed", "complete_or_substantial", "share"])
    fig = fc.completion_by_cycle_bars(rows, lang="en")
    bar = fig.data[0]
    assert list(bar.x) == ["2018-2020", "2022-2024"]
    assert list(bar.y) == [0.5, 0]
    assert list(bar.text) == ["50%", "–"]
    assert bar.customdata[0] == [2, 4, 4]
    assert list(fig.layout.yaxis.range) == [0, 1.12]


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
    assert fig.layout.annotations[0].text == "Données au 1 juin 2024"



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
