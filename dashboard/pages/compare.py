"""Compare snapshots: what changed between two published snapshots (sources, commitments, statuses, datasets, learners)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import data, figures, i18n, state as state_mod
from dashboard.charts import URL, Chart, chart_card, register
from dashboard.components import empty_state, kpi_tile, localized, page_header
from dashboard.figures.compare import transition_keys, transition_label
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import SCALE
from dashboard.snapshots import source_changes

dash.register_page(__name__, path="/compare", name="Compare snapshots", order=4)


LIST_MAX = 12
_ID_RE = re.compile(r"^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")


def pair(view: state_mod.ViewState) -> tuple[str, str] | None:
    """Return (base, head): the snapshots the view compares, defaulting to the one before the served one and the served one."""
    ids = data.available_snapshots()
    if len(ids) < 2:
        return None
    if view.snapshot in ids:
        head = view.snapshot
    else:
        try:
            head = data.current_snapshot().id
        except data.NoSnapshot:
            head = ids[-1]
    if view.base in ids and view.base != head:
        return view.base, head
    earlier = [i for i in ids if i < head]
    return (earlier[-1] if earlier else [i for i in ids if i != head][-1]), head


def snapshot_label(snapshot_id: str, lang: str) -> str:
    """Return a snapshot id with its date and time written out, read from the id itself."""
    m = _ID_RE.match(snapshot_id)
    if not m:
        return snapshot_id
    y, mo, d, h, mi, _seconds = (int(g) for g in m.groups())
    when = i18n.fmt_date(dt.date(y, mo, d), lang)
    clock = f"{h:02d} h {mi:02d}" if lang == "fr" else f"{h:02d}:{mi:02d}"
    return f"{when}, {clock} UTC · {snapshot_id}"


def _where(view: state_mod.ViewState, *, cycles: bool = True) -> dict:
    out = {"jurisdictions": list(view.jurisdictions), "levels": list(view.levels)}
    if cycles:
        out["cycles"] = list(view.cycles)
    return out


def _diff(name: str, view: state_mod.ViewState, *, cycles: bool = True, **params) -> pd.DataFrame:
    chosen = pair(view)
    if chosen is None:
        return pd.DataFrame()
    base, head = chosen
    return data.query(name, snapshot=head, base=base, **_where(view, cycles=cycles), **params)


# ---------------------------------------------------------------- status transitions

def transitions_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_status_transitions", view)


def transitions_sentence(rows: pd.DataFrame, lang: str) -> str:
    changed = rows[rows["change"] == "changed"]
    up = int(changed.loc[changed["to_rank"].astype("Float64") > changed["from_rank"].astype("Float64"), "milestones"].sum())
    down = int(changed.loc[changed["to_rank"].astype("Float64") < changed["from_rank"].astype("Float64"), "milestones"].sum())
    added = int(rows.loc[rows["change"] == "added", "milestones"].sum())
    removed = int(rows.loc[rows["change"] == "removed", "milestones"].sum())
    text = _("Milestones that changed status: {n} ({up} forward, {down} back).", lang,
             n=i18n.fmt_int(int(changed["milestones"].sum()), lang), up=i18n.fmt_int(up, lang),
             down=i18n.fmt_int(down, lang))
    if added or removed:
        text += " " + _("New milestones: {added}; no longer listed: {removed}.", lang,
                        added=i18n.fmt_int(added, lang), removed=i18n.fmt_int(removed, lang))
    return text + " " + _("Rows are the earlier status, columns the newer one.", lang)


def transitions_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    to = custom[1] if len(custom) > 1 else None
    if to not in SCALE:
        return None
    return "/commitments" + view.to_query(statuses=(to,), base=None)


register(Chart(
    id="compare-transitions",
    title=N_("Status transitions"),
    rows=transitions_rows,
    figure=figures.status_transition_heatmap,
    sentence=transitions_sentence,
    tables=("milestones", "commitments"),
    columns={"change": N_("Change"), "from_progress": N_("From"), "to_progress": N_("To"),
             "milestones": N_("Milestones"), "synthetic_rows": N_("Synthetic records")},
    on_click=transitions_click,
    empty=N_("No milestone changed status between these two snapshots."),
))


# ---------------------------------------------------------------- summary

SUMMARY_MEASURES = (
    ("commitments_added", N_("Commitments added")),
    ("commitments_removed", N_("Commitments removed")),
    ("status_changes", N_("Milestones that changed status")),
    ("milestones_added", N_("Milestones added")),
    ("milestones_removed", N_("Milestones removed")),
    ("datasets_added", N_("Datasets added")),
    ("datasets_removed", N_("Datasets removed")),
)


def summary_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return the one-row diff summary as one row per measure (label in the view's language)."""
    wide = _diff("snapshot_diff_summary", view)
    if wide.empty:
        return wide
    first = wide.iloc[0]
    return pd.DataFrame({
        "measure": [m for m, _ in SUMMARY_MEASURES],
        "label": [_(label, view.lang) for _key, label in SUMMARY_MEASURES],
        "count": [int(first[m]) for m, _ in SUMMARY_MEASURES],
    })


