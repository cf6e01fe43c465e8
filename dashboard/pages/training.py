"""Training reach: learning events, learners and organisations per period, jurisdiction and organizer, and the commitments they serve."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures, i18n, state as state_mod, vocab
from dashboard.charts import Chart, chart_card, register, served_snapshot
from dashboard.components import empty_state, kpi_tile, localized, page_header
from dashboard.i18n import N_, _

dash.register_page(__name__, path="/training", name="Training reach", order=3)


LIST_MAX = 6  # commitments listed under "linked commitments"; the chart's CSV has every row
ROWS_PER_COMMITMENT = 3


def _where(view: state_mod.ViewState) -> dict:
    return {"jurisdictions": list(view.jurisdictions), "levels": list(view.levels), **view.period_params()}


def _n(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _top_note(rows: pd.DataFrame, lang: str) -> str:
    if len(rows) <= figures.TOP_REACH:
        return ""
    return " " + _("The chart shows the top {top} of {count}; the table and CSV have them all.", lang,
                   top=figures.TOP_REACH, count=i18n.fmt_int(len(rows), lang))


def _overlap_note(lang: str) -> str:
    return _("Figures are as each source reports them; rows may overlap.", lang)


# ---------------------------------------------------------------- per period

def period_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("learning_reach_by_period", snapshot=served_snapshot(view), **_where(view))


def period_sentence(rows: pd.DataFrame, lang: str) -> str:
    peak = rows.loc[rows["learners"].idxmax()]
    text = _("{events} events reached {learners} learners over {periods} reporting periods; the most learners were "
             "in {peak} ({peak_n}).", lang, events=i18n.fmt_int(rows["events"].sum(), lang),
             learners=i18n.fmt_int(rows["learners"].sum(), lang), periods=i18n.fmt_int(len(rows), lang),
             peak=peak["period"], peak_n=i18n.fmt_int(peak["learners"], lang))
    return text + " " + _("Periods are the sources’ own (a month, a quarter or a whole reporting year). "
                          "Click a bar to filter to that period.", lang)


def period_click(point: dict, view: state_mod.ViewState) -> str | None:
    import datetime as dt

    custom = point.get("customdata") or []
    if len(custom) < 2:
        return None
    try:
        start, end = dt.date.fromisoformat(str(custom[0])[:10]), dt.date.fromisoformat(str(custom[1])[:10])
    except ValueError:
        return None
    return "/training" + view.to_query(date_from=start, date_to=end)


register(Chart(
    id="training-by-period",
    title=N_("Learners and events per reporting period"),
    rows=period_rows,
    figure=figures.learning_by_period,
    sentence=period_sentence,
    tables=("learning_events",),
    columns={"period": N_("Period"), "period_start": N_("Start"), "period_end": N_("End"), "events": N_("Events"),
             "learners": N_("Learners"), "organisations": N_("Organisations"),
             "learners_per_event": N_("Learners per event"), "synthetic_rows": N_("Synthetic records")},
    on_click=period_click,
    empty=N_("No learning event falls in this selection. Widen the period or clear a filter."),
))


# ---------------------------------------------------------------- by jurisdiction

def jurisdiction_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("training_by_jurisdiction", snapshot=served_snapshot(view), **_where(view))


def jurisdiction_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
    text = _("{name} reached the most learners: {reach}.", lang, name=name,
             reach=figures.reach_text(top["events"], top["learners"], top["organisations"], lang))
    return text + _top_note(rows, lang) + " " + _("Click a bar to filter the page to that jurisdiction.", lang)


def jurisdiction_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    return "/training" + view.to_query(jurisdictions=(str(custom[1]),)) if len(custom) > 1 and custom[1] else None


register(Chart(
    id="training-by-jurisdiction",
    title=N_("Reach by jurisdiction"),
    rows=jurisdiction_rows,
    figure=figures.learning_by_jurisdiction,
    sentence=jurisdiction_sentence,
    tables=("learning_events", "jurisdictions"),
    columns={"jurisdiction_name_en": N_("Jurisdiction"), "level": N_("Level"), "organizers": N_("Organizers"),
             "events": N_("Events"), "learners": N_("Learners"), "organisations": N_("Organisations"),
             "learners_per_event": N_("Learners per event")},
    on_click=jurisdiction_click,
    empty=N_("No learning event falls in this selection. Widen the period or clear a filter."),
))


# ---------------------------------------------------------------- by organizer

def organizer_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return reach per organizer, learners per event to the one decimal the chart draws (and the CSV holds)."""
    rows = data.query("training_by_organizer", snapshot=served_snapshot(view), **_where(view))
    return rows.assign(learners_per_event=rows["learners_per_event"].round(1))


