"""Commitments: completion by jurisdiction and cycle, status tiles that filter, milestones needing attention, search and the paged list."""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard import charts, data, figures, i18n, progress, state as state_mod
from dashboard.charts import URL, Chart, chart_card, register, served_snapshot
from dashboard.components import empty_state, href, localized, page_header
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import MIN_ASSESSED, SCALE
from dashboard.vocab import cycle_label, ordinal, plan_short as vocab_plan_short

dash.register_page(__name__, path="/commitments", name="Commitments", order=1)

PAGE_SIZE = 25
OVERDUE_SHOWN = 25
# Why a milestone is listed, and the thresholds: the status rules of dashboard/progress.py.
STALE_PERIODS = progress.STALE_PERIODS
HORIZON_DAYS = progress.HORIZON_DAYS
REASONS = progress.REASONS


# ---------------------------------------------------------------- shared helpers


def as_of(view: state_mod.ViewState) -> dt.date:
    """Return the date the view's snapshot was taken: "overdue" is judged against it, not the wall clock."""
    return charts.snapshot_of(view).created_at.date()


def safe_href(path: str, view: state_mod.ViewState, **changes) -> str | None:
    """Return a link with `changes`, or None when a changed value would not survive the URL's checks."""
    query = view.to_query(**changes)
    return None if state_mod.parse(query).notices else path + query


def jurisdiction_name(row, lang: str) -> str:
    fr, en = row.get("jurisdiction_name_fr"), row.get("jurisdiction_name_en")
    if lang == "fr" and isinstance(fr, str) and fr:
        return fr
    return en if isinstance(en, str) and en else str(row.get("jurisdiction_id", "–"))


def status_pill(status, lang: str, code=None, *, missing: str = progress.NOT_ASSESSED) -> html.Span:
    """Return a status shown three ways: colour swatch, pattern, and words; `missing` names the absence of one."""
    key = status if isinstance(status, str) and status else None
    label = progress.progress_label(key, lang) if key else _(missing, lang)
    children = [html.Span(className=f"status-swatch swatch-{key or 'none'}", **{"aria-hidden": "true"}), label]
    if isinstance(code, str) and code and code.lower() != (key or "").replace("_", " "):
        children.append(html.Span(f"({code})", className="text-body-secondary status-code"))
    return html.Span(children, className="status-pill")


