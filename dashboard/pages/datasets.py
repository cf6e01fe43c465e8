"""Datasets: releases over time, by jurisdiction / organization / format / licence, top publishers and portal metrics."""

from __future__ import annotations

import calendar
import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from babel.lists import format_list
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures, i18n, releases, state as state_mod, vocab
from dashboard.charts import Chart, chart_card, register, served_snapshot, snapshot_of
from dashboard.components import kpi_tile, page_header
from dashboard.figures.datasets import MAX_PANELS, TOP_N, TOP_PORTALS
from dashboard.i18n import N_, _, ngettext

dash.register_page(__name__, path="/datasets", name="Datasets", order=2)


DIMENSION_LABELS = {
    "jurisdiction": N_("Jurisdiction"),
    "organization": N_("Organization"),
    "format": N_("Format"),
    "licence": N_("Licence"),
}


def _where(view: state_mod.ViewState) -> dict:
    return {"jurisdictions": list(view.jurisdictions), "levels": list(view.levels), **view.period_params()}


def _n(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


# ---------------------------------------------------------------- releases over time

def releases_rows(view: state_mod.ViewState) -> pd.DataFrame:
    name = "releases_by_year" if view.interval == "year" else "releases_by_month"
    return data.query(name, snapshot=served_snapshot(view), **_where(view))


MAX_NAMED_PERIODS = 3  # ties for the busiest period, or periods with loads, named one by one up to this many


def _periods(labels: list[str], lang: str) -> str:
    return format_list(labels, locale=lang)


def releases_sentence(rows: pd.DataFrame, lang: str) -> str:
    """Say how many datasets were released and when most were; catalogue loads are said apart, never the busiest."""
    yearly = "year" in rows.columns
    released = [_n(v) for v in rows["datasets"]]
    loaded = [_n(v) for v in rows["catalogue_load_datasets"]] if "catalogue_load_datasets" in rows else []
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
    final_total = _n(rows["cumulative_datasets"].iloc[-1])
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
                          **_where(view))
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
        if dimension == "jurisdiction":
            text += " " + _("Click a bar to filter the page to that jurisdiction.", lang)
        return text
    return sentence


def jurisdiction_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    value = custom[1] if len(custom) > 1 else None
    if not value:
        return None
    return "/datasets" + view.to_query(jurisdictions=(str(value),))


_DIMENSION_TITLES = {
    "jurisdiction": N_("Datasets released by jurisdiction"),
    "organization": N_("Datasets released by organization"),
    "format": N_("Datasets released by format"),
    "licence": N_("Datasets released by licence"),
}
_DIMENSION_HEADERS = {
    "jurisdiction": N_("Jurisdiction"),
    "organization": N_("Organization"),
    "format": N_("Format"),
    "licence": N_("Licence"),
}

for _dimension in state_mod.DIMENSIONS:
    register(Chart(
        id=f"datasets-by-{_dimension}",
        title=_DIMENSION_TITLES[_dimension],
        rows=dimension_rows(_dimension),
        figure=figures.releases_by_dimension_bars,
        sentence=dimension_sentence(_dimension),
        tables=("datasets", "jurisdictions") if _dimension == "jurisdiction" else ("datasets",),
        columns={"value": _DIMENSION_HEADERS[_dimension], "label_en": N_("Name (English)"),
                 "label_fr": N_("Name (French)"), "datasets": N_("Datasets released"),
                 "synthetic_rows": N_("Synthetic records")},
        on_click=jurisdiction_click if _dimension == "jurisdiction" else None,
        empty=N_("No dataset matches these filters. Clear a filter to see more."),
    ))


# ---------------------------------------------------------------- top publishers

def publishers_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("top_publishers", snapshot=served_snapshot(view), limit=None, **_where(view))


def publishers_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "organization_title_en", "organization_title_fr", "organization")
    share = int(rows["datasets"].head(TOP_N).sum()) / max(int(rows["datasets"].sum()), 1)
    text = _("{name} published the most datasets ({n}).", lang, name=name, n=i18n.fmt_int(top["datasets"], lang))
    if len(rows) > TOP_N:
        text += " " + _("The top {top} of {count} publishers released {share} of these datasets.", lang, top=TOP_N,
                        count=i18n.fmt_int(len(rows), lang), share=i18n.fmt_pct(share, lang))
    return text + " " + _("Click a bar to filter the page to the publisher’s jurisdiction.", lang)


def publishers_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    return "/datasets" + view.to_query(jurisdictions=(str(custom[1]),)) if len(custom) > 1 and custom[1] else None