def organizer_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0]
    text = _("{name} reached the most learners: {reach}.", lang, name=vocab.label(vocab.organizer, top["organizer"], lang),
             reach=figures.reach_text(top["events"], top["learners"], top["organisations"], lang))
    return text + _top_note(rows, lang) + " " + _overlap_note(lang)


register(Chart(
    id="training-by-organizer",
    title=N_("Reach by organizer"),
    rows=organizer_rows,
    figure=figures.learning_by_organizer,
    sentence=organizer_sentence,
    tables=("learning_events",),
    columns={"organizer": N_("Organizer"), "events": N_("Events"), "learners": N_("Learners"),
             "organisations": N_("Organisations"), "learners_per_event": N_("Learners per event")},
    empty=N_("No learning event falls in this selection. Widen the period or clear a filter."),
))


def per_event_sentence(rows: pd.DataFrame, lang: str) -> str:
    known = rows[rows["learners_per_event"].notna()]
    if known.empty:
        return _("No organizer reports events, so learners per event cannot be computed.", lang)
    if len(known) == 1:
        only = known.iloc[0]
        return _("{name}: {value} learners per event.", lang, name=vocab.label(vocab.organizer, only["organizer"], lang),
                 value=i18n.fmt_num(only["learners_per_event"], lang, 1))
    top = known.sort_values("learners_per_event", ascending=False).iloc[0]
    low = known.sort_values("learners_per_event").iloc[0]
    return _("Learners per event range from {low} ({low_name}) to {high} ({high_name}): large courses and "
             "small workshops are different formats.", lang,
             low=i18n.fmt_num(low["learners_per_event"], lang, 1),
             low_name=vocab.label(vocab.organizer, low["organizer"], lang),
             high=i18n.fmt_num(top["learners_per_event"], lang, 1),
             high_name=vocab.label(vocab.organizer, top["organizer"], lang)) + _top_note(known, lang)


register(Chart(
    id="training-per-event",
    title=N_("Learners per event, by organizer"),
    rows=organizer_rows,
    figure=figures.learners_per_event_dots,
    sentence=per_event_sentence,
    tables=("learning_events",),
    columns={"organizer": N_("Organizer"), "events": N_("Events"), "learners": N_("Learners"),
             "learners_per_event": N_("Learners per event")},
    empty=N_("No learning event falls in this selection. Widen the period or clear a filter."),
))


# ---------------------------------------------------------------- linked commitments

def linked_list_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return the rows of the first LIST_MAX linked commitments (and, in commitments_total, how many there are)."""
    return data.query("training_linked_list", snapshot=served_snapshot(view), cycles=list(view.cycles),
                      limit=LIST_MAX, **_where(view))


def linked_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return learning totalled per commitment and organizer: exactly the bars drawn (and the CSV), summed in SQL."""
    return data.query("training_linked_totals", snapshot=served_snapshot(view), cycles=list(view.cycles),
                      limit=figures.LINKED_MAX, **_where(view))


def linked_sentence(rows: pd.DataFrame, lang: str) -> str:
    count = rows["commitment_id"].nunique()
    text = _("Commitments with linked learning events: {n}.", lang, n=i18n.fmt_int(count, lang))
    return text + " " + _("Click a bar to open the commitment.", lang) + " " + _overlap_note(lang)


def linked_click(point: dict, view: state_mod.ViewState) -> str | None:
    custom = point.get("customdata") or []
    if len(custom) < 2 or not custom[1]:
        return None
    return f"/commitments/{custom[1]}" + view.to_query(page=1)


register(Chart(
    id="training-linked",
    title=N_("Learning linked to commitments"),
    rows=linked_rows,
    figure=figures.learning_linked_bars,
    sentence=linked_sentence,
    tables=("learning_events", "commitments"),
    columns={"commitment_id": N_("Commitment"), "organizer": N_("Organizer"), "event_type": N_("Event type"),
             "period": N_("Period"), "events": N_("Events"), "learners": N_("Learners"),
             "organisations": N_("Organisations"), "synthetic_rows": N_("Synthetic records")},
    on_click=linked_click,
    empty=N_("No learning event in this selection names a commitment."),
))


# ---------------------------------------------------------------- layout and callbacks

