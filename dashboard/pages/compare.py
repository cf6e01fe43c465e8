"""Compare snapshots: what changed between two published snapshots (sources, commitments, statuses, datasets, learners).

The layout and its callbacks; what is compared and what changed is in dashboard/specs/compare.py, the lists of
records in dashboard/tables.py.
"""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import data, i18n, state as state_mod, tables
from dashboard.charts import URL, chart_card
from dashboard.components import kpi_tile, page_header, section_card
from dashboard.figures.compare import signed
from dashboard.i18n import N_, _, ngettext
from dashboard.specs import compare as spec

dash.register_page(__name__, path="/compare", name=N_("Compare snapshots"), order=4, nav=True,
                   topic="compare")

LIST_MAX = 12  # records listed per change; the charts' CSVs have them all


# ---------------------------------------------------------------- layout

def _picker(view: state_mod.ViewState, ids: list[str], chosen: tuple[str, str]) -> dbc.Row:
    lang = view.lang
    options = [{"label": spec.snapshot_label(i, lang), "value": i} for i in reversed(ids)]
    return dbc.Row(className="g-2 align-items-end mb-4 compare-picker", children=[
        dbc.Col(md=5, children=[
            html.Label(_("Earlier snapshot (base)", lang), htmlFor="compare-base", className="form-label fw-semibold"),
            dcc.Dropdown(id="compare-base", options=options, value=chosen[0], clearable=False, searchable=False),
        ]),
        dbc.Col(md="auto", className="text-center d-none d-md-block", children=html.Span("→", className="fs-3 px-2",
                                                                                        **{"aria-hidden": "true"})),
        dbc.Col(md=5, children=[
            html.Label(_("Newer snapshot", lang), htmlFor="compare-snapshot", className="form-label fw-semibold"),
            dcc.Dropdown(id="compare-snapshot", options=options, value=chosen[1], clearable=False, searchable=False),
        ]),
    ])


def _one_snapshot(view: state_mod.ViewState, ids: list[str]) -> html.Div:
    lang = view.lang
    return html.Div(className="empty-state compare-empty", children=[
        html.H2(_("There is only one snapshot to compare", lang) if ids else _("There is no snapshot yet", lang),
                className="h4"),
        html.P(_("A comparison needs two snapshots. Each build of the data makes a new, dated snapshot; "
                 "build another one after the sources change, then come back here.", lang)),
        html.Pre(html.Code("ogdash snapshot build\nogdash snapshot list"), className="compare-command text-start"),
        html.P(_("The served snapshot is {id}.", lang, id=ids[-1]) if ids else None, className="small mb-0"),
    ])


def _panel(panel_id: str, title: str, *, className: str = "compare-list", **attrs) -> html.Section:
    """Return a titled card whose body (id `panel_id`) a callback fills."""
    return section_card(f"{panel_id}-title", title, [html.Div(id=panel_id, className=className, **attrs)],
                        className="chart-card card shadow-sm mb-4")


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    ids = data.available_snapshots()
    header = page_header(_("Compare snapshots", lang), view,
                         lead=_("What changed between two published snapshots of the data: sources, commitments, "
                                "statuses, datasets and learners.", lang))
    chosen = spec.pair(view)
    if chosen is None:
        return html.Div(id="compare-page", children=[header, _one_snapshot(view, ids)])
    notes = []
    if (view.snapshot and view.snapshot not in ids) or (view.base and view.base not in ids):
        notes.append(_("A snapshot named in the link does not exist; the nearest choice is shown.", lang))
    if view.base and view.base == chosen[1]:
        notes.append(_("The same snapshot was picked twice; it is compared with the one before it.", lang))
    if chosen[0] > chosen[1]:
        notes.append(_("The base is newer than the other snapshot, so additions and removals are reversed.", lang))
    compared = replace(view, base=chosen[0], snapshot=chosen[1])
    return html.Div(id="compare-page", children=[
        header,
        *[html.Div(n, className="alert alert-info py-2", role="status") for n in notes],
        dcc.Store(id="compare-state", data={"search": compared.to_query()}),
        _picker(view, ids, chosen),
        html.Div(id="compare-kpis", className="row g-3 mb-4", **{"aria-live": "polite"}),
        _panel("compare-story", _("What changed, in words", lang), className="compare-story",
               **{"aria-live": "polite"}),
        dbc.Row([
            dbc.Col(_panel("compare-source-list", _("Sources", lang)), lg=5),
            dbc.Col(_panel("compare-commitment-list", _("Commitments added and removed", lang)), lg=7),
        ], className="g-4"),
        dbc.Row([
            dbc.Col(chart_card("compare-transitions", compared, height=440), lg=7),
            dbc.Col(_panel("compare-status-list", _("Milestones that changed", lang)), lg=5),
        ], className="g-4"),
        dbc.Row([
            dbc.Col(chart_card("compare-datasets", compared, height=400), lg=7),
            dbc.Col(_panel("compare-dataset-list", _("Datasets added and removed", lang)), lg=5),
        ], className="g-4"),
        dbc.Row([
            dbc.Col(chart_card("compare-learning", compared, height=500), lg=7),
            dbc.Col(chart_card("compare-summary", compared, height=500), lg=5),
        ], className="g-4"),
    ])


