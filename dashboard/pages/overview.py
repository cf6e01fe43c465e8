"""Overview: a headline, KPI tiles that link into each page with the matching filter applied, and two small charts."""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import charts, data, figures, i18n, progress, state as state_mod
from dashboard.charts import Chart, chart_card, register, served_snapshot, snapshot_of
from dashboard.components import kpi_tile, notices
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import MIN_ASSESSED, SCALE

dash.register_page(__name__, path="/", name="Overview", order=0)

STALE_PERIODS = progress.STALE_PERIODS  # the attention rules of dashboard/progress.py
HORIZON_DAYS = progress.HORIZON_DAYS


def _plain(view: state_mod.ViewState) -> dict:
    """The view's changes that leave page-specific state behind when linking to another page."""
    return dict(page=1, q="", statuses=())


# ---------------------------------------------------------------- KPIs

def kpis(view: state_mod.ViewState) -> dict:
    """Return the overview's numbers for the view: commitments, completion, overdue, releases, learners."""
    snap = served_snapshot(view)
    as_of = snapshot_of(view).created_at.date()
    where = view.filter_params()
    places = {"jurisdictions": where["jurisdictions"], "levels": where["levels"]}
    cells = data.query("completion_by_jurisdiction_cycle", snapshot=snap, min_assessed=MIN_ASSESSED, **where)
    # Counted in SQL: the rows themselves (a quarter of a million at world scale) are not needed here.
    attention = data.query("attention_counts", snapshot=snap, as_of=as_of, stale_periods=STALE_PERIODS,
                           horizon_days=HORIZON_DAYS, **where)
    if view.date_from or view.date_to:
        released_from, released_to = view.date_from, view.date_to
    else:
        released_from, released_to = as_of - dt.timedelta(days=365), as_of
    releases = data.query("releases_by_month", snapshot=snap, date_from=released_from, date_to=released_to, **places)
    learning = data.query("learning_reach_by_period", snapshot=snap, **view.period_params(), **places)
    assessed = int(cells["assessed"].sum())
    done = int(cells["complete_or_substantial"].sum())
    reasons = dict(zip(attention["reason"], attention["milestones"]))
    synthetic = sum(charts.synthetic_count(frame) for frame in (cells, attention, releases, learning))
    return {
        "as_of": as_of,
        "commitments": int(cells["commitments"].sum()),
        "jurisdictions": int(cells["jurisdiction_id"].nunique()),
        "plans": len(cells),  # one row per jurisdiction's action plan: labels are not compared across members
        "assessed": assessed,
        "done": done,
        "share": done / assessed if assessed else None,
        # Overdue and the other reasons come from reported statuses; past due with no status reported
        # is counted apart and never with them.
        "overdue": int(reasons.get(progress.OVERDUE, 0)),
        "attention": sum(int(reasons.get(reason, 0)) for reason in progress.REPORTED_REASONS),
        "past_due_unreported": int(reasons.get(progress.PAST_DUE_UNREPORTED, 0)),
        "datasets": int(releases["datasets"].sum()) if len(releases) else 0,  # releases only, catalogue loads apart
        "catalogue_loads": int(releases["catalogue_load_datasets"].sum()) if len(releases) else 0,
        "released_from": released_from,
        "released_to": released_to,
        "learners": int(learning["learners"].sum()) if len(learning) else 0,
        "events": int(learning["events"].sum()) if len(learning) else 0,
        "synthetic": synthetic,
    }


def headline(k: dict, view: state_mod.ViewState) -> str:
    """Return the presenter's one-paragraph summary of the numbers, in the view's language."""
    lang = view.lang
    if not k["commitments"]:
        return _("No commitments match these filters.", lang)
    parts = []
    if k["share"] is not None:
        parts.append(_("{share} of the {assessed} assessed commitments across {j} jurisdictions are complete or "
                       "substantial.", lang, share=i18n.fmt_pct(k["share"], lang),
                       assessed=i18n.fmt_int(k["assessed"], lang), j=i18n.fmt_int(k["jurisdictions"], lang)))
    else:
        parts.append(ngettext("{n} commitment across {j} jurisdictions is tracked; none is assessed yet.",
                              "{n} commitments across {j} jurisdictions are tracked; none is assessed yet.",
                              k["commitments"], lang, j=i18n.fmt_int(k["jurisdictions"], lang)))
    parts.append(ngettext("{n} milestone is overdue as of {date}.", "{n} milestones are overdue as of {date}.",
                          k["overdue"], lang, date=i18n.fmt_date(k["as_of"], lang)))
    if k["past_due_unreported"]:
        parts.append(ngettext("{n} milestone is past its due date with no status reported: whether it is finished is "
                              "not known.", "{n} milestones are past their due date with no status reported: whether "
                              "they are finished is not known.", k["past_due_unreported"], lang))
    if view.date_from or view.date_to:
        parts.append(_("In the selected period, {d} datasets were released and {l} learners were reached.", lang,
                       d=i18n.fmt_int(k["datasets"], lang), l=i18n.fmt_int(k["learners"], lang)))
    else:
        parts.append(_("{d} datasets were released in the last 12 months, and learning events have reached {l} "
                       "learners.", lang, d=i18n.fmt_int(k["datasets"], lang), l=i18n.fmt_int(k["learners"], lang)))
    return " ".join(parts)


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
    plain = _plain(view)
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


# ---------------------------------------------------------------- charts

def completion_cycle_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("completion_by_cycle", snapshot=served_snapshot(view), align=view.align,
                      min_assessed=MIN_ASSESSED, **view.filter_params())