def layout(**query):
    view = state_mod.parse(query)
    lang = view.lang
    return html.Div(id="training-page", children=[
        page_header(_("Training reach", lang), view,
                    lead=_("Who learned about open government: events, learners and organisations reached, "
                           "and the commitments the learning serves.", lang)),
        dcc.Store(id="training-state", data={"search": view.to_query()}),
        html.Div(id="training-kpis", className="row g-3 mb-2", **{"aria-live": "polite"}),
        html.P(_overlap_note(lang), className="small text-body-secondary mb-4"),
        dbc.Row([
            dbc.Col(chart_card("training-linked", view, height=560), lg=7),
            dbc.Col(html.Section(className="chart-card card shadow-sm mb-4 linked-list",
                                 **{"aria-labelledby": "training-linked-list-title"}, children=html.Div(
                className="card-body", children=[
                    html.H2(_("Reported figures by commitment", lang), id="training-linked-list-title",
                            className="h5 card-title"),
                    html.Div(id="training-linked-list"),
                ])), lg=5),
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
    row = data.query("training_summary", snapshot=served_snapshot(view), **_where(view)).iloc[0]
    here = "/training" + view.to_query()
    events, learners = _n(row["events"]) or 0, _n(row["learners"]) or 0
    tiles = [
        kpi_tile(_("Events", lang), i18n.fmt_int(events, lang), here, tile_id="training-kpi-events"),
        kpi_tile(_("Learners", lang), i18n.fmt_int(learners, lang), here, tile_id="training-kpi-learners",
                 detail=_("{n} per event", lang, n=i18n.fmt_num(learners / events, lang, 1)) if events else None),
        kpi_tile(_("Organisations reached", lang), i18n.fmt_int(_n(row["organisations"]), lang), here,
                 tile_id="training-kpi-organisations",
                 detail=_("where the source counts them", lang)),
        kpi_tile(_("Linked commitments", lang), i18n.fmt_int(_n(row["linked_commitments"]) or 0, lang),
                 here + "#training-linked-list-title", tile_id="training-kpi-commitments"),
    ]
    return [dbc.Col(tile, xs=6, lg=3) for tile in tiles]


def linked_list(rows: pd.DataFrame, view: state_mod.ViewState) -> html.Div:
    """Return each linked commitment with its figures as reported, one line per organizer, event type and period."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No learning event in this selection names a commitment.", lang), lang)
    items = []
    order = list(dict.fromkeys(rows["commitment_id"]))
    total = int(rows["commitments_total"].iloc[0]) if "commitments_total" in rows.columns else len(order)
    for commitment_id in order[:LIST_MAX]:
        part = rows[rows["commitment_id"] == commitment_id]
        first = part.iloc[0]
        title = localized(first["commitment_title_en"] if isinstance(first["commitment_title_en"], str) else None,
                          first["commitment_title_fr"] if isinstance(first["commitment_title_fr"], str) else None, lang)
        # Every real row is shown (they are the reported facts); generated ones only up to a few.
        real = pd.to_numeric(part["synthetic_rows"]).fillna(0) == 0
        shown = pd.concat([part[real], part[~real].head(max(ROWS_PER_COMMITMENT - int(real.sum()), 0))])
        lines = []
        for r in shown.itertuples():
            synthetic = (_n(r.synthetic_rows) or 0) > 0
            lines.append(html.Li([
                html.Span(vocab.show(vocab.organizer, r.organizer, lang), className="fw-semibold"),
                html.Span([" · ", vocab.show(vocab.event_type, r.event_type, lang)] if vocab.present(r.event_type)
                          else "", className="text-body-secondary"),
                html.Span(f" · {r.period}", className="text-body-secondary"),
                html.Br(),
                html.Span(figures.reach_text(r.events, r.learners, r.organisations, lang), className="reach-figures"),
                html.Span(_("synthetic", lang), className="badge text-bg-warning ms-2") if synthetic else None,
            ], className="mb-1"))
        if len(part) > len(shown):
            lines.append(html.Li(_("and {n} more in the chart’s CSV", lang, n=i18n.fmt_int(len(part) - len(shown), lang)),
                                 className="text-body-secondary small"))
        items.append(html.Li([
            dcc.Link([html.Span(commitment_id, className="badge text-bg-primary me-2"), title],
                     href=f"/commitments/{commitment_id}" + view.to_query(page=1), className="fw-semibold"),
            html.Ul(lines, className="list-unstyled ms-1 mt-1 mb-0 small"),
        ], className="list-group-item"))
    more = None
    if total > LIST_MAX:
        more = html.P(_("Other commitments: {n}. See the chart’s data table or CSV.", lang,
                        n=i18n.fmt_int(total - LIST_MAX, lang)), className="small text-body-secondary mt-2")
    return html.Div([html.Ul(items, className="list-group list-group-flush"), more])


@callback(Output("training-linked-list", "children"), Input("training-state", "data"))
def training_linked_list(store):
    view = state_mod.from_store(store)
    return linked_list(linked_list_rows(view), view)