def summary_sentence(rows: pd.DataFrame, lang: str) -> str:
    counts = {m: i18n.fmt_int(n, lang) for m, n in zip(rows["measure"], rows["count"])}
    return _("Commitments added: {commitments_added}; removed: {commitments_removed}. Status changes: "
             "{status_changes}. Datasets added: {datasets_added}; removed: {datasets_removed}.", lang, **counts)


register(Chart(
    id="compare-summary",
    title=N_("What changed"),
    rows=summary_rows,
    figure=figures.change_summary_bars,
    sentence=summary_sentence,
    tables=("commitments", "milestones", "datasets"),
    columns={"label": N_("Change"), "count": N_("Count")},
    empty=N_("Pick two different snapshots to compare."),
))


# ---------------------------------------------------------------- datasets

def datasets_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_dataset_changes", view, cycles=False)


def datasets_sentence(rows: pd.DataFrame, lang: str) -> str:
    added, removed = int(rows["added"].sum()), int(rows["removed"].sum())
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
    return _("Datasets added: {added}; removed: {removed}. {name} changed most.", lang,
             added=i18n.fmt_int(added, lang), removed=i18n.fmt_int(removed, lang), name=name) + " " + \
        _("Click a bar to see that jurisdiction’s datasets.", lang)


def datasets_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    if not custom or not custom[0]:
        return None
    return "/datasets" + view.to_query(jurisdictions=(str(custom[0]),), base=None)


register(Chart(
    id="compare-datasets",
    title=N_("Datasets added and removed, by jurisdiction"),
    rows=datasets_rows,
    figure=figures.dataset_changes_bars,
    sentence=datasets_sentence,
    tables=("datasets",),
    columns={"jurisdiction_name_en": N_("Jurisdiction"), "added": N_("Added"), "removed": N_("Removed"),
             "net": N_("Net change")},
    on_click=datasets_click,
    empty=N_("No dataset was added or removed between these two snapshots."),
))


# ---------------------------------------------------------------- learners

def learning_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("compare_learning_changes", view, cycles=False)


def learning_sentence(rows: pd.DataFrame, lang: str) -> str:
    learners, events = int(rows["learners_added"].sum()), int(rows["events_added"].sum())
    text = _("Learners added in the newer snapshot: {learners}; events added: {events}; organizers with a change: {n}.",
             lang, learners=i18n.fmt_int(learners, lang), events=i18n.fmt_int(events, lang),
             n=i18n.fmt_int(len(rows), lang))
    if len(rows) > figures.TOP_CHANGES:
        text += " " + _("The chart shows the {top} organizers that changed most; the table and CSV have them all.",
                        lang, top=figures.TOP_CHANGES)
    return text


