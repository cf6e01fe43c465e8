"""The pure figure builders of the datasets, training and compare pages, asserted on fig.data and fig.layout."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import figures
from dashboard.figures import compare as fc
from dashboard.figures import datasets as fd
from dashboard.figures import learning as fl

D = dt.date.fromisoformat


# ---------------------------------------------------------------- helpers

def test_wrap_label_breaks_long_names_into_two_lines_and_elides_the_rest():
    assert fd.wrap_label("BC Stats") == "BC Stats"
    assert fd.wrap_label("Treasury Board of Canada Secretariat") == "Treasury Board of Canada<br>Secretariat"
    assert fd.wrap_label("Canada School of Public Service; Treasury Board of Canada Secretariat") == \
        "Canada School of Public<br>Service; Treasury Board…"


def test_label_of_prefers_the_view_language_then_the_other_then_the_fallback():
    row = {"en": "Statistics Canada", "fr": "Statistique Canada", "id": "statcan"}
    assert fd.label_of(row, "fr", "en", "fr", "id") == "Statistique Canada"
    assert fd.label_of({**row, "fr": None}, "fr", "en", "fr", "id") == "Statistics Canada"
    assert fd.label_of({"en": None, "fr": float("nan"), "id": "statcan"}, "en", "en", "fr", "id") == "statcan"
    assert fd.label_of({"en": None, "fr": None, "id": None}, "fr", "en", "fr", "id") == "Non précisé"


def test_reach_text_prints_events_learners_and_organisations_when_known():
    assert fl.reach_text(34, 1800, 26, "en") == "34 events · 1,800 learners · 26 organisations"
    assert fl.reach_text(1, 456, None, "en") == "1 event · 456 learners"
    assert fl.reach_text(34, 1800, 26, "fr") == "34 activités · 1\u00a0800 apprenants · 26 organisations"


# ---------------------------------------------------------------- datasets

MONTHS = pd.DataFrame({
    "month": [D("2024-01-01"), D("2024-02-01"), D("2024-03-01")],
    "datasets": [1, 0, 2],
    "cumulative_datasets": [1, 1, 3],
    "synthetic_rows": [0, 0, 1],
})
YEARS = pd.DataFrame({"year": [2024, 2025], "datasets": [3, 1], "cumulative_datasets": [3, 4], "synthetic_rows": [1, 0]})


def test_releases_over_time_by_month_draws_bars_and_a_cumulative_line_on_the_right_axis():
    fig = figures.releases_over_time(MONTHS, lang="en")
    bars, line = fig.data
    assert bars.type == "bar" and list(bars.x) == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert list(bars.y) == [1, 0, 2] and bars.xperiod == "M1" and bars.name == "Released in the month"
    assert bars.text is None  # 100+ monthly bars would be unreadable with labels
    assert line.type == "scatter" and line.yaxis == "y2" and list(line.y) == [1, 1, 3]
    assert line.name == "Catalogue total (right axis)"
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert fig.layout.yaxis.title.text == "Datasets released" and fig.layout.yaxis2.title.text == "Catalogue total"
    assert fig.layout.separators == ".," and fig.layout.yaxis.separatethousands is True
    assert "%{x|%B %Y}" in bars.hovertemplate


def test_releases_over_time_by_year_labels_every_bar_in_french():
    fig = figures.releases_over_time(YEARS, lang="fr")
    bars, line = fig.data
    assert list(bars.x) == [2024, 2025] and list(bars.y) == [3, 1]
    assert bars.texttemplate == "%{y:,}" and bars.textposition == "outside"
    assert bars.name == "Publiés dans l’année"
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.xaxis.dtick == 1
    assert fig.layout.separators == ",\u202f"
    assert bars.hovertemplate == "%{x}\u00a0: %{y:,} jeux de données publiés<extra></extra>"


DIMENSION = pd.DataFrame({
    "dimension": ["organization"] * 3,
    "value": ["tbs", "statcan", None],
    "label_en": ["Treasury Board", "Statistics Canada", None],
    "label_fr": ["Conseil du Trésor", None, None],
    "datasets": [5, 3, 1],
    "synthetic_rows": [0, 3, 0],
})


def test_releases_by_dimension_bars_rank_the_top_n_with_printed_values():
    fig = figures.releases_by_dimension_bars(DIMENSION, lang="fr", top_n=2)
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["Conseil du Trésor", "Statistics Canada"]  # French where given, else English
    assert list(bar.x) == [5, 3] and list(bar.text) == ["5", "3"]
    assert [list(c) for c in bar.customdata] == [["Conseil du Trésor", "tbs"], ["Statistics Canada", "statcan"]]
    assert list(fig.layout.yaxis.categoryarray) == ["Statistics Canada", "Conseil du Trésor"]  # largest on top
    assert fig.layout.xaxis.showticklabels is False


def test_releases_by_dimension_names_a_missing_value():
    fig = figures.releases_by_dimension_bars(DIMENSION, lang="en")
    assert list(fig.data[0].y)[-1] == "Not stated"
    assert list(fig.data[0].customdata[-1]) == ["Not stated", None]


def test_top_publishers_bars_keep_two_portals_of_one_name_apart():
    rows = pd.DataFrame({
        "organization": ["mern", "mern", "bc"],
        "organization_title_en": ["Natural Resources", "Natural Resources", "BC Stats"],
        "organization_title_fr": [None, None, None],
        "portal": ["a.ca", "b.ca", "c.ca"],
        "jurisdiction_id": ["ca", "ca-qc", "ca-bc"],
        "datasets": [9, 4, 2],
    })
    fig = figures.top_publishers_bars(rows, lang="en")
    assert list(fig.data[0].y) == ["Natural Resources · a.ca", "Natural Resources · b.ca", "BC Stats"]
    assert [c[1] for c in fig.data[0].customdata] == ["ca", "ca-qc", "ca-bc"]
    assert fig.data[0].marker.color == figures.PALETTE[2]


METRICS = pd.DataFrame({
    "portal": ["GC", "p1", "p1", "p1", "p1", "p1"],
    "metric": ["visits_to_date", "visits", "visits", "visits", "visits", "visits"],
    "date": [D("2017-06-30"), D("2024-01-01"), D("2024-01-02"), D("2024-01-03"), D("2024-01-04"), D("2024-01-05")],
    "value": [1893.0, 3300.0, 0.0, 400.0, 3350.0, 3400.0],
    "is_outlier": [False, False, True, True, False, False],
    "outlier_reason": [None, None, "reported as 0", "about 400", None, None],
    "synthetic": [False] * 6,
})


def test_portal_metrics_show_flagged_points_as_flagged_not_hidden():
    fig = figures.portal_metrics_lines(METRICS, lang="en")
    names = [(tr.name, tr.showlegend) for tr in fig.data]
    # The panel with the most points first; a legend entry per portal and one for the flagged points.
    assert names == [("p1", True), ("Flagged as a glitch", True), ("GC", True)]
    line, flagged, lone = fig.data
    # The line is broken at the flagged points, which are drawn at their reported values.
    assert list(line.y) == [3300.0, None, None, 3350.0, 3400.0] and line.connectgaps is False
    assert list(flagged.x) == ["2024-01-02", "2024-01-03"] and list(flagged.y) == [0.0, 400.0]
    assert flagged.marker.symbol == "x-thin-open" and flagged.marker.color == fd.FLAGGED_COLOUR
    assert list(flagged.text) == ["flagged", ""]  # one label per run of consecutive flagged points
    assert [list(c) for c in flagged.customdata] == [["p1", "reported as 0"], ["p1", "about 400"]]
    assert list(lone.y) == [1893.0] and lone.mode == "lines+markers+text" and list(lone.text) == ["1,893"]
    assert line.line.color != lone.line.color != fd.FLAGGED_COLOUR
    assert [a.text for a in fig.layout.annotations] == ["<b>Visits</b>", "<b>Visits to date</b>"]
    # A lone point gets a year either side instead of an axis of milliseconds.
    assert fig.layout.xaxis.range is None
    assert list(fig.layout.xaxis2.range) == ["2016-06-30", "2018-06-30"]


def test_portal_metrics_draw_the_largest_portals_per_metric():
    many = pd.DataFrame({
        "portal": ["a", "b", "c", "a", "b", "c"],
        "metric": ["visits"] * 6,
        "date": [D("2024-01-01")] * 3 + [D("2024-01-02")] * 3,
        "value": [10.0, 300.0, 20.0, 12.0, 310.0, 5000.0],
        "is_outlier": [False, False, False, False, False, True],
        "outlier_reason": [None] * 5 + ["spike"],
    })
    assert fd.portal_metrics_plan(many, top_portals=2) == [("visits", ["b", "c"])]  # c's spike does not count
    fig = figures.portal_metrics_lines(many, lang="fr", top_portals=2)
    assert [tr.name for tr in fig.data] == ["b", "c", "Signalé comme anomalie"]


def test_portal_metrics_without_glitches_have_no_flagged_trace():
    fig = figures.portal_metrics_lines(METRICS.assign(is_outlier=False, outlier_reason=None), lang="fr")
    assert [tr.name for tr in fig.data] == ["p1", "GC"]


# ---------------------------------------------------------------- learning

PERIODS = pd.DataFrame({
    "period": ["2016-07/2017-06", "2024-Q1"],
    "period_start": [D("2016-07-01"), D("2024-01-01")],
    "period_end": [D("2017-06-30"), D("2024-03-31")],
    "events": [48, 4],
    "learners": [37555, 120],
    "organisations": [135, None],
})


def test_learning_by_period_keeps_the_sources_periods_as_categories():
    fig = figures.learning_by_period(PERIODS, lang="en")
    bars, events = fig.data
    assert list(bars.x) == ["2016-07/2017-06", "2024-Q1"] and list(bars.y) == [37555, 120]
    assert fig.layout.xaxis.type == "category" and list(fig.layout.xaxis.categoryarray) == list(bars.x)
    assert [list(c) for c in bars.customdata] == [["2016-07-01", "2017-06-30"], ["2024-01-01", "2024-03-31"]]
    assert events.yaxis == "y2" and list(events.y) == [48, 4] and events.marker.symbol == "diamond"
    assert bars.texttemplate == "%{y:,}"
    # The learners are printed above the bars: the events' axis has headroom, so a diamond stays under the number.
    assert tuple(fig.layout.yaxis2.range) == (0, 48 * fl.EVENTS_HEADROOM)


REACH = pd.DataFrame({
    "organizer": ["Canada School of Public Service", "Treasury Board of Canada Secretariat", "Privy Council Office"],
    "jurisdictions": [1, 1, 1],
    "events": [14, 34, 5],
    "learners": [35755, 1800, 135],
    "organisations": [109, 26, None],
    "learners_per_event": [35755 / 14, 1800 / 34, 27.0],
    "synthetic_rows": [0, 0, 0],
})


def test_learning_by_organizer_prints_learners_and_carries_each_reach_to_the_hover():
    fig = figures.learning_by_organizer(REACH, lang="en")
    (bar,) = fig.data
    assert list(bar.x) == [35755, 1800, 135] and list(bar.text) == ["35,755", "1,800", "135"]
    assert [c[2] for c in bar.customdata] == ["14 events · 35,755 learners · 109 organisations",
                                              "34 events · 1,800 learners · 26 organisations",
                                              "5 events · 135 learners"]
    assert bar.hovertemplate == "<b>%{customdata[0]}</b><br>%{customdata[2]}<extra></extra>"
    assert len(figures.learning_by_organizer(pd.concat([REACH] * 5), lang="en").data[0].x) == fl.TOP_REACH


def test_learning_by_jurisdiction_carries_the_id_for_the_click():
    rows = pd.DataFrame({"jurisdiction_id": ["ca"], "jurisdiction_name_en": ["Canada"], "jurisdiction_name_fr": ["Canada"],
                         "events": [48], "learners": [37555], "organisations": [135]})
    fig = figures.learning_by_jurisdiction(rows, lang="fr")
    assert list(fig.data[0].customdata[0]) == ["Canada", "ca", "48 activités · 37\u00a0555 apprenants · 135 organisations"]
    assert list(fig.data[0].text) == ["37\u00a0555"]


def test_learners_per_event_dots_sort_most_per_event_on_top():
    fig = figures.learners_per_event_dots(REACH, lang="en")
    stems, dots = fig.data
    assert list(dots.x) == [2553.9, 52.9, 27.0]
    assert list(dots.text) == ["2,554", "52.9", "27.0"]
    assert stems.type == "bar" and stems.hoverinfo == "skip"
    assert fig.layout.xaxis.title.text == "Learners per event"


LINKED = pd.DataFrame({
    "commitment_id": ["CA0047", "CA0047", "CA0073", "CA0073"],
    "organizer": ["Canada School of Public Service", "Treasury Board of Canada Secretariat", "CSPS", "CSPS"],
    "event_type": ["course", "learning event", "workshop", "workshop"],
    "period": ["2016-07/2017-06", "2016-07/2017-06", "2024-Q1", "2024-Q2"],
    "events": [14, 34, 3, 2],
    "learners": [35755, 1800, 90, 60],
    "organisations": [109, 26, None, 4],
    "synthetic_rows": [0, 0, 1, 1],
})


def test_learning_linked_bars_total_per_commitment_and_organizer_and_link_to_the_commitment():
    fig = figures.learning_linked_bars(LINKED, lang="en")
    (bar,) = fig.data
    assert list(bar.x) == [35755, 1800, 150] and list(bar.text) == ["35,755", "1,800", "150"]
    assert [c[1:] for c in bar.customdata] == [
        ["CA0047", "14 events · 35,755 learners · 109 organisations"],
        ["CA0047", "34 events · 1,800 learners · 26 organisations"],
        ["CA0073", "5 events · 150 learners · 4 organisations"],
    ]
    assert "Click to open the commitment." in bar.hovertemplate


# ---------------------------------------------------------------- compare

TRANSITIONS = pd.DataFrame({
    "change": ["changed", "changed", "added", "removed"],
    "from_progress": ["limited", "complete", None, "substantial"],
    "from_rank": [1, 3, None, 2],
    "to_progress": ["substantial", "limited", "not_started", None],
    "to_rank": [2, 1, 0, None],
    "milestones": [3, 1, 2, 1],
    "synthetic_rows": [0, 0, 0, 0],
})


def test_status_transition_heatmap_is_a_labelled_from_to_matrix():
    fig = figures.status_transition_heatmap(TRANSITIONS, lang="en")
    (heat,) = fig.data
    assert list(heat.y) == ["(new milestone)", "Limited", "Substantial", "Complete"]
    assert list(heat.x) == ["Not<br>started", "Limited", "Substantial", "(removed)"]  # narrow columns on a phone
    assert [list(r) for r in heat.z] == [
        [2, None, None, None],
        [None, None, 3, None],
        [None, None, None, 1],
        [None, 1, None, None],
    ]
    assert [list(r) for r in heat.text] == [["2", "", "", ""], ["", "", "3", ""], ["", "", "", "1"], ["", "1", "", ""]]
    assert list(heat.customdata[1][2]) == ["limited", "substantial"]
    assert heat.zmax == 3 and heat.showscale is False
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "Status in the newer snapshot"


def test_status_transition_heatmap_in_french():
    fig = figures.status_transition_heatmap(TRANSITIONS, lang="fr")
    assert list(fig.data[0].y)[0] == "(nouveau jalon)" and list(fig.data[0].x)[-1] == "(retiré)"
    assert fig.data[0].hovertemplate == "%{y} → %{x}\u00a0: %{z:,} jalons<extra></extra>"


def test_dataset_changes_bars_diverge_added_right_removed_left_with_a_pattern():
    rows = pd.DataFrame({"jurisdiction_id": ["ca", "ca-qc"], "jurisdiction_name_en": ["Canada", "Quebec"],
                         "jurisdiction_name_fr": ["Canada", "Québec"], "added": [1, 1], "removed": [1, 0], "net": [0, 1]})
    fig = figures.dataset_changes_bars(rows, lang="fr")
    added, removed = fig.data
    assert list(added.y) == ["Canada", "Québec"] and list(added.x) == [1, 1] and list(added.text) == ["+1", "+1"]
    assert list(removed.x) == [-1, 0] and list(removed.text) == ["−1", ""]
    assert removed.marker.pattern.shape == "/" and fig.layout.barmode == "relative"
    assert added.name == "Ajoutés" and removed.name == "Retirés"
    assert list(fig.layout.xaxis.range) == pytest.approx([-1.3, 1.3])


def test_learning_changes_bars_sign_every_label():
    rows = pd.DataFrame({"organizer": ["MCN", "PCO"], "learners_added": [50, -10], "events_added": [2, -1]})
    fig = figures.learning_changes_bars(rows, lang="en")
    (bar,) = fig.data
    assert list(bar.x) == [50, -10]
    assert list(bar.text) == ["+50", "−10"]
    assert [list(c) for c in bar.customdata] == [["MCN", 2], ["PCO", -1]]
    assert list(bar.marker.color) == [fc.ADDED_COLOUR, fc.REMOVED_COLOUR]
    assert list(fig.layout.xaxis.range) == [-72.5, 72.5] and bar.textposition == "auto"


def test_change_summary_bars_colour_additions_and_removals():
    rows = pd.DataFrame({"measure": ["status_changes", "datasets_added", "datasets_removed"],
                         "label": ["Status", "Added", "Removed"], "count": [2, 3, 1]})
    fig = figures.change_summary_bars(rows, lang="en")
    assert list(fig.data[0].marker.color) == [figures.PALETTE[0], fc.ADDED_COLOUR, fc.REMOVED_COLOUR]
    assert list(fig.data[0].text) == ["2", "3", "1"]


def test_figure_builders_are_pure():
    before = MONTHS.copy()
    figures.releases_over_time(MONTHS, lang="en")
    pd.testing.assert_frame_equal(MONTHS, before)
    before = LINKED.copy()
    figures.learning_linked_bars(LINKED, lang="en")
    pd.testing.assert_frame_equal(LINKED, before)


def test_axes_print_whole_numbers_in_the_locale_not_si_suffixes():
    fig = figures.portal_metrics_lines(METRICS, lang="fr")
    template_axes = fig.layout.template.layout
    assert template_axes.xaxis.exponentformat == template_axes.yaxis.exponentformat == "none"  # not "60k"
    assert fig.layout.separators == ",\u202f" and fig.layout.yaxis.separatethousands is True  # "60 000"