def _n(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Return the rows as dicts with every missing value (NaN, NA, NaT) as None, so "nan" is never shown."""
    def plain(v):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            return None
        return v
    return [{k: plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


# ---------------------------------------------------------------- heatmap: jurisdiction x action plan

def heatmap_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("completion_by_jurisdiction_cycle", snapshot=served_snapshot(view), min_assessed=MIN_ASSESSED,
                      **view.filter_params())


def _plan_of(row, lang: str) -> str:
    """Return "Canada, 4th action plan (2018-2020)": one jurisdiction's plan in a sentence."""
    return _("{name}, {plan}", lang, name=jurisdiction_name(row, lang),
             plan=fc.plan_description(row["plan_number"], row["cycle"], lang))


def superlatives(rows: pd.DataFrame, lang: str, describe) -> str:
    """Return the "highest ... lowest ..." sentence over rows whose share rests on MIN_ASSESSED assessed or more.

    Rows below the minimum are never called highest or lowest; when fewer than two rows reach it, the
    sentence says so instead. `describe(row)` names a row.
    """
    sure = rows[(rows["assessed"] >= MIN_ASSESSED) & rows["share"].notna()]
    if len(sure) < 2:
        return _("Fewer than two have {n} or more assessed commitments, so none is called the highest or the lowest.",
                 lang, n=MIN_ASSESSED)
    best = sure.sort_values(["share", "assessed"], ascending=[False, False]).iloc[0]
    worst = sure.sort_values(["share", "assessed"], ascending=[True, False]).iloc[0]
    return _("Highest: {best}, {best_share}; lowest: {worst}, {worst_share} (among the {k} with at least {n} assessed "
             "commitments).", lang, best=describe(best), best_share=fc.share_with_n(best["share"], best["assessed"], lang),
             worst=describe(worst), worst_share=fc.share_with_n(worst["share"], worst["assessed"], lang),
             k=i18n.fmt_int(len(sure), lang), n=MIN_ASSESSED)


def heatmap_sentence(rows: pd.DataFrame, lang: str, align: str = "plan") -> str:
    assessed = int(rows["assessed"].sum())
    done = int(rows["complete_or_substantial"].sum())
    low = int(sum(fc.low_confidence(a) for a in rows["assessed"]))
    if rows["jurisdiction_id"].nunique() == 1:
        name = jurisdiction_name(rows.iloc[0], lang)
        text = ngettext("{name}, plan by plan: {n} action plan, {share} of its assessed commitments complete or "
                        "substantial.", "{name}, plan by plan: {n} action plans, {share} of their assessed commitments "
                        "complete or substantial.", len(rows), lang, name=name,
                        share=fc.share_with_n(done / assessed if assessed else None, assessed, lang))
        text += " " + superlatives(rows, lang, lambda r: fc.plan_description(r["plan_number"], r["cycle"], lang))
        if low:
            text += " " + ngettext("{n} plan rests on fewer than {min} assessed commitments: it is faded and hatched.",
                                   "{n} plans rest on fewer than {min} assessed commitments: they are faded and "
                                   "hatched.", low, lang, min=MIN_ASSESSED)
        return text + " " + _("Select a bar to list that plan's commitments.", lang)
    lined_up = (_("Plans are lined up by the year they started.", lang) if align == "year" else
                _("Plans are lined up by their place in each jurisdiction's own sequence (1st, 2nd … action plan), "
                  "not by their years.", lang))
    text = _("Across {j} jurisdictions and {p} action plans, {share} of the {n} assessed commitments are complete or "
             "substantial.", lang, j=i18n.fmt_int(rows["jurisdiction_id"].nunique(), lang),
             p=i18n.fmt_int(len(rows), lang), share=i18n.fmt_pct(done / assessed, lang) if assessed else "–",
             n=i18n.fmt_int(assessed, lang))
    text += " " + lined_up + " " + superlatives(rows, lang, lambda r: _plan_of(r, lang))
    if low:
        text += " " + ngettext("{n} pale cell rests on fewer than {min} assessed commitments.",
                               "{n} pale cells rest on fewer than {min} assessed commitments.", low, lang,
                               min=MIN_ASSESSED)
    return text + " " + _("Select a cell to list those commitments.", lang)


def _cycles_in(value) -> tuple[str, ...]:
    """Return the cycles a clicked mark carries ("2018-2020" or "2018-2019,2018-2020"); () for anything else."""
    return tuple(c for c in value.split(",") if c) if isinstance(value, str) else ()


def heatmap_click(point: dict, view: state_mod.ViewState) -> str | None:
    """Return this page narrowed to the clicked cell's (or bar's) jurisdiction and plan."""
    custom = point.get("customdata")
    if not isinstance(custom, list) or not custom:
        # Dash sends a heatmap cell's x and y but not its customdata: find the cell by its labels.
        return _cell_href(point.get("x"), point.get("y"), view)
    if len(custom) == 6 and len(view.jurisdictions) == 1:  # one jurisdiction's bars: [cycle, ...]
        jurisdiction, cycles = view.jurisdictions[0], _cycles_in(custom[0])
    elif len(custom) == 8:  # the heatmap: [jurisdiction, commitments, assessed, done, cycles, ...]
        jurisdiction, cycles = custom[0], _cycles_in(custom[4])
    else:
        return None
    if not isinstance(jurisdiction, str) or not jurisdiction or not cycles:
        return None
    return safe_href("/commitments", view, jurisdictions=(jurisdiction,), cycles=cycles, page=1, q="")


def _cell_href(x, y, view: state_mod.ViewState) -> str | None:
    """Return the link for the heatmap cell labelled (x: a place or start year, y: a jurisdiction's name), or None."""
    if not isinstance(x, str) or not isinstance(y, str):
        return None
    rows = heatmap_rows(view)
    lang = view.lang
    y = figures.from_label(y)  # the label is the name as Plotly text (figures.to_label)
    named = rows[(rows["jurisdiction_name_en"] == y) | (rows["jurisdiction_name_fr"] == y)]
    column = [str(int(s)) if view.align == "year" else vocab_plan_short(p, lang)
              for s, p in zip(named["cycle_start"], named["plan_number"])]
    hit = named[[c == x for c in column]]
    if hit.empty or hit["jurisdiction_id"].nunique() != 1:
        return None
    return safe_href("/commitments", view, jurisdictions=(hit["jurisdiction_id"].iloc[0],),
                     cycles=tuple(hit["cycle"]), page=1, q="")


def heatmap_heading(view: state_mod.ViewState) -> str | None:
    """Return "Canada, plan by plan" when the view holds one jurisdiction; None (the title) otherwise."""
    if len(view.jurisdictions) != 1:
        return None
    options = data.query("filter_options", snapshot=served_snapshot(view))  # cached; the filter bar runs it too
    found = options[(options["kind"] == "jurisdiction") & (options["value"] == view.jurisdictions[0])]
    if found.empty:
        return None
    row = found.iloc[0]
    name = row["label_fr"] if view.lang == "fr" and isinstance(row["label_fr"], str) else row["label_en"]
    return _("{name}, plan by plan", view.lang, name=name)


register(Chart(
    id="commitments-heatmap",
    title=N_("Share complete or substantial, by jurisdiction and action plan"),
    rows=heatmap_rows,
    figure=figures.completion_comparison,
    sentence=heatmap_sentence,
    tables=("commitments", "jurisdictions"),
    columns={"jurisdiction_name_en": N_("Jurisdiction"), "plan_number": N_("Place in its sequence"),
             "cycle": N_("Action-plan cycle"), "commitments": N_("Commitments"), "assessed": N_("Assessed"),
             "complete_or_substantial": N_("Complete or substantial"), "share": N_("Share"),
             "low_confidence": N_("Too few assessed to read with confidence"), "plan_number_basis": N_("How the place is known")},
    on_click=heatmap_click,
    options=lambda view: {"align": view.align},
    heading=heatmap_heading,
))


# ---------------------------------------------------------------- progress across action plans

def progress_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("commitment_progress_by_cycle", snapshot=served_snapshot(view), align=view.align,
                      **view.filter_params())


def progress_sentence(rows: pd.DataFrame, lang: str, align: str = "plan") -> str:
    positions: dict = {}
    for r in rows.itertuples():
        key = int(r.position) if pd.notna(r.position) else None
        entry = positions.setdefault(key, {"done": 0, "assessed": 0, "cycles": set(), "jurisdictions": r.jurisdictions})
        n = int(r.commitments)
        entry["cycles"].update(fc._cycles_of(r.cycles))
        if pd.notna(r.progress_rank):
            entry["assessed"] += n
            entry["done"] += n if progress.complete_or_substantial(r.progress_rank) else 0
    rated = [(p, e) for p, e in sorted(positions.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
             if e["assessed"] > 0 and p is not None]
    unrated = int(rows.loc[rows["progress"].isna(), "commitments"].sum())

    def where(p, e):
        if e["jurisdictions"] == 1:  # one jurisdiction's plan: its years say which
            return position_phrase(p, sorted(e["cycles"]), lang, align)
        return position_phrase(p, [], lang, align) + " (" + ngettext(
            "{n} jurisdiction", "{n} jurisdictions", e["jurisdictions"], lang) + ")"

    parts = []
    if rated:
        last_p, last = rated[-1]
        parts.append(_("In {where}, {share} of the assessed commitments are complete or substantial.", lang,
                       where=where(last_p, last), share=fc.share_with_n(last["done"] / last["assessed"],
                                                                      last["assessed"], lang)))
        if len(rated) >= 2:
            # Both shares with their n, and no difference in points: the two places hold different
            # jurisdictions' plans, and a difference between shares of a handful is not a change.
            prev_p, prev = rated[-2]
            parts.append(_("Before that, in {where}: {share}.", lang, where=where(prev_p, prev),
                           share=fc.share_with_n(prev["done"] / prev["assessed"], prev["assessed"], lang)))
            if min(last["assessed"], prev["assessed"]) < MIN_ASSESSED:
                parts.append(_("One of the two rests on fewer than {n} assessed commitments.", lang, n=MIN_ASSESSED))
    else:
        parts.append(_("None of these commitments has been assessed yet.", lang))
    if unrated:
        parts.append(ngettext("{n} commitment is not assessed yet (light grey).",
                              "{n} commitments are not assessed yet (light grey).", unrated, lang))
    return " ".join(parts)


def position_phrase(position, cycles: list[str], lang: str, align: str) -> str:
    """Return a place in the plan comparison for a sentence: "the 4th action plans", "the plans started in 2022",
    or, for one jurisdiction's plan (`cycles` its one cycle), "the 4th action plan (2018-2020)" / "the 2018-2020 plan"."""
    one = cycles[0] if len(cycles) == 1 else None
    if align == "year":
        if one:
            return _("the {cycle} plan", lang, cycle=cycle_label(one))
        return _("the plans started in {year}", lang, year=position)
    if one:
        return _("the {plan}", lang, plan=fc.plan_description(position, one, lang))
    return _("the {ordinal} action plans", lang, ordinal=ordinal(position, lang))


def progress_click(point: dict, view: state_mod.ViewState) -> str | None:
    """Return this page narrowed to the clicked bar's plans and, when it has one, that progress value.

    A bar stands for a set of cycles exactly when plans are lined up by start year, or when the view holds
    one jurisdiction; a bar of every member's Nth plan does not (another member's plan has the same years).
    """
    custom = point.get("customdata")
    if not isinstance(custom, list) or len(custom) < 3:
        return None
    if view.align != "year" and len(view.jurisdictions) != 1:
        return None
    cycles = _cycles_in(custom[2])
    if not cycles:
        return None
    progress = custom[0]
    statuses = (progress,) if progress in SCALE else ()
    return safe_href("/commitments", view, cycles=cycles, statuses=statuses, page=1, q="")


register(Chart(
    id="commitments-progress-cycle",
    title=N_("Progress of commitments, plan by plan"),
    rows=progress_rows,
    figure=figures.progress_by_cycle_bars,
    sentence=progress_sentence,
    tables=("commitments",),
    columns={"position": N_("Place"), "cycles": N_("Action-plan cycles"), "progress": N_("Progress"),
             "commitments": N_("Commitments")},
    on_click=progress_click,
    options=lambda view: {"align": view.align},
))


# ---------------------------------------------------------------- potential impact x completion

def impact_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("commitment_impact_completion", snapshot=served_snapshot(view), statuses=list(view.statuses),
                      **view.filter_params())


def impact_sentence(rows: pd.DataFrame, lang: str) -> str:
    total = int(rows["commitments"].sum())
    rated = rows[rows["potential_impact"].notna()]
    transformative = rows[rows["potential_impact"] == "Transformative"]
    t_n = int(transformative["commitments"].sum())
    t_done = int(transformative.loc[transformative["progress_rank"].map(progress.complete_or_substantial), "commitments"].sum())
    parts = [_("Of {n} commitments, {rated} have an IRM potential-impact rating.", lang,
               n=i18n.fmt_int(total, lang), rated=i18n.fmt_int(rated["commitments"].sum(), lang))]
    if t_n:
        parts.append(ngettext("{t} was rated transformative ({done} complete or substantial).",
                              "{t} were rated transformative; {done} of them are complete or substantial.", t_n, lang,
                              t=i18n.fmt_int(t_n, lang), done=i18n.fmt_int(t_done, lang)))
    missing = rows[rows["potential_impact"].isna()]
    if len(missing):
        counts = missing.groupby(missing["potential_impact_missing"].fillna(""))["commitments"].sum()
        named = [f"{_(progress.MISSING_LABELS[code], lang)} {i18n.fmt_int(counts[code or ''], lang)}"
                 for code in progress.MISSING_ORDER if counts.get(code or "")]
        parts.append(_("Missing ratings are shown as their own rows: {list}.", lang, list=", ".join(named)))
    return " ".join(parts)


def impact_click(point: dict, view: state_mod.ViewState) -> str | None:
    """Return this page narrowed to the clicked column's progress value."""
    progress = point.get("customdata")
    if progress not in SCALE:
        return None
    return safe_href("/commitments", view, statuses=(progress,), page=1, q="")


register(Chart(
    id="commitments-impact",
    title=N_("Potential impact against progress"),
    rows=impact_rows,
    figure=figures.impact_completion_grid,
    sentence=impact_sentence,
    tables=("commitments",),
    columns={"potential_impact": N_("IRM potential impact"), "potential_impact_missing": N_("Why it is missing"),
             "progress": N_("Progress"), "commitments": N_("Commitments")},
    on_click=impact_click,
))


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
            dbc.Col(page_header(
                _("Commitments", lang), view,
                lead=_("How far open-government commitments have come, cycle by cycle, and which milestones need "
                       "attention.", lang),
                crumbs=[(_("Overview", lang), href("/", view, **base)), (_("Commitments", lang), None)],
            ), lg=7),
            dbc.Col(search, lg=5, className="mb-3"),
        ]),
        *body,
    ])


