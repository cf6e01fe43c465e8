"""Training reach: learning events, learners and organisations per period, jurisdiction and organizer, and the commitments they serve.

The layout and its callbacks; what the charts and tiles say is in dashboard/specs/training.py, the linked
commitments list in dashboard/tables.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import i18n, state as state_mod, tables
from dashboard.charts import chart_card
from dashboard.components import kpi_tile, page_header, section_card
from dashboard.i18n import N_, _
from dashboard.specs import training as spec

dash.register_page(__name__, path="/training", name=N_("Training reach"), order=3, nav=True, topic="training")


LIST_MAX = 6  # commitments listed under "linked commitments"; the chart's CSV has every row
ROWS_PER_COMMITMENT = 3  # generated rows shown per commitment (every real one is)


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    return html.Div(id="training-page", children=[
        page_header(_("Training reach", lang), view,
                    lead=_("Who learned about open government: events, learners and organisations reached, "
                           "and the commitments the learning serves.", lang)),
        dcc.Store(id="training-state", data={"search": view.to_query()}),
        html.Div(id="training-kpis", className="row g-3 mb-2", **{"aria-live": "polite"}),
        html.P(spec.overlap_note(lang), className="small text-body-secondary mb-4"),
        dbc.Row([
            dbc.Col(chart_card("training-linked", view, height=560), lg=7),
            dbc.Col(section_card("training-linked-list-title", _("Reported figures by commitment", lang),
                                 [html.Div(id="training-linked-list")],
                                 className="chart-card card shadow-sm mb-4 linked-list"), lg=5),
        ], className="g-4"),
        chart_card("training-by-period", view, height=420),
        dbc.Row([
            dbc.Col(chart_card("training-by-jurisdiction", view, height=500), lg=6),
            dbc.Col(chart_card("training-by-organizer", view, height=560), lg=6),
        ], className="g-4"),
        chart_card("training-per-event", view, height=560),
    ])


@callback(Output("training-kpis", "children"), Input("training-state", "data"))
def training_kpis(store):
    """Return the headline tiles: events, learners, organisations reached and linked commitments."""
    view = state_mod.from_store(store)
    lang = view.lang
    row = spec.summary(view)
    here = "/training" + view.to_query()
    events, learners = spec.count(row["events"]) or 0, spec.count(row["learners"]) or 0
    tiles = [
        kpi_tile(_("Events", lang), i18n.fmt_int(events, lang), here, tile_id="training-kpi-events"),
        kpi_tile(_("Learners", lang), i18n.fmt_int(learners, lang), here, tile_id="training-kpi-learners",
                 detail=_("{n} per event", lang, n=i18n.fmt_num(learners / events, lang, 1)) if events else None),
        kpi_tile(_("Organisations reached", lang), i18n.fmt_int(spec.count(row["organisations"]), lang), here,
                 tile_id="training-kpi-organisations",
                 detail=_("where the source counts them", lang)),
        kpi_tile(_("Linked commitments", lang), i18n.fmt_int(spec.count(row["linked_commitments"]) or 0, lang),
                 here + "#training-linked-list-title", tile_id="training-kpi-commitments"),
    ]
    return [dbc.Col(tile, xs=6, lg=3) for tile in tiles]


def linked_list(rows: pd.DataFrame, view: state_mod.ViewState) -> html.Div:
    """Return the linked commitments as this page lists them: the first LIST_MAX, each with its reported figures."""
    return tables.linked_list(rows, view, shown=LIST_MAX, rows_per_commitment=ROWS_PER_COMMITMENT)


@callback(Output("training-linked-list", "children"), Input("training-state", "data"))
def training_linked_list(store):
    view = state_mod.from_store(store)
    return linked_list(spec.linked_list_rows(view, LIST_MAX), view)