@callback(
    Output(URL, "href", allow_duplicate=True),
    Input("compare-base", "value"),
    Input("compare-snapshot", "value"),
    State("compare-state", "data"),
    prevent_initial_call=True,
)
def pick_snapshots(base, snapshot, store):
    """Navigate to the comparison of the two snapshots picked."""
    view = state_mod.from_store(store)
    ids = data.available_snapshots()
    if base not in ids or snapshot not in ids:
        return dash.no_update
    href = "/compare" + view.to_query(base=base, snapshot=snapshot)
    return href if href != "/compare" + view.to_query() else dash.no_update


@callback(Output("compare-kpis", "children"), Input("compare-state", "data"))
def compare_kpis(store):
    """Return the headline tiles: commitments added, status changes, datasets added and removed, learners added."""
    view = state_mod.from_store(store)
    lang = view.lang
    row = spec.summary_row(view)
    if row is None:
        return None

    def signed_text(n) -> str:
        return signed(int(n), lang)

    here = "/compare" + view.to_query()
    tiles = [
        kpi_tile(_("Commitments added", lang), signed_text(row["commitments_added"]),
                 here + "#compare-commitment-list-title", tile_id="compare-kpi-commitments",
                 detail=_("removed: {removed}", lang, removed=i18n.fmt_int(int(row["commitments_removed"]), lang))),
        kpi_tile(_("Status changes", lang), i18n.fmt_int(int(row["status_changes"]), lang),
                 here + "#compare-status-list-title", tile_id="compare-kpi-status",
                 detail=_("milestones added: {added}, removed: {removed}", lang,
                          added=i18n.fmt_int(int(row["milestones_added"]), lang),
                          removed=i18n.fmt_int(int(row["milestones_removed"]), lang))),
        kpi_tile(_("Datasets added", lang), signed_text(row["datasets_added"]), here + "#compare-dataset-list-title",
                 tile_id="compare-kpi-datasets-added"),
        kpi_tile(_("Datasets removed", lang), i18n.fmt_int(int(row["datasets_removed"]), lang),
                 here + "#compare-dataset-list-title", tile_id="compare-kpi-datasets-removed"),
        kpi_tile(_("Learners added", lang), signed_text(row["learners_added"]), here, tile_id="compare-kpi-learners",
                 detail=ngettext("{n} event", "{n} events", row["events_added"], lang, n=signed_text(row["events_added"]))),
    ]
    return [dbc.Col(tile, xs=6, md=4, xl=True) for tile in tiles]


@callback(
    Output("compare-story", "children"),
    Output("compare-source-list", "children"),
    Output("compare-commitment-list", "children"),
    Input("compare-state", "data"),
)
def compare_story(store):
    """Return what changed in words, the sources of both snapshots and the commitments added and removed."""
    view = state_mod.from_store(store)
    lang = view.lang
    chosen = spec.pair(view)
    sources = spec.sources_rows(view)
    story = spec.change_story(spec.summary_row(view), sources, lang)
    return ([html.P(sentence, className="mb-1") for sentence in story], tables.source_list(sources, lang),
            tables.commitment_list(spec.commitments_rows(view), view, chosen[0] if chosen else None, shown=LIST_MAX))


@callback(
    Output("compare-status-list", "children"),
    Output("compare-dataset-list", "children"),
    Input("compare-state", "data"),
)
def compare_lists(store):
    view = state_mod.from_store(store)
    return (tables.status_list(spec.status_rows(view), view, shown=LIST_MAX),
            tables.dataset_list(spec.dataset_change_rows(view), view, shown=LIST_MAX))
