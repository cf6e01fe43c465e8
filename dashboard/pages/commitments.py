"""Commitments: completion by jurisdiction and cycle, status tiles that filter, milestones needing attention, search and the paged list.

The layout and its callbacks; what the charts, counts and sentences say is in dashboard/specs/commitments.py, and
the list and attention tables are drawn by dashboard/tables.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard import charts, data, feed, i18n, progress, state as state_mod, tables
from dashboard.brief import Section, register_section
from dashboard.charts import URL, chart_card, served_snapshot
from dashboard.components import empty_state, href, page_header
from dashboard.i18n import N_, _
from dashboard.progress import SCALE
from dashboard.specs import commitments as spec

dash.register_page(__name__, path="/commitments", name=N_("Commitments"), order=1, nav=True, topic="commitments")

PAGE_SIZE = 25  # commitments per page of the list
OVERDUE_SHOWN = 25  # milestones shown in the attention table; its CSV has them all


# ---------------------------------------------------------------- layout

def _heatmap_height(view: state_mod.ViewState) -> int:
    """Return a height that gives each jurisdiction row room for its printed value."""
    if view.jurisdictions:
        n = len(view.jurisdictions)
    else:
        options = data.query("filter_options", snapshot=served_snapshot(view))  # cached; the filter bar runs it too
        jur = options[options["kind"] == "jurisdiction"]
        if view.levels:
            jur = jur[jur["level"].isin(view.levels)]
        n = len(jur)
    return max(300, min(3200, 36 * n + 150))  # room for a share and its n on two lines


ALIGN_CHOICES = {
    "plan": N_("Place in each jurisdiction's sequence (1st, 2nd … plan)"),
    "year": N_("Year the plan started"),
}


def align_switch(view: state_mod.ViewState) -> html.Nav:
    """Return the links that choose how plans of different jurisdictions are lined up (the URL's align=)."""
    lang = view.lang
    links = []
    for value, label in ALIGN_CHOICES.items():
        current = view.align == value
        links.append(dcc.Link(_(label, lang), href=href("/commitments", view, align=value, page=1),
                              id=f"commitments-align-{value}",
                              className="btn btn-sm " + ("btn-primary" if current else "btn-outline-primary")))
    return html.Nav(className="commitments-align d-flex flex-wrap align-items-center gap-2 mb-3",
                    **{"aria-label": _("Compare plans by", lang)}, children=[
                        html.Span(_("Compare plans by:", lang), className="small fw-semibold"),
                        html.Div(links, className="d-flex flex-wrap gap-2"),
                    ])


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    base = dict(page=1, q="", statuses=())
    search = html.Div(
        className="commitments-search d-flex gap-2", role="search", id="commitments-search-form",
        **{"aria-label": _("Search commitments", lang)}, children=[
            html.Label(_("Search by ID or words", lang), htmlFor="commitments-search", className="visually-hidden"),
            dcc.Input(id="commitments-search", type="text", inputMode="search", value=view.q, debounce=False, n_submit=0,
                      placeholder=_("ID or words", lang),
                      className="form-control", maxLength=200, autoComplete="off"),
            html.Button(_("Search", lang), id="commitments-search-button", type="button", className="btn btn-primary"),
        ])
    tiles_section = html.Section(
        id="commitments-status", className="mb-4", **{"aria-labelledby": "commitments-status-title"}, children=[
            html.Div(className="d-flex flex-wrap align-items-baseline gap-2 mb-2", children=[
                html.H2(_("Commitments by status", lang), id="commitments-status-title", className="h5 mb-0 section-title"),
                html.Span(_("Select a status to narrow the impact chart and the list; select it again to clear it.",
                            lang), className="small text-body-secondary"),
            ]),
            # No dcc.Loading here: it would hide the tiles while a click on one is being handled.
            html.Div(id="commitments-status-tiles", className="status-tiles"),
        ])
    list_section = html.Section(
        id="commitments-list", className="card shadow-sm mb-4 records-card",
        **{"aria-labelledby": "commitments-list-title"}, children=html.Div(className="card-body", children=[
            html.H2(_("Results for “{q}”", lang, q=view.q) if view.q else _("All commitments", lang),
                    id="commitments-list-title", className="h5 card-title"),
            dcc.Loading(html.Div(id="commitments-list-body"), type="dot", delay_show=300),
        ]))
    overdue_section = html.Section(
        id="commitments-overdue", className="card shadow-sm mb-4 records-card",
        **{"aria-labelledby": "commitments-overdue-title"}, children=html.Div(className="card-body", children=[
            html.H2(_("Milestones to follow up", lang), id="commitments-overdue-title",
                    className="h5 card-title"),
            html.P(id="commitments-overdue-sentence", className="chart-sentence", **{"aria-live": "polite"}),
            dcc.Loading(html.Div(id="commitments-overdue-table", className="table-responsive"), type="dot",
                        delay_show=300),
            html.Div(className="chart-footer d-flex flex-wrap align-items-center gap-2 mt-2", children=[
                html.Span(id="commitments-overdue-badge"),
                html.Small(id="commitments-overdue-caption", className="chart-caption text-body-secondary me-auto"),
                charts.csv_link("commitments-overdue", view, title=_("Download every milestone in this table (CSV)", lang),
                                className="btn btn-sm btn-outline-primary"),
            ]),
        ]))
    charts_rows = [
        *([align_switch(view)] if len(view.jurisdictions) != 1 else []),
        dbc.Row(dbc.Col(chart_card("commitments-heatmap", view, height=_heatmap_height(view)), width=12)),
        dbc.Row([
            dbc.Col(chart_card("commitments-progress-cycle", view, height=440), lg=6),
            dbc.Col(chart_card("commitments-impact", view, height=440), lg=6),
        ]),
    ]
    body = [tiles_section]
    body += [list_section] + charts_rows + [overdue_section] if view.q else charts_rows + [overdue_section, list_section]
    return html.Div(id="commitments-page", children=[
        dcc.Store(id="commitments-state", data={"search": view.to_query()}),
        dcc.Store(id="commitments-scrolled"),
        dbc.Row(className="align-items-end g-2", children=[
            dbc.Col([page_header(
                _("Commitments", lang), view,
                lead=_("How far open-government commitments have come, cycle by cycle, and which milestones need "
                       "attention.", lang),
                crumbs=[(_("Overview", lang), href("/", view, **base)), (_("Commitments", lang), None)],
            ), html.Div(feed.links(view), className="feed-links mb-3")], lg=7),
            dbc.Col(search, lg=5, className="mb-3"),
        ]),
        *body,
    ])


# ---------------------------------------------------------------- status tiles

def status_tiles(view: state_mod.ViewState) -> list:
    lang = view.lang
    counts = {r.progress: int(r.commitments) for r in spec.status_counts(view).itertuples()}
    total = sum(counts.values())
    tiles = []
    for status in progress.READ_ORDER:
        key = status or ""
        n = counts.get(key, 0)
        pressed = status in view.statuses
        if not n and not pressed:
            continue
        label = progress.progress_label(status, lang)
        inner = [
            html.Span(className=f"status-swatch swatch-{status or 'none'}", **{"aria-hidden": "true"}),
            html.Span(label, className="status-tile-label"),
            html.Span(i18n.fmt_int(n, lang), className="status-tile-count"),
            html.Span(i18n.fmt_pct(n / total, lang) if total else "–", className="status-tile-share"),
        ]
        if status is None:
            # Not a value of the scale, so it cannot be a filter: shown for the whole picture.
            tiles.append(html.Div(inner, className="status-tile status-tile-static",
                                  title=_("Commitments with no completion rating or reported status yet", lang)))
            continue
        tiles.append(html.Button(
            inner, id={"type": "commitments-status-tile", "status": status}, type="button",
            className="status-tile" + (" active" if pressed else ""), n_clicks=0,
            title=(_("Stop filtering by this status", lang) if pressed else _("Show only this status", lang)),
            **{"aria-pressed": "true" if pressed else "false"},
        ))
    if not tiles:
        return [empty_state(_("No commitments match these filters.", lang), lang, clear_link="/commitments"
                            + view.to_query(jurisdictions=(), levels=(), cycles=(), statuses=(), q="", page=1))]
    out = [html.Div(tiles, className="status-tile-row")]
    reports = spec.indicator_reports_sentence(data.query("commitment_indicator_reports", snapshot=served_snapshot(view),
                                                    **view.filter_params()), lang)
    if reports:
        out.append(html.P(reports, className="small text-body-secondary mt-2 mb-0", id="commitments-status-reports"))
    if view.statuses:
        out.append(dcc.Link(_("Show every status", lang), href=href("/commitments", view, statuses=(), page=1),
                            className="small d-inline-block mt-2", id="commitments-status-clear"))
    return out


@callback(Output("commitments-status-tiles", "children"), Input("commitments-state", "data"))
def draw_status_tiles(store):
    return status_tiles(state_mod.from_store(store))


@callback(
    Output(URL, "href", allow_duplicate=True),
    Input({"type": "commitments-status-tile", "status": ALL}, "n_clicks"),
    State("commitments-state", "data"),
    prevent_initial_call=True,
)
def toggle_status(clicks, store):
    """Return this page's URL with the clicked status added to, or taken off, the status filter."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return dash.no_update
    return toggled_status_href(trigger.get("status"), state_mod.from_store(store))


def toggled_status_href(status, view: state_mod.ViewState):
    if not isinstance(status, str) or status not in SCALE:
        return dash.no_update
    statuses = tuple(s for s in view.statuses if s != status) if status in view.statuses else view.statuses + (status,)
    return "/commitments" + view.to_query(statuses=statuses, page=1)


# ---------------------------------------------------------------- search

@callback(
    Output(URL, "href", allow_duplicate=True),
    Input("commitments-search", "n_submit"),
    Input("commitments-search-button", "n_clicks"),
    State("commitments-search", "value"),
    State("commitments-state", "data"),
    prevent_initial_call=True,
)
def submit_search(n_submit, n_clicks, value, store):
    """Return this page's URL with the search text as ?q= (page 1), or without it when the box is empty."""
    if not (n_submit or n_clicks):
        return dash.no_update
    return search_href(value, state_mod.from_store(store))


def search_href(value, view: state_mod.ViewState) -> str:
    q = " ".join(value.split())[:200] if isinstance(value, str) else ""
    return "/commitments" + view.to_query(q=q, page=1) + ("#commitments-list" if q else "")


# ---------------------------------------------------------------- the paged list

def list_body(view: state_mod.ViewState):
    lang = view.lang
    rows = spec.list_rows(view, PAGE_SIZE)
    if rows.empty and view.page > 1:
        first = spec.list_rows(state_mod.parse(view.to_query(page=1)), PAGE_SIZE)
        if not first.empty:
            return empty_state(_("There is no page {page}.", lang, page=view.page), lang,
                               clear_link=href("/commitments", view, page=1))
    if rows.empty:
        message = (_("No commitment matches “{q}” with these filters.", lang, q=view.q) if view.q
                   else _("No commitments match these filters.", lang))
        return empty_state(message, lang, clear_link=href("/commitments", view, jurisdictions=(), levels=(),
                                                          cycles=(), statuses=(), q="", page=1))
    total = int(rows["total"].iloc[0])
    first = (view.page - 1) * PAGE_SIZE + 1
    summary = _("Showing {first}–{last} of {total} commitments.", lang, first=i18n.fmt_int(first, lang),
                last=i18n.fmt_int(first + len(rows) - 1, lang), total=i18n.fmt_int(total, lang))
    active = []
    if view.statuses:
        active.append(_("Status: {list}", lang, list=", ".join(progress.progress_label(s, lang) for s in view.statuses)))
    if view.q:
        active.append(_("Search: “{q}”", lang, q=view.q))
    children = [html.P([summary, " ", html.Span(" · ".join(active), className="text-body-secondary")] if active
                       else summary, className="mb-2", **{"aria-live": "polite"})]
    if view.q:
        children.append(dcc.Link(_("Clear the search", lang), href=href("/commitments", view, q="", page=1),
                                 className="small d-inline-block mb-2"))
    children.append(html.Div(tables.commitments_table(rows, view, _("Commitments", lang)), className="table-responsive"))
    nav = tables.pager(view, total, PAGE_SIZE)
    if nav is not None:
        children.append(nav)
    return children


@callback(Output("commitments-list-body", "children"), Input("commitments-state", "data"))
def draw_list(store):
    return list_body(state_mod.from_store(store))


# ---------------------------------------------------------------- milestones that need attention

@callback(
    Output("commitments-overdue-sentence", "children"),
    Output("commitments-overdue-table", "children"),
    Output("commitments-overdue-caption", "children"),
    Output("commitments-overdue-badge", "children"),
    Input("commitments-state", "data"),
)
def draw_overdue(store):
    view = state_mod.from_store(store)
    return overdue_parts(view)


def overdue_parts(view: state_mod.ViewState):
    """Return (sentence, table or empty state, caption, synthetic badge) for the attention table.

    The counts come from the attention rollup and only the rows shown are fetched: at world scale the
    milestones that need attention number in the hundreds of thousands, and the CSV link has them all.
    """
    lang = view.lang
    counts = spec.attention_counts(view)
    caption = charts.sources_caption(charts.snapshot_of(view), ("milestones", "milestone_status"), lang)
    when = charts.as_of(view)
    total = int(counts["milestones"].sum()) if not counts.empty else 0
    if total == 0:
        message = _("No milestone is overdue, stalled or due soon as of {date}.", lang, date=i18n.fmt_date(when, lang))
        return message, empty_state(message, lang), caption, None
    rows = spec.overdue_rows(view, limit=OVERDUE_SHOWN)
    return (spec.overdue_sentence(counts, lang, when), tables.overdue_table(rows, view, total, OVERDUE_SHOWN), caption,
            charts.synthetic_badge(int(counts["synthetic_rows"].sum()), lang))


# The briefing of this page prints the same table, after the charts (dashboard/brief.py).
register_section("/commitments", Section("commitments-overdue", N_("Milestones to follow up"), overdue_parts))


# Bring a linked section (#commitments-overdue, #commitments-list) into view once its rows have arrived:
# the page is drawn after navigation, so the browser's own jump to the anchor finds nothing yet.
clientside_callback(
    """
    function(overdue, list) {
        const hash = window.location.hash;
        if (hash === '#commitments-overdue' || hash === '#commitments-list') {
            const el = document.getElementById(hash.slice(1));
            if (el) { el.scrollIntoView({block: 'start'}); }
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output("commitments-scrolled", "data"),
    Input("commitments-overdue-table", "children"),
    Input("commitments-list-body", "children"),
)
