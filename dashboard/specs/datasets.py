"""What the datasets page shows: releases over time and by jurisdiction, organization, format or licence, the top
publishers and the portals' metrics (the charts' rows, specs and sentences), and its headline counts.

Importing it registers the charts datasets-releases, datasets-by-<dimension>, datasets-publishers and
datasets-portal-metrics.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
from babel.lists import format_list

from dashboard import data, figures, i18n, releases, state as state_mod, vocab
from dashboard.charts import Chart, narrow_to_jurisdiction, register, served_snapshot
from dashboard.figures.datasets import MAX_PANELS, TOP_N, TOP_PORTALS, loaded_in_bulk
from dashboard.i18n import N_, _, ngettext

# What the releases can be counted by (state.DIMENSIONS): a column header, and the chart's title.
DIMENSION_LABELS = {
    "jurisdiction": N_("Jurisdiction"),
    "organization": N_("Organization"),
    "format": N_("Format"),
    "licence": N_("Licence"),
}


# "Datasets", not "released": without a period the counts are the catalogue's, records a catalogue load put
# there included (their column says how many); with a period, they are that period's releases only.
DIMENSION_TITLES = {
    "jurisdiction": N_("Datasets by jurisdiction"),
    "organization": N_("Datasets by organization"),
    "format": N_("Datasets by format"),
    "licence": N_("Datasets by licence"),
}


def count(value) -> int:
    """Return a count from the data as an int; a missing one is 0."""
    return 0 if value is None or pd.isna(value) else int(value)


def loads_note(rows: pd.DataFrame, lang: str, *, counted_once: bool = True) -> str:
    """Return, with a leading space, what a ranking counts when catalogue loads are in it (none once a period is set).

    Without a period a ranking counts the catalogue, so records a catalogue load put there (dashboard/releases.py)
    are in it: the sentence says how many, or only that some are where a dataset counts more than once (formats).
    """
    loaded = loaded_in_bulk(rows)
    if not loaded:
        return ""
    if not counted_once:
        return " " + _("Without a period these are the catalogue's datasets, some of them loaded in bulk rather "
                       "than released; choose a period to count releases only.", lang)
    return " " + _("Without a period these are the catalogue's {total} datasets, {n} of them loaded in bulk rather "
                   "than released; choose a period to count releases only.", lang,
                   total=i18n.fmt_int(count(rows["datasets"].sum()), lang), n=i18n.fmt_int(loaded, lang))


def summary(view: state_mod.ViewState) -> pd.Series:
    """Return the view's headline counts: datasets (dated, loaded in bulk), publishers, portals, first and latest release."""
    return data.query("datasets_summary", snapshot=served_snapshot(view), **view.place_and_period_params()).iloc[0]


# ---------------------------------------------------------------- releases over time

def releases_rows(view: state_mod.ViewState) -> pd.DataFrame:
    grain = "year" if view.interval == "year" else "month"
    return data.query("releases_by_period", grain=grain, snapshot=served_snapshot(view),
                      **view.place_and_period_params())


MAX_NAMED_PERIODS = 3  # ties for the busiest period, or periods with loads, named one by one up to this many


def _periods(labels: list[str], lang: str) -> str:
    return format_list(labels, locale=lang)