register(Chart(
    id="compare-learning",
    title=N_("Learners added, by organizer"),
    rows=learning_rows,
    figure=figures.learning_changes_bars,
    sentence=learning_sentence,
    tables=("learning_events",),
    columns={"organizer": N_("Organizer"), "base_learners": N_("Learners before"), "learners": N_("Learners after"),
             "learners_added": N_("Learners added"), "events_added": N_("Events added")},
    empty=N_("No learning figures changed between these two snapshots."),
))


# ---------------------------------------------------------------- sources and commitments, in words

SOURCE_CHANGES = {
    "added": (N_("New source"), "text-bg-success"),
    "dropped": (N_("Dropped"), "text-bg-danger"),
    "updated": (N_("New data"), "text-bg-primary"),
    "unchanged": (N_("Unchanged"), "text-bg-light border"),
}


def sources_rows(view: state_mod.ViewState) -> list[dict]:
    """Return how the two snapshots' sources differ (snapshots.source_changes), or [] without two snapshots."""
    chosen = pair(view)
    if chosen is None:
        return []
    base, head = (data.get_snapshot(i).manifest for i in chosen)
    return source_changes(base, head)


def commitments_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return _diff("snapshot_diff_commitments", view, limit=None)


def _names(rows: list[dict], change: str, lang: str) -> list[str]:
    out = []
    for r in rows:
        if r["change"] != change:
            continue
        before, after = r.get("data_date_before"), r.get("data_date_after")
        if change == "updated" and after and before and after != before:
            out.append(_("{name} (data of {after}; before, {before})", lang, name=r["name"],
                         after=i18n.fmt_date(after, lang), before=i18n.fmt_date(before, lang)))
        else:
            out.append(r["name"])
    return out


def change_story(summary: pd.Series | None, sources: list[dict], lang: str) -> list[str]:
    """Return what changed between the two snapshots as sentences: sources, commitments, statuses, datasets, learners."""
    said = []
    for change, singular, plural in (
        ("added", N_("Source added: {names}."), N_("Sources added: {names}.")),
        ("dropped", N_("Source dropped: {names}."), N_("Sources dropped: {names}.")),
        ("updated", N_("Source with new data: {names}."), N_("Sources with new data: {names}.")),
    ):
        names = _names(sources, change, lang)
        if names:
            said.append(ngettext(singular, plural, len(names), lang, names=", ".join(names)))
    if sources and not said:
        said.append(_("No source changed.", lang))
    if summary is None:
        return said
    n = {k: int(summary[k]) for k in ("commitments_added", "commitments_removed", "status_changes",
                                      "milestones_added", "milestones_removed", "datasets_added",
                                      "datasets_removed", "learners_added", "events_added")}
    fmt = {k: i18n.fmt_int(v, lang) for k, v in n.items()}
    if n["commitments_added"] or n["commitments_removed"]:
        said.append(_("Commitments added: {added}; removed: {removed}.", lang, added=fmt["commitments_added"],
                      removed=fmt["commitments_removed"]))
    if n["status_changes"] or n["milestones_added"] or n["milestones_removed"]:
        said.append(_("Milestones that changed status: {n}; milestones added: {added}; removed: {removed}.", lang,
                      n=fmt["status_changes"], added=fmt["milestones_added"], removed=fmt["milestones_removed"]))
    if n["datasets_added"] or n["datasets_removed"]:
        said.append(_("Datasets added: {added}; removed: {removed}.", lang, added=fmt["datasets_added"],
                      removed=fmt["datasets_removed"]))
    if n["learners_added"] or n["events_added"]:
        said.append(_("Learners: {learners} ({events} events).", lang, learners=_signed(n["learners_added"], lang),
                      events=_signed(n["events_added"], lang)))
    if not any(n.values()):
        said.append(_("No commitment, status, dataset or learning figure changed.", lang))
    return said


def _signed(n: int, lang: str) -> str:
    return ("+" if n > 0 else "−" if n < 0 else "") + i18n.fmt_int(abs(n), lang)


