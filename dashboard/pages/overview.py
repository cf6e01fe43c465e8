"""Overview: a headline, KPI tiles that link into each page with the matching filter applied, and two small charts.

The layout; its numbers, headline and charts are in dashboard/specs/overview.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import charts, data, i18n, state as state_mod
from dashboard.charts import chart_card, snapshot_of
from dashboard.components import ELSEWHERE, kpi_tile, notices
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import HORIZON_DAYS, MIN_ASSESSED
from dashboard.specs import overview as spec

dash.register_page(__name__, path="/", name=N_("Overview"), order=0, nav=True, topic="overview")


# ---------------------------------------------------------------- KPIs

def share_value(k: dict, lang: str):
    """Return the completion tile's number: the share, faded and with its n when it rests on too few."""
    if k["share"] is None:
        return "–"
    share = i18n.fmt_pct(k["share"], lang)
    if not fc.low_confidence(k["assessed"]):
        return share
    return html.Span([share, html.Small(" " + _("n = {n}", lang, n=i18n.fmt_int(k["assessed"], lang)),
                                        className="kpi-n")], className="low-confidence")


def kpi_tiles(k: dict, view: state_mod.ViewState) -> list:
    """Return the five KPI tiles, each a link to the page behind its number with the matching filter."""
    lang = view.lang
    plain = ELSEWHERE
    released_link = "/datasets" + view.to_query(date_from=k["released_from"], date_to=view.date_to, **plain)
    if view.date_from or view.date_to:
        released_label = _("Datasets released in the selected period", lang)
        released_detail = _("{from_} to {to}", lang, from_=i18n.fmt_date(k["released_from"], lang, "medium"),
                            to=i18n.fmt_date(k["released_to"], lang, "medium")) if k["released_from"] and \
            k["released_to"] else None
    else:
        released_label = _("Datasets released in the last 12 months", lang)
        released_detail = _("since {date}", lang, date=i18n.fmt_date(k["released_from"], lang))
    if k.get("catalogue_loads"):
        # Records a catalogue load put in the catalogue are not releases (dashboard/releases.py): said apart.
        released_detail = " · ".join(filter(None, [released_detail, ngettext(
            "not counted: {n} loaded in bulk", "not counted: {n} loaded in bulk", k["catalogue_loads"], lang)]))
    tiles = [
        kpi_tile(_("Commitments tracked", lang), i18n.fmt_int(k["commitments"], lang),
                 "/commitments" + view.to_query(**plain),
                 detail=ngettext("{n} jurisdiction", "{n} jurisdictions", k["jurisdictions"], lang) + " · "
                 + ngettext("{n} action plan", "{n} action plans", k["plans"], lang),
                 tile_id="overview-kpi-commitments"),
        kpi_tile(_("Complete or substantial", lang), share_value(k, lang),
                 "/commitments" + view.to_query(**{**plain, "statuses": ("substantial", "complete")}),
                 detail=_("{done} of {assessed} assessed commitments", lang, done=i18n.fmt_int(k["done"], lang),
                          assessed=i18n.fmt_int(k["assessed"], lang))
                 + (" · " + _("too few to read with confidence (fewer than {n})", lang, n=MIN_ASSESSED)
                    if fc.low_confidence(k["assessed"]) else ""),
                 tile_id="overview-kpi-complete"),
        kpi_tile(_("Milestones overdue", lang), i18n.fmt_int(k["overdue"], lang),
                 "/commitments" + view.to_query(**plain) + "#commitments-overdue",
                 detail=ngettext("{n} more stalled or due within {days} days",
                                 "{n} more stalled or due within {days} days", k["attention"] - k["overdue"], lang,
                                 days=HORIZON_DAYS)
                 + (" · " + ngettext("{n} past due, no status reported", "{n} past due, no status reported",
                                     k["past_due_unreported"], lang) if k["past_due_unreported"] else ""),
                 tile_id="overview-kpi-overdue"),
        kpi_tile(released_label, i18n.fmt_int(k["datasets"], lang), released_link, detail=released_detail,
                 tile_id="overview-kpi-datasets"),
        kpi_tile(_("Learners reached", lang), i18n.fmt_int(k["learners"], lang), "/training" + view.to_query(**plain),
                 detail=ngettext("through {n} learning event", "through {n} learning events", k["events"], lang),
                 tile_id="overview-kpi-learners"),
    ]
    return [dbc.Col(tile, className="kpi-col") for tile in tiles]