def releases_sentence(rows: pd.DataFrame, lang: str) -> str:
    """Say how many datasets were released and when most were; catalogue loads are said apart, never the busiest."""
    yearly = "year" in rows.columns
    released = [count(v) for v in rows["datasets"]]
    loaded = [count(v) for v in rows["catalogue_load_datasets"]] if "catalogue_load_datasets" in rows else []
    if yearly:
        labels = [str(int(y)) for y in rows["year"]]
    else:
        labels = [i18n.fmt_month(pd.Timestamp(m).date(), lang) for m in rows["month"]]
    total, peak_n = sum(released), max(released)
    peaks = [label for label, n in zip(labels, released) if n == peak_n]
    where = dict(total=i18n.fmt_int(total, lang), first=labels[0], last=labels[-1],
                 peak_n=i18n.fmt_int(peak_n, lang))
    if peak_n == 0 and len(labels) == 1:
        text = _("No dataset was released in {first}.", lang, **where)
    elif peak_n == 0:
        text = _("No dataset was released from {first} to {last}.", lang, **where)
    elif len(peaks) == 1 and yearly:
        text = _("{total} datasets were released from {first} to {last}; the busiest year was {peak} with {peak_n}.",
                 lang, peak=peaks[0], **where)
    elif len(peaks) == 1:
        text = _("{total} datasets were released from {first} to {last}; the busiest month was {peak} with {peak_n}.",
                 lang, peak=peaks[0], **where)
    elif len(peaks) <= MAX_NAMED_PERIODS:
        text = (_("{total} datasets were released from {first} to {last}; the busiest years were {peaks}, with "
                  "{peak_n} each.", lang, peaks=_periods(peaks, lang), **where) if yearly else
                _("{total} datasets were released from {first} to {last}; the busiest months were {peaks}, with "
                  "{peak_n} each.", lang, peaks=_periods(peaks, lang), **where))
    else:
        text = (_("{total} datasets were released from {first} to {last}; {count} years tie as the busiest, with "
                  "{peak_n} each.", lang, count=i18n.fmt_int(len(peaks), lang), **where) if yearly else
                _("{total} datasets were released from {first} to {last}; {count} months tie as the busiest, with "
                  "{peak_n} each.", lang, count=i18n.fmt_int(len(peaks), lang), **where))
    loads = sum(loaded)
    if loads:
        when = [label for label, n in zip(labels, loaded) if n]
        named = _periods(when, lang) if len(when) <= MAX_NAMED_PERIODS else (
            ngettext("{n} year", "{n} years", len(when), lang) if yearly
            else ngettext("{n} month", "{n} months", len(when), lang))
        text += " " + ngettext(
            "{n} more record was loaded into the catalogue in bulk ({when}); that is when it entered the catalogue, "
            "not when it was released, so it is drawn apart (grey, hatched) and not counted as a release.",
            "{n} more records were loaded into the catalogue in bulk ({when}); that is when they entered the "
            "catalogue, not when they were released, so they are drawn apart (grey, hatched) and not counted as "
            "releases.",
            loads, lang, when=named)
        text += " " + _("(A catalogue load: a day or month with at least {minimum} records and {multiple} times the "
                        "portal’s usual rate.)", lang,
                        minimum=i18n.fmt_int(releases.LOAD_MIN_RECORDS, lang), multiple=releases.LOAD_MULTIPLE)
    final_total = count(rows["cumulative_datasets"].iloc[-1])
    return text + " " + ngettext("By the end, the catalogue held {n} dataset (orange line, right axis).",
                                 "By the end, the catalogue held {n} datasets (orange line, right axis).",
                                 final_total, lang)


def releases_click(point: dict, view: state_mod.ViewState) -> str | None:
    """Return the datasets page narrowed to the clicked year (shown by month) or month."""
    x = point.get("x")
    if x is None:
        return None
    try:
        if view.interval == "year":
            year = int(float(x))
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            day = dt.date.fromisoformat(str(x)[:10])
            start = day.replace(day=1)
            end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    except (TypeError, ValueError):
        return None
    return "/datasets" + view.to_query(date_from=start, date_to=end, interval="month")


register(Chart(
    id="datasets-releases",
    title=N_("Datasets released over time"),
    rows=releases_rows,
    figure=figures.releases_over_time,
    sentence=releases_sentence,
    tables=("datasets",),
    columns={"month": N_("Month"), "year": N_("Year"), "datasets": N_("Datasets released"),
             "catalogue_load_datasets": N_("Loaded in bulk, not released"),
             "cumulative_datasets": N_("Catalogue total"), "synthetic_rows": N_("Synthetic records")},
    on_click=releases_click,
    empty=N_("No dataset has a publication date in this selection. Widen the period or clear a filter."),
))


# ---------------------------------------------------------------- releases by a dimension

def dimension_rows(dimension: str):
    def rows(view: state_mod.ViewState) -> pd.DataFrame:
        return data.query("releases_by_dimension", snapshot=served_snapshot(view), dimension=dimension, limit=None,
                          **view.place_and_period_params())
    return rows


def dimension_sentence(dimension: str):
    def sentence(rows: pd.DataFrame, lang: str) -> str:
        top = rows.iloc[0]
        label = figures.label_of(top.to_dict(), lang, "label_en", "label_fr", "value")
        text = ngettext("{label} leads with {n} dataset.", "{label} leads with {n} datasets.", top["datasets"], lang,
                        label=label)
        if len(rows) > TOP_N:
            text += " " + _("The chart shows the top {top} of {count}; the table and CSV have them all.", lang,
                            top=TOP_N, count=i18n.fmt_int(len(rows), lang))
        if dimension == "format":
            text += " " + _("A dataset counts once for each format it offers.", lang)
        text += loads_note(rows, lang, counted_once=dimension != "format")
        if dimension == "jurisdiction":
            text += " " + _("Click a bar to filter the page to that jurisdiction.", lang)
        return text
    return sentence


jurisdiction_click = narrow_to_jurisdiction("/datasets")  # a bar carries its jurisdiction's id second