def source_list(rows: list[dict], lang: str):
    """Return each source of the two snapshots: how it changed, its rows and its data date before and after."""
    if not rows:
        return empty_state(_("Neither snapshot names its sources.", lang), lang)
    items = []
    for r in rows:
        label, badge = SOURCE_CHANGES[r["change"]]

        def span(before, after, show):
            if before is None or before == after:
                return show(after)
            if after is None:
                return show(before)
            return f"{show(before)} → {show(after)}"

        rows_text = span(r["rows_before"], r["rows_after"], lambda v: "–" if v is None else i18n.fmt_int(v, lang))
        date_text = span(r["data_date_before"], r["data_date_after"],
                         lambda v: i18n.fmt_date(v, lang, "medium") if v else "–")
        items.append(html.Li(className="list-group-item", children=[
            html.Div([html.Span(_(label, lang), className=f"badge {badge} me-2"), html.Span(r["name"], className="fw-semibold"),
                      " ", html.Code(r["kind"] or "", className="small")]),
            html.Div(_("Rows: {rows} · data as of {date}", lang, rows=rows_text, date=date_text),
                     className="small text-body-secondary"),
        ]))
    return html.Ul(items, className="list-group list-group-flush compare-sources")


def commitment_list(rows: pd.DataFrame, view: state_mod.ViewState, base: str | None):
    """Return the commitments added and those removed, the first LIST_MAX of each, each linking to its page."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No commitment was added or removed between these two snapshots.", lang), lang)
    blocks = []
    for change, heading in (("added", _("Added", lang)), ("removed", _("Removed", lang))):
        part = rows[rows["change"] == change]
        if part.empty:
            continue
        # A removed commitment is shown from the earlier snapshot, where it still is.
        query = view.to_query(base=None, page=1) if change == "added" else view.to_query(base=None, page=1,
                                                                                          snapshot=base)
        entries = []
        for r in part.head(LIST_MAX).itertuples():
            title = localized(r.title_en if isinstance(r.title_en, str) else None,
                              r.title_fr if isinstance(r.title_fr, str) else None, lang)
            where = figures.label_of(r._asdict(), lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
            entries.append(html.Li([dcc.Link(r.commitment_id, href=f"/commitments/{r.commitment_id}" + query), " ",
                                    title, html.Br(),
                                    html.Span(f"{where} · {r.cycle} · {r.source}", className="text-body-secondary")]))
        if len(part) > LIST_MAX:
            entries.append(html.Li(_("and {n} more", lang, n=i18n.fmt_int(len(part) - LIST_MAX, lang)),
                                   className="text-body-secondary"))
        blocks.append(html.Div([
            html.H3([heading, html.Span(i18n.fmt_int(len(part), lang), className="badge rounded-pill ms-2 "
                                        + ("text-bg-success" if change == "added" else "text-bg-danger"))],
                    className="h6 mt-2"),
            html.Ul(entries, className="small compare-commitment-entries"),
        ]))
    return html.Div(blocks)


# ---------------------------------------------------------------- layout

def _picker(view: state_mod.ViewState, ids: list[str], chosen: tuple[str, str]) -> dbc.Row:
    lang = view.lang
    options = [{"label": snapshot_label(i, lang), "value": i} for i in reversed(ids)]
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


def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    ids = data.available_snapshots()
    header = page_header(_("Compare snapshots", lang), view,
                         lead=_("What changed between two published snapshots of the data: sources, commitments, "
                                "statuses, datasets and learners.", lang))
    chosen = pair(view)
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
        html.Section(className="chart-card card shadow-sm mb-4", **{"aria-labelledby": "compare-story-title"},
                     children=html.Div(className="card-body", children=[
                         html.H2(_("What changed, in words", lang), id="compare-story-title", className="h5 card-title"),
                         html.Div(id="compare-story", className="compare-story", **{"aria-live": "polite"}),
                     ])),
        dbc.Row([
            dbc.Col(html.Section(className="chart-card card shadow-sm mb-4", **{"aria-labelledby": "compare-source-list-title"},
                                 children=html.Div(className="card-body", children=[
                                     html.H2(_("Sources", lang), id="compare-source-list-title",
                                             className="h5 card-title"),
                                     html.Div(id="compare-source-list", className="compare-list"),
                                 ])), lg=5),
            dbc.Col(html.Section(className="chart-card card shadow-sm mb-4",
                                 **{"aria-labelledby": "compare-commitment-list-title"},
                                 children=html.Div(className="card-body", children=[
                                     html.H2(_("Commitments added and removed", lang),
                                             id="compare-commitment-list-title", className="h5 card-title"),
                                     html.Div(id="compare-commitment-list", className="compare-list"),
                                 ])), lg=7),
        ], className="g-4"),
        dbc.Row([
            dbc.Col(chart_card("compare-transitions", compared, height=440), lg=7),
            dbc.Col(html.Section(className="chart-card card shadow-sm mb-4", **{"aria-labelledby": "compare-status-list-title"},
                                 children=html.Div(className="card-body", children=[
                                     html.H2(_("Milestones that changed", lang), id="compare-status-list-title",
                                             className="h5 card-title"),
                                     html.Div(id="compare-status-list", className="compare-list"),
                                 ])), lg=5),
        ], className="g-4"),
        dbc.Row([
            dbc.Col(chart_card("compare-datasets", compared, height=400), lg=7),
            dbc.Col(html.Section(className="chart-card card shadow-sm mb-4", **{"aria-labelledby": "compare-dataset-list-title"},
                                 children=html.Div(className="card-body", children=[
                                     html.H2(_("Datasets added and removed", lang), id="compare-dataset-list-title",
                                             className="h5 card-title"),
                                     html.Div(id="compare-dataset-list", className="compare-list"),
                                 ])), lg=5),
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


def _tile_rows(view: state_mod.ViewState) -> pd.Series | None:
    wide = _diff("snapshot_diff_summary", view)
    return None if wide.empty else wide.iloc[0]


@callback(Output("compare-kpis", "children"), Input("compare-state", "data"))
def compare_kpis(store):
    """Return the headline tiles: commitments added, status changes, datasets added and removed, learners added."""
    view = state_mod.from_store(store)
    lang = view.lang
    row = _tile_rows(view)
    if row is None:
        return None

    def signed(n) -> str:
        return _signed(int(n), lang)

    here = "/compare" + view.to_query()
    tiles = [
        kpi_tile(_("Commitments added", lang), signed(row["commitments_added"]),
                 here + "#compare-commitment-list-title", tile_id="compare-kpi-commitments",
                 detail=_("removed: {removed}", lang, removed=i18n.fmt_int(int(row["commitments_removed"]), lang))),
        kpi_tile(_("Status changes", lang), i18n.fmt_int(int(row["status_changes"]), lang),
                 here + "#compare-status-list-title", tile_id="compare-kpi-status",
                 detail=_("milestones added: {added}, removed: {removed}", lang,
                          added=i18n.fmt_int(int(row["milestones_added"]), lang),
                          removed=i18n.fmt_int(int(row["milestones_removed"]), lang))),
        kpi_tile(_("Datasets added", lang), signed(row["datasets_added"]), here + "#compare-dataset-list-title",
                 tile_id="compare-kpi-datasets-added"),
        kpi_tile(_("Datasets removed", lang), i18n.fmt_int(int(row["datasets_removed"]), lang),
                 here + "#compare-dataset-list-title", tile_id="compare-kpi-datasets-removed"),
        kpi_tile(_("Learners added", lang), signed(row["learners_added"]), here, tile_id="compare-kpi-learners",
                 detail=ngettext("{n} event", "{n} events", row["events_added"], lang, n=signed(row["events_added"]))),
    ]
    return [dbc.Col(tile, xs=6, md=4, xl=True) for tile in tiles]


def status_list(rows: pd.DataFrame, view: state_mod.ViewState):
    """Return the milestones whose status changed, grouped by from -> to, each linking to its commitment."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No milestone changed status between these two snapshots.", lang), lang)
    froms, tos = transition_keys(rows.assign(milestones=1))
    rows = rows.assign(from_key=froms, to_key=tos)
    groups = rows.groupby(["from_key", "to_key"], sort=False).size().sort_values(ascending=False)
    items = []
    for (f, to), n in groups.items():
        part = rows[(rows["from_key"] == f) & (rows["to_key"] == to)]
        links = []
        for r in part.head(LIST_MAX).itertuples():
            title = localized(r.title_en if isinstance(r.title_en, str) else None,
                              r.title_fr if isinstance(r.title_fr, str) else None, lang)
            links.append(html.Li([dcc.Link(r.milestone_id, href=f"/commitments/{r.commitment_id}"
                                           + view.to_query(base=None, page=1)), " ", title]))
        if len(part) > LIST_MAX:
            links.append(html.Li(_("and {n} more", lang, n=i18n.fmt_int(len(part) - LIST_MAX, lang)),
                                 className="text-body-secondary"))
        items.append(html.Li(className="list-group-item", children=[
            html.Div([
                html.Span(transition_label(f, lang), className=f"status-chip status-{f.strip('_')}"),
                html.Span(" → ", **{"aria-label": _("to", lang)}),
                html.Span(transition_label(to, lang), className=f"status-chip status-{to.strip('_')}"),
                html.Span(i18n.fmt_int(n, lang), className="badge rounded-pill text-bg-secondary ms-2"),
            ], className="fw-semibold"),
            html.Ul(links, className="small mb-0 mt-1"),
        ]))
    return html.Ul(items, className="list-group list-group-flush")