def _one_plan_each(rows: pd.DataFrame) -> bool:
    """Return True when every bar is one plan (one jurisdiction's), so a bar names a set of cycles exactly."""
    return all(len(fc._cycles_of(c)) == 1 for c in rows["cycles"]) and int(rows["jurisdictions"].max()) == 1


def completion_cycle_sentence(rows: pd.DataFrame, lang: str, align: str = "plan") -> str:
    rated = rows[(rows["assessed"] > 0) & rows["position"].notna()]
    if rated.empty:
        return _("None of these commitments has been assessed yet.", lang)

    def where(r):
        return fc.position_label(r["position"], r["cycles"], lang, align=align)

    last = rated.iloc[-1]
    text = (_("Plans lined up by the year they started.", lang) if align == "year" else
            _("Plans lined up by their place in each jurisdiction's own sequence.", lang))
    text += " " + _("Latest, {where}: {share} of the assessed commitments are complete or substantial.", lang,
                    where=where(last), share=fc.share_with_n(last["share"], last["assessed"], lang))
    sure = rated[rated["assessed"] >= MIN_ASSESSED]
    if len(sure):
        best = sure.sort_values(["share", "assessed"], ascending=[False, False]).iloc[0]
        if best["share"] > last["share"]:
            text += " " + _("The highest, among those with at least {n} assessed commitments: {where}, {share}.", lang,
                            n=MIN_ASSESSED, where=where(best), share=fc.share_with_n(best["share"], best["assessed"],
                                                                                     lang))
    low = int(sum(fc.low_confidence(a) for a in rated["assessed"]))
    if low:
        text += " " + ngettext("{n} faded bar rests on fewer than {min} assessed commitments.",
                               "{n} faded bars rest on fewer than {min} assessed commitments.", low, lang,
                               min=MIN_ASSESSED)
    if align == "year" or _one_plan_each(rows):
        text += " " + _("Select a bar to see those commitments.", lang)
    return text


def completion_cycle_click(point: dict, view: state_mod.ViewState) -> str | None:
    """Return the commitments page narrowed to the clicked bar's cycles, when they are exactly that bar's plans.

    They are when plans are lined up by start year, or for one jurisdiction's plans; a bar of every member's
    Nth plan is not a set of cycles (another member's plan may have the same years).
    """
    custom = point.get("customdata")
    if not isinstance(custom, list) or len(custom) < 5 or not isinstance(custom[3], str):
        return None
    if view.align != "year" and custom[4] != 1:
        return None
    cycles = tuple(c for c in custom[3].split(",") if c)
    if not cycles:
        return None
    query = view.to_query(cycles=cycles, **_plain(view))
    return None if state_mod.parse(query).notices else "/commitments" + query


register(Chart(
    id="overview-completion-cycle",
    title=N_("Completion, plan by plan"),
    rows=completion_cycle_rows,
    figure=figures.completion_by_cycle_bars,
    sentence=completion_cycle_sentence,
    tables=("commitments",),
    columns={"position": N_("Place"), "cycles": N_("Action-plan cycles"), "jurisdictions": N_("Jurisdictions"),
             "commitments": N_("Commitments"), "assessed": N_("Assessed"),
             "complete_or_substantial": N_("Complete or substantial"), "share": N_("Share"),
             "low_confidence": N_("Too few assessed to read with confidence")},
    on_click=completion_cycle_click,
    options=lambda view: {"align": view.align},
))


def progress_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return commitments per progress value (summed over cycles); null progress: not assessed."""
    # Summed over every plan, so how plans are lined up does not matter.
    rows = data.query("commitment_progress_by_cycle", snapshot=served_snapshot(view), align="plan",
                      **view.filter_params())
    if rows.empty:
        return rows
    grouped = (rows.assign(progress=rows["progress"].fillna(""))
               .groupby("progress", as_index=False)
               .agg(progress_rank=("progress_rank", "min"), commitments=("commitments", "sum"),
                    sources=("sources", lambda lists: sorted({s for names in lists for s in names})),
                    synthetic_rows=("synthetic_rows", "sum")))
    grouped["progress"] = grouped["progress"].replace("", None)
    order = {p: i for i, p in enumerate(progress.READ_ORDER)}
    return grouped.sort_values("progress", key=lambda s: s.map(lambda p: order.get(p if p else None, 99)),
                               ignore_index=True)


def progress_sentence(rows: pd.DataFrame, lang: str) -> str:
    total = int(rows["commitments"].sum())
    by = {(p if isinstance(p, str) else None): int(n) for p, n in zip(rows["progress"], rows["commitments"])}
    text = _("Of {n} commitments, {complete} are complete and {substantial} substantial.", lang,
             n=i18n.fmt_int(total, lang), complete=i18n.fmt_int(by.get("complete", 0), lang),
             substantial=i18n.fmt_int(by.get("substantial", 0), lang))
    if by.get(None):
        text += " " + ngettext("{n} is not assessed yet.", "{n} are not assessed yet.", by[None], lang)
    return text + " " + _("Select a bar to list those commitments.", lang)


def progress_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata")
    progress = custom[0] if isinstance(custom, list) and custom else None
    if progress not in SCALE:
        return None
    return "/commitments" + view.to_query(**{**_plain(view), "statuses": (progress,)})


register(Chart(
    id="overview-progress",
    title=N_("Commitments by progress"),
    rows=progress_rows,
    figure=figures.progress_bars,
    sentence=progress_sentence,
    tables=("commitments",),
    columns={"progress": N_("Progress"), "commitments": N_("Commitments")},
    on_click=progress_click,
))


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
    k = kpis(view)
    return (headline(k, view), kpi_tiles(k, view), charts.synthetic_badge(k["synthetic"], view.lang),
            sources_panel(view))
