"""Datasets: releases over time, by jurisdiction / organization / format / licence, top publishers and portal metrics.

The layout and its callback; what the charts and tiles say is in dashboard/specs/datasets.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import data, i18n, state as state_mod
from dashboard.charts import chart_card, snapshot_of
from dashboard.components import kpi_tile, page_header
from dashboard.i18n import N_, _, ngettext
from dashboard.specs import datasets as spec

dash.register_page(__name__, path="/datasets", name=N_("Datasets"), order=2, nav=True, topic="datasets")


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
    dimensions = [(_(spec.DIMENSION_LABELS[d], lang), "/datasets" + view.to_query(dimension=d), view.dimension == d)
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
    row = spec.summary(view)
    here = "/datasets" + view.to_query()
    undated = spec.count(row["datasets"]) - spec.count(row["dated_datasets"])
    loads = spec.count(row.get("catalogue_load_datasets"))
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
        kpi_tile(_("Datasets", lang), i18n.fmt_int(spec.count(row["datasets"]), lang), here,
                 detail=" · ".join(detail) or None, tile_id="datasets-kpi-datasets"),
        kpi_tile(_("Publishers", lang), i18n.fmt_int(spec.count(row["publishers"]), lang),
                 "/datasets" + view.to_query(dimension="organization"), tile_id="datasets-kpi-publishers"),
        kpi_tile(_("Portals", lang), i18n.fmt_int(spec.count(row["portals"]), lang),
                 "/datasets" + view.to_query(dimension="jurisdiction"), tile_id="datasets-kpi-portals"),
        kpi_tile(_("Latest release", lang), i18n.fmt_date(None if pd.isna(last) else last, lang, "medium"),
                 here, tile_id="datasets-kpi-latest",
                 detail=_("first: {date}", lang, date=i18n.fmt_date(None if pd.isna(row["first_published"])
                                                                    else row["first_published"], lang, "medium"))),
    ]
    return [dbc.Col(tile, xs=6, lg=3) for tile in tiles]