# ---------------------------------------------------------------- status tiles

def status_counts(view: state_mod.ViewState) -> pd.DataFrame:
    """Return commitments per progress value (null: not assessed) for the view, ignoring its status filter."""
    rows = progress_rows(view)
    rows = rows.assign(progress=rows["progress"].astype(object).where(rows["progress"].notna(), None))
    return rows.groupby(rows["progress"].fillna(""), as_index=False)["commitments"].sum()


def status_tiles(view: state_mod.ViewState) -> list:
    lang = view.lang
    counts = {r.progress: int(r.commitments) for r in status_counts(view).itertuples()}
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
    reports = indicator_reports_sentence(data.query("commitment_indicator_reports", snapshot=served_snapshot(view),
                                                    **view.filter_params()), lang)
    if reports:
        out.append(html.P(reports, className="small text-body-secondary mt-2 mb-0", id="commitments-status-reports"))
    if view.statuses:
        out.append(dcc.Link(_("Show every status", lang), href=href("/commitments", view, statuses=(), page=1),
                            className="small d-inline-block mt-2", id="commitments-status-clear"))
    return out


def indicator_reports_sentence(rows: pd.DataFrame, lang: str) -> str | None:
    """Say how many commitments' statuses are built from indicator reports and how many indicators reported.

    `rows` is commitment_indicator_reports' one row; None when no commitment in the view has such a status.
    """
    n = int(rows["commitments"].iloc[0]) if len(rows) else 0
    if not n:
        return None
    return ngettext("{n} of these commitments has a status built from indicator reports ({counts}): it is complete "
                    "only when every indicator reported complete.",
                    "{n} of these commitments have a status built from indicator reports ({counts}): each is "
                    "complete only when every indicator reported complete.",
                    n, lang, counts=progress.indicators_reported(int(rows["indicators_reported"].iloc[0]),
                                                                 int(rows["indicators_total"].iloc[0]), lang))


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