register(Chart(
    id="datasets-publishers",
    title=N_("Top publishers"),
    rows=publishers_rows,
    figure=figures.top_publishers_bars,
    sentence=publishers_sentence,
    tables=("datasets",),
    columns={"organization_title_en": N_("Organization"), "organization_title_fr": N_("Organization (French)"),
             "portal": N_("Portal"), "jurisdiction_id": N_("Jurisdiction"), "datasets": N_("Datasets released"),
             "first_published": N_("First release"), "last_published": N_("Latest release")},
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


# ---------------------------------------------------------------- layout

def _switch(label: str, options: list[tuple[str, str, bool]], switch_id: str) -> html.Nav:
    """Return a row of links that switch a view setting; the current one is marked."""
    links = [html.Span(text, className="btn btn-sm btn-primary", **{"aria-current": "true"}) if on
             else dcc.Link(text, href=link, className="btn btn-sm btn-outline-primary")
             for text, link, on in options]
    return html.Nav([html.Span(label, className="switch-label me-2"),
                     html.Div(links, className="btn-group btn-group-sm flex-wrap", role="group")],
                    className="view-switch d-flex flex-wrap align-items-center gap-1 mb-2", id=switch_id,
                    **{"aria-label": label})


def partial_sources(view: state_mod.ViewState) -> html.Div | None:
    """Return a warning naming each source whose catalogue answer was accepted short of its count (the manifest's
    partial_answer), or None."""
    lang = view.lang
    try:
        sources = snapshot_of(view).manifest.get("sources", [])
    except data.NoSnapshot:
        return None
    items = [html.Li(_("“{source}”: the portal’s answer says {count} records, {read} were read; the other {missing} "
                       "are not counted on this page.", lang, source=src.get("name", "?"),
                       count=i18n.fmt_int(short.get("count"), lang), read=i18n.fmt_int(short.get("read"), lang),
                       missing=i18n.fmt_int(short.get("missing"), lang)))
             for src in sources if isinstance(short := src.get("partial_answer"), dict)]
    if not items:
        return None
    return html.Div([html.Strong(_("Some catalogues were read only in part.", lang)), html.Ul(items, className="mb-0")],
                    className="alert alert-warning", role="status", id="datasets-partial")


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    intervals = [(_("By month", lang), "/datasets" + view.to_query(interval="month"), view.interval == "month"),
                 (_("By year", lang), "/datasets" + view.to_query(interval="year"), view.interval == "year")]
    dimensions = [(_(DIMENSION_LABELS[d], lang), "/datasets" + view.to_query(dimension=d), view.dimension == d)
                  for d in state_mod.DIMENSIONS]
    return html.Div(id="datasets-page", children=[
        page_header(_("Datasets", lang), view,
                    lead=_("What the open-data portals released, when, by whom and in which formats.", lang)),
        partial_sources(view),
        dcc.Store(id="datasets-state", data={"search": view.to_query()}),
        html.Div(id="datasets-kpis", className="row g-3 mb-4", **{"aria-live": "polite"}),
        _switch(_("Show releases", lang), intervals, "datasets-interval"),
        chart_card("datasets-releases", view, height=440),
        dbc.Row([
            dbc.Col([_switch(_("Count by", lang), dimensions, "datasets-dimension"),
                     chart_card(f"datasets-by-{view.dimension}", view, height=600)], lg=6),
            dbc.Col([html.Div(className="switch-spacer d-none d-lg-block"),
                     chart_card("datasets-publishers", view, height=600)], lg=6),
        ], className="g-4"),
        chart_card("datasets-portal-metrics", view, height=760),
    ])


@callback(Output("datasets-kpis", "children"), Input("datasets-state", "data"))
def datasets_kpis(store):
    """Return the headline tiles: datasets, publishers, portals and the latest release."""
    view = state_mod.from_store(store)
    lang = view.lang
    row = data.query("datasets_summary", snapshot=served_snapshot(view), **_where(view)).iloc[0]
    here = "/datasets" + view.to_query()
    undated = _n(row["datasets"]) - _n(row["dated_datasets"])
    loads = _n(row.get("catalogue_load_datasets"))
    last = row["last_published"]
    detail = []
    if loads and (view.date_from or view.date_to):
        detail.append(ngettext("and {n} loaded in bulk in this period (not releases)",
                               "and {n} loaded in bulk in this period (not releases)", loads, lang))
    elif loads:
        detail.append(ngettext("{n} loaded in bulk (release date unknown)",
                               "{n} loaded in bulk (release dates unknown)", loads, lang))
    if undated:
        detail.append(_("{n} without a publication date", lang, n=i18n.fmt_int(undated, lang)))
    tiles = [
        kpi_tile(_("Datasets", lang), i18n.fmt_int(_n(row["datasets"]), lang), here,
                 detail=" · ".join(detail) or None, tile_id="datasets-kpi-datasets"),
        kpi_tile(_("Publishers", lang), i18n.fmt_int(_n(row["publishers"]), lang),
                 "/datasets" + view.to_query(dimension="organization"), tile_id="datasets-kpi-publishers"),
        kpi_tile(_("Portals", lang), i18n.fmt_int(_n(row["portals"]), lang),
                 "/datasets" + view.to_query(dimension="jurisdiction"), tile_id="datasets-kpi-portals"),
        kpi_tile(_("Latest release", lang), i18n.fmt_date(None if pd.isna(last) else last, lang, "medium"),
                 here, tile_id="datasets-kpi-latest",
                 detail=_("first: {date}", lang, date=i18n.fmt_date(None if pd.isna(row["first_published"])
                                                                    else row["first_published"], lang, "medium"))),
    ]
    return [dbc.Col(tile, xs=6, lg=3) for tile in tiles]