def sources_panel(view: state_mod.ViewState) -> list:
    """Return each source with the date its data describes and its records, then the snapshot and its build time."""
    lang = view.lang
    snap = snapshot_of(view)
    dates = {name: (date, basis) for name, date, basis in charts.data_dates(snap)}
    items = []
    for src in snap.manifest.get("sources", []):
        rows = sum(int(v or 0) for v in (src.get("rows") or {}).values())
        name = src.get("name", "?")
        detail = [html.Span(src.get("kind", ""), className="badge text-bg-light border ms-1 fw-normal"), " ",
                  html.Span(charts.data_date_text(*dates.get(name, (None, None)), lang, with_basis=True),
                            className="source-data-date")]
        if rows:
            detail.append(html.Span(" · " + ngettext("{n} record", "{n} records", rows, lang),
                                    className="text-body-secondary"))
        items.append(html.Li([html.Strong(name), *detail]))
    return [
        html.P([
            html.Span(_("Data as of: each source's own date, below", lang), className="fw-semibold"), " · ",
            charts.built_text(snap, lang), " · ",
            dcc.Link(_("Sources and licences", lang), href="/data" + ("?lang=fr" if lang == "fr" else "")),
        ], className="mb-1"),
        html.Ul(items, className="list-inline-sources mb-0"),
    ]


# ---------------------------------------------------------------- layout

def layout(**query):
    """Return the overview with its headline, tiles and sources already filled in.

    They are drawn here rather than by a callback of their own: Dash holds a page's first callbacks
    until every lazily loaded component in it (the charts' plotly.js, 1.4 MB) is ready, so a
    headline sent by a callback painted only after plotly.js had loaded. The numbers come from four
    small cached queries over rollups.
    """
    view = state_mod.parse(query)
    lang = view.lang
    try:
        headline_text, tiles, badge, sources = overview_parts(view)
    except data.NoSnapshot:  # nothing to count yet: the page still renders, and says why
        headline_text, tiles, badge, sources = _("No verified snapshot is available.", lang), [], None, []
    return html.Div(id="overview-page", children=[
        html.Header(className="page-header overview-hero mb-3", children=[
            html.H1(_("Open government at a glance", lang), className="display-6 fw-semibold mb-2"),
            html.P(headline_text, id="overview-headline", className="lead overview-headline mb-2"),
            html.Div(badge, id="overview-badge"),
            notices(view),
        ]),
        html.Section(**{"aria-label": _("Key figures", lang)}, className="mb-4", children=dcc.Loading(
            dbc.Row(tiles, id="overview-kpis", className="row-cols-1 row-cols-sm-2 row-cols-xl-5 g-3"),
            type="dot", delay_show=300)),
        dbc.Row([
            dbc.Col(chart_card("overview-completion-cycle", view, height=380), lg=7),
            dbc.Col(chart_card("overview-progress", view, height=380), lg=5),
        ]),
        html.Section(id="overview-sources", className="card shadow-sm mb-4 overview-sources",
                     **{"aria-labelledby": "overview-sources-title"}, children=html.Div(className="card-body", children=[
                         html.H2(_("About this data", lang), id="overview-sources-title", className="h6 card-title"),
                         html.Div(sources, id="overview-sources-body", className="small"),
                     ])),
    ])


def overview_parts(view: state_mod.ViewState):
    """Return (headline, KPI tiles, synthetic badge, sources panel) for the view."""
    k = spec.kpis(view)
    return (spec.headline(k, view), kpi_tiles(k, view), charts.synthetic_badge(k["synthetic"], view.lang),
            sources_panel(view))