def list_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return the view's page of the commitments list (PAGE_SIZE rows, each with the total that match)."""
    return data.query("commitments_list", snapshot=served_snapshot(view), statuses=list(view.statuses), q=view.q,
                      limit=PAGE_SIZE, offset=(view.page - 1) * PAGE_SIZE, **view.filter_params())


def commitments_table(rows: pd.DataFrame, view: state_mod.ViewState, caption: str) -> html.Table:
    lang = view.lang
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in
                               (N_("ID"), N_("Title"), N_("Jurisdiction"), N_("Action-plan cycle"), N_("Progress"))]))
    body = []
    for r in plain_records(rows):
        link = dcc.Link(r["commitment_id"], href=href(f"/commitments/{r['commitment_id']}", view, page=1, q="",
                                                      statuses=()))
        title = localized(r.get("title_en"), r.get("title_fr"), lang)
        synthetic = [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")] \
            if r.get("synthetic") else []
        body.append(html.Tr([
            html.Th(link, scope="row", className="text-nowrap"),
            html.Td([title, *synthetic]),
            html.Td(jurisdiction_name(r, lang)),
            html.Td(cycle_label(r["cycle"]), className="text-nowrap"),
            html.Td(status_pill(r.get("progress"), lang, r.get("status_code")), className="text-nowrap"),
        ]))
    return html.Table([html.Caption(caption, className="visually-hidden"), head, html.Tbody(body)],
                      className="table table-sm table-hover align-middle records-table")


def pager(view: state_mod.ViewState, total: int) -> html.Nav | None:
    lang = view.lang
    pages = max(1, -(-total // PAGE_SIZE))
    if pages <= 1:
        return None
    current = min(view.page, pages)
    wanted = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items, previous = [], None
    for number in wanted:
        if previous is not None and number - previous > 1:
            items.append(html.Li(html.Span("…", className="page-link"), className="page-item disabled"))
        link = href("/commitments", view, page=number) + "#commitments-list"
        if number == current:
            items.append(html.Li(html.Span(i18n.fmt_int(number, lang), className="page-link",
                                           **{"aria-current": "page"}), className="page-item active"))
        else:
            items.append(html.Li(dcc.Link(i18n.fmt_int(number, lang), href=link, className="page-link"),
                                 className="page-item"))
        previous = number

    def step(label: str, number: int, enabled: bool):
        if not enabled:
            return html.Li(html.Span(label, className="page-link"), className="page-item disabled")
        return html.Li(dcc.Link(label, href=href("/commitments", view, page=number) + "#commitments-list",
                                className="page-link"), className="page-item")

    items = [step(_("Previous", lang), current - 1, current > 1), *items,
             step(_("Next", lang), current + 1, current < pages)]
    return html.Nav(html.Ul(items, className="pagination pagination-sm flex-wrap mb-0"),
                    **{"aria-label": _("Pages of commitments", lang)})


def list_body(view: state_mod.ViewState):
    lang = view.lang
    rows = list_rows(view)
    if rows.empty and view.page > 1:
        first = list_rows(state_mod.parse(view.to_query(page=1)))
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
    children.append(html.Div(commitments_table(rows, view, _("Commitments", lang)), className="table-responsive"))
    nav = pager(view, total)
    if nav is not None:
        children.append(nav)
    return children


@callback(Output("commitments-list-body", "children"), Input("commitments-state", "data"))
def draw_list(store):
    return list_body(state_mod.from_store(store))


# ---------------------------------------------------------------- milestones that need attention

def overdue_rows(view: state_mod.ViewState, limit: int | None = None) -> pd.DataFrame:
    """Return the milestones listed in `view`: most overdue first, those past due with no status reported last.

    All of them, or the first `limit`.
    """
    return data.query("overdue_milestones", snapshot=served_snapshot(view), as_of=as_of(view),
                      stale_periods=STALE_PERIODS, horizon_days=HORIZON_DAYS, limit=limit, **view.filter_params())


def attention_counts(view: state_mod.ViewState) -> pd.DataFrame:
    """Return how many milestones are listed per reason (and how many of them are synthetic), from the rollup."""
    return data.query("attention_counts", snapshot=served_snapshot(view), as_of=as_of(view),
                      stale_periods=STALE_PERIODS, horizon_days=HORIZON_DAYS, **view.filter_params())


charts.TABLE_DOWNLOADS["commitments-overdue"] = overdue_rows  # the CSV link: every row, not only those shown


def overdue_sentence(counts: pd.DataFrame, lang: str, when: dt.date) -> str:
    """Say how many milestones are listed per reason; `counts` is attention_counts' (reason, milestones).

    Those past due with no status reported are said apart: they are not overdue, and may be finished.
    """
    by_reason = dict(zip(counts["reason"], counts["milestones"]))
    text = _("As of {date}: {overdue} milestones are overdue, {stalled} have not moved in {periods} or more "
             "reporting periods, and {soon} are due within {days} days without substantial progress.", lang,
             date=i18n.fmt_date(when, lang), overdue=i18n.fmt_int(int(by_reason.get(progress.OVERDUE, 0)), lang),
             stalled=i18n.fmt_int(int(by_reason.get(progress.STALLED, 0)), lang), periods=STALE_PERIODS,
             soon=i18n.fmt_int(int(by_reason.get(progress.DUE_SOON, 0)), lang), days=HORIZON_DAYS)
    unreported = int(by_reason.get(progress.PAST_DUE_UNREPORTED, 0))
    if unreported:
        text += " " + past_due_unreported_sentence(unreported, lang)
    return text


def past_due_unreported_sentence(n: int, lang: str) -> str:
    """Return "N milestones are past their due date with no status reported ...": never called overdue."""
    return ngettext("{n} milestone is past its due date with no status reported: whether it is finished is not "
                    "known, so it is not counted as overdue.",
                    "{n} milestones are past their due date with no status reported: whether they are finished is "
                    "not known, so they are not counted as overdue.", n, lang)


def overdue_table(rows: pd.DataFrame, view: state_mod.ViewState, total: int) -> html.Table:
    """Return the first OVERDUE_SHOWN of `rows` as a table; `total` is how many need attention in all."""
    lang = view.lang
    headers = (N_("Milestone"), N_("Commitment"), N_("Jurisdiction"), N_("Due date"), N_("Days past due"),
               N_("Reason"), N_("Latest status"))
    head = html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in headers]))
    body = []
    for r in plain_records(rows.head(OVERDUE_SHOWN)):
        due = r.get("due_date")
        due_text = i18n.fmt_date(pd.Timestamp(due).date(), lang, "medium") if due is not None and not pd.isna(due) \
            else _("no due date", lang)
        days = r.get("days_overdue")
        if days is None or pd.isna(days):
            days_text = "–"
        elif days >= 0:
            days_text = i18n.fmt_int(days, lang)
        else:
            days_text = ngettext("{n} day left", "{n} days left", -days, lang)
        source = progress.status_source(r.get("status_vocab"), lang)
        status = status_pill(r.get("progress"), lang, r.get("status_code"), missing=progress.NO_STATUS_REPORTED)
        notes = []
        if source:
            notes.append(source)
        if r.get("indicators_total") is not None:
            notes.append(progress.indicators_reported(int(r.get("indicators_reported") or 0),
                                                      int(r["indicators_total"]), lang))
        if notes:
            status = html.Span([status, html.Br(), html.Small(" · ".join(notes), className="text-body-secondary")])
        title = localized(r.get("title_en"), r.get("title_fr"), lang)
        synthetic = [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")] \
            if r.get("synthetic") else []
        body.append(html.Tr([
            html.Th([html.Span(fc.short_milestone_id(r["milestone_id"], r.get("commitment_id")) + " ",
                               className="fw-semibold"), title, *synthetic], scope="row", className="fw-normal"),
            html.Td(dcc.Link(r["commitment_id"], href=href(f"/commitments/{r['commitment_id']}", view, page=1, q="",
                                                           statuses=())), className="text-nowrap"),
            html.Td(jurisdiction_name(r, lang)),
            html.Td(due_text, className="text-nowrap"),
            html.Td(days_text, className="text-end text-nowrap"),
            html.Td(html.Span(_(REASONS.get(r.get("reason"), r.get("reason") or "–"), lang),
                              className=f"reason reason-{r.get('reason')}"), className="text-nowrap"),
            html.Td(status),
        ]))
    caption = _("Milestones to follow up", lang)
    if total > OVERDUE_SHOWN:
        caption_node = html.Caption(_("The first {n} of {total}: the most overdue first, those past due with no status "
                                      "reported last; the CSV has them all.", lang,
                                      n=OVERDUE_SHOWN, total=i18n.fmt_int(total, lang)))
    else:
        caption_node = html.Caption(caption, className="visually-hidden")
    return html.Table([caption_node, head, html.Tbody(body)],
                      className="table table-sm table-striped align-middle records-table")


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
    counts = attention_counts(view)
    caption = charts.sources_caption(charts.snapshot_of(view), ("milestones", "milestone_status"), lang)
    when = as_of(view)
    total = int(counts["milestones"].sum()) if not counts.empty else 0
    if total == 0:
        message = _("No milestone is overdue, stalled or due soon as of {date}.", lang, date=i18n.fmt_date(when, lang))
        return message, empty_state(message, lang), caption, None
    rows = overdue_rows(view, limit=OVERDUE_SHOWN)
    return (overdue_sentence(counts, lang, when), overdue_table(rows, view, total), caption,
            charts.synthetic_badge(int(counts["synthetic_rows"].sum()), lang))


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