for _dimension in state_mod.DIMENSIONS:
    register(Chart(
        id=f"datasets-by-{_dimension}",
        title=DIMENSION_TITLES[_dimension],
        rows=dimension_rows(_dimension),
        figure=figures.releases_by_dimension_bars,
        sentence=dimension_sentence(_dimension),
        tables=("datasets", "jurisdictions") if _dimension == "jurisdiction" else ("datasets",),
        columns={"value": DIMENSION_LABELS[_dimension], "label_en": N_("Name (English)"),
                 "label_fr": N_("Name (French)"), "datasets": N_("Datasets"),
                 "catalogue_load_datasets": N_("Loaded in bulk, not released"),
                 "synthetic_rows": N_("Synthetic records")},
        on_click=jurisdiction_click if _dimension == "jurisdiction" else None,
        empty=N_("No dataset matches these filters. Clear a filter to see more."),
    ))


# ---------------------------------------------------------------- top publishers

def publishers_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("top_publishers", snapshot=served_snapshot(view), limit=None, **view.place_and_period_params())


def publishers_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "organization_title_en", "organization_title_fr", "organization")
    share = int(rows["datasets"].head(TOP_N).sum()) / max(int(rows["datasets"].sum()), 1)
    text = _("{name} published the most datasets ({n}).", lang, name=name, n=i18n.fmt_int(top["datasets"], lang))
    if len(rows) > TOP_N:
        text += " " + _("The top {top} of {count} publishers released {share} of these datasets.", lang, top=TOP_N,
                        count=i18n.fmt_int(len(rows), lang), share=i18n.fmt_pct(share, lang))
    text += loads_note(rows, lang)
    return text + " " + _("Click a bar to filter the page to the publisher’s jurisdiction.", lang)


publishers_click = narrow_to_jurisdiction("/datasets")  # a publisher's bar carries its jurisdiction's id second


register(Chart(
    id="datasets-publishers",
    title=N_("Top publishers"),
    rows=publishers_rows,
    figure=figures.top_publishers_bars,
    sentence=publishers_sentence,
    tables=("datasets",),
    columns={"organization_title_en": N_("Organization"), "organization_title_fr": N_("Organization (French)"),
             "portal": N_("Portal"), "jurisdiction_id": N_("Jurisdiction"), "datasets": N_("Datasets"),
             "first_published": N_("First release"), "last_published": N_("Latest release"),
             "catalogue_load_datasets": N_("Loaded in bulk, not released")},
    on_click=publishers_click,
    empty=N_("No dataset in this selection names its publisher."),
))


# ---------------------------------------------------------------- portal metrics

def metrics_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("datasets_portal_metrics", snapshot=served_snapshot(view), **view.period_params())


def metrics_sentence(rows: pd.DataFrame, lang: str) -> str:
    series = rows[["portal", "metric"]].drop_duplicates()
    flagged = rows[rows["is_outlier"].astype(bool)]
    text = _("Metric series: {series}, from portals: {portals}.", lang, series=i18n.fmt_int(len(series), lang),
             portals=i18n.fmt_int(series["portal"].nunique(), lang))
    plan = figures.portal_metrics_plan(rows)
    drawn = sum(len(portals) for _, portals in plan)
    if drawn < len(series):
        text += " " + _("Each panel shows the {top} portals with the largest typical values, for up to {panels} "
                        "metrics; the table and CSV have every series.", lang, top=TOP_PORTALS, panels=MAX_PANELS)
    if flagged.empty:
        return text + " " + _("The sources flag no point as a glitch.", lang)
    reasons = flagged["outlier_reason"].map(
        lambda r: vocab.label(vocab.glitch_reason, r, lang) or _("no reason given", lang)).value_counts()
    why = "; ".join(f"{reason} ({i18n.fmt_int(n, lang)})" for reason, n in reasons.items())
    return text + " " + _("Points the source flags as glitches: {n}. They are shown with a × marker and the word "
                          "“flagged”, not hidden or smoothed, and the line is broken there. Why: {why}.", lang,
                          n=i18n.fmt_int(len(flagged), lang), why=why)


register(Chart(
    id="datasets-portal-metrics",
    title=N_("Portal metrics"),
    rows=metrics_rows,
    figure=figures.portal_metrics_lines,
    sentence=metrics_sentence,
    tables=("portal_metrics",),
    columns={"portal": N_("Portal"), "metric": N_("Metric"), "date": N_("Date"), "value": N_("Value"),
             "is_outlier": N_("Flagged as a glitch"), "outlier_reason": N_("Why it is flagged")},
    empty=N_("No portal metric falls in this period."),
    view_fields=("date_from", "date_to"),  # portal metrics are not split by jurisdiction, level or cycle
))