def dataset_list(rows: pd.DataFrame, view: state_mod.ViewState):
    """Return the datasets added and those removed, the first LIST_MAX of each."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No dataset was added or removed between these two snapshots.", lang), lang)
    blocks = []
    for change, heading in (("added", _("Added", lang)), ("removed", _("Removed", lang))):
        part = rows[rows["change"] == change]
        if part.empty:
            continue
        entries = []
        for r in part.head(LIST_MAX).itertuples():
            title = localized(r.title_en if isinstance(r.title_en, str) else None,
                              r.title_fr if isinstance(r.title_fr, str) else None, lang)
            org = figures.label_of(r._asdict(), lang, "organization_title_en", "organization_title_fr", "organization")
            published = i18n.fmt_date(r.published, lang, "medium") if not pd.isna(r.published) else "–"
            entries.append(html.Li([html.Span(title, className="fw-semibold"), html.Br(),
                                    html.Span(f"{org} · {r.portal} · {published}", className="text-body-secondary")]))
        if len(part) > LIST_MAX:
            entries.append(html.Li(_("and {n} more", lang, n=i18n.fmt_int(len(part) - LIST_MAX, lang)),
                                   className="text-body-secondary"))
        blocks.append(html.Div([
            html.H3([heading, html.Span(i18n.fmt_int(len(part), lang), className="badge rounded-pill ms-2 "
                                        + ("text-bg-success" if change == "added" else "text-bg-danger"))],
                    className="h6 mt-2"),
            html.Ul(entries, className="small compare-dataset-entries"),
        ]))
    return html.Div(blocks)


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
    chosen = pair(view)
    sources = sources_rows(view)
    story = change_story(_tile_rows(view), sources, lang)
    return ([html.P(sentence, className="mb-1") for sentence in story], source_list(sources, lang),
            commitment_list(commitments_rows(view), view, chosen[0] if chosen else None))


@callback(
    Output("compare-status-list", "children"),
    Output("compare-dataset-list", "children"),
    Input("compare-state", "data"),
)
def compare_lists(store):
    view = state_mod.from_store(store)
    statuses = _diff("snapshot_diff_status", view)
    datasets_changed = _diff("snapshot_diff_datasets", view, cycles=False, limit=None)
    return status_list(statuses, view), dataset_list(datasets_changed, view)

