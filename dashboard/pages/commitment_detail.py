"""One commitment: its record, its milestones on a timeline, their status history, and linked datasets and learning.

The layout and its callback; the record, rows, charts and sentences are in dashboard/specs/commitment.py, the
record tables in dashboard/tables.py.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import data, feed, i18n, progress, state as state_mod, tables, vocab
from dashboard.charts import chart_card, served_snapshot
from dashboard.components import breadcrumbs, empty_state, href, localized, notices, section_card
from dashboard.i18n import N_, _, ngettext
from dashboard.specs import commitment as spec
from dashboard.vocab import present

dash.register_page(__name__, path_template="/commitments/<commitment_id>", name=N_("Commitment"), order=10,
                   topic="commitment")

IRM_FIELDS = (
    ("potential_impact", N_("Potential impact")),
    ("completion_midterm", N_("Completion at mid-term")),
    ("completion_end_term", N_("Completion at end of term")),
    ("starred", N_("Starred commitment")),
    ("opened_government", N_("Did it open government?")),
)


_COMPANION_FIELDS = {"cycle_start", "cycle_end", "progress_rank", "status_code", "status_vocab", "indicators_total",
                     "indicators_reported", *(f"{name}_missing" for name, _label in IRM_FIELDS)}


# ---------------------------------------------------------------- the record

def _irm_value(rec: dict, field: str, lang: str):
    value, missing = rec.get(field), rec.get(f"{field}_missing")
    if present(value):
        if field == "starred":
            return _("yes", lang) if bool(value) else _("no", lang)
        if field == "potential_impact":
            return progress.impact_label(value, None, lang)
        return _(progress.IRM_LABELS.get(value, value), lang)
    return html.Span(progress.missing_label(missing, lang, full=True), className="text-body-secondary")


def irm_facts(rec: dict, lang: str) -> list:
    """Return the IRM fields as (label, value) pairs; one line when every field is missing for the same reason."""
    missing = {rec.get(f"{field}_missing") if not present(rec.get(field)) else "value" for field, _ in IRM_FIELDS}
    if len(missing) == 1 and "value" not in missing:
        why = progress.missing_label(next(iter(missing)), lang, full=True)
        return [(N_("All IRM fields"), html.Span(why, className="text-body-secondary"))]
    return [(label, _irm_value(rec, field, lang)) for field, label in IRM_FIELDS]


def _status(rec: dict, lang: str):
    pill = tables.status_pill(rec.get("progress") if present(rec.get("progress")) else None, lang)
    code, vocab = rec.get("status_code"), rec.get("status_vocab")
    if not present(code):
        return [pill, html.Div(_("No completion rating has been published for this commitment.", lang),
                               className="small text-body-secondary")]
    vocab_name = progress.status_source(vocab, lang, full=True) or str(vocab)
    return [pill, html.Div(_("Source code “{code}” in the {vocab} vocabulary.", lang, code=code, vocab=vocab_name),
                           className="small text-body-secondary")]


def _date_range(rec: dict, lang: str) -> str | None:
    start, end = rec.get("start_date"), rec.get("end_date")
    if not present(start) and not present(end):
        return None
    fmt = lambda d: i18n.fmt_date(pd.Timestamp(d).date(), lang) if present(d) else "…"  # noqa: E731
    return f"{fmt(start)} – {fmt(end)}"


def record_card(rec: dict, view: state_mod.ViewState) -> html.Section:
    lang = view.lang
    level = rec.get("level")
    jur_name = rec.get("jurisdiction_name_fr") if lang == "fr" and present(rec.get("jurisdiction_name_fr")) \
        else rec.get("jurisdiction_name_en")
    jurisdiction = [dcc.Link(jur_name if present(jur_name) else rec["jurisdiction_id"],
                             href=href("/commitments", view, jurisdictions=(rec["jurisdiction_id"],), page=1, q="",
                                       statuses=()))]
    if level in progress.LEVELS:
        jurisdiction.append(html.Span(" · " + _(progress.LEVELS[level], lang), className="text-body-secondary"))
    areas = rec.get("policy_areas")
    areas = [a for a in (list(areas) if areas is not None and not isinstance(areas, str) else []) if a]
    facts = [
        (N_("Jurisdiction"), jurisdiction),
        (N_("Action-plan cycle"), dcc.Link(vocab.cycle_label(rec["cycle"]),
                                           href=href("/commitments", view, cycles=(rec["cycle"],), page=1, q="",
                                                     statuses=()))),
        (N_("Status"), _status(rec, lang)),
        (N_("Lead institution"), rec.get("lead_institution") if present(rec.get("lead_institution"))
         else html.Span(_("Not stated in the source", lang), className="text-body-secondary")),
        (N_("Policy areas"), [html.Span(vocab.show(vocab.policy_area, a, lang),
                                        className="badge text-bg-light border me-1 mb-1 fw-normal") for a in areas]
         or html.Span(_("Not stated in the source", lang), className="text-body-secondary")),
    ]
    dates = _date_range(rec, lang)
    if dates:
        facts.append((N_("Dates"), dates))
    irm = irm_facts(rec, lang)
    joined = rec.get("joined_sources") or []
    source = [html.Span(_("Source: {name}", lang, name=rec.get("source", "–")) if len(joined) < 2 else
                        _("Sources: {names} (see “Sources of this record”)", lang, names=", ".join(joined)))]
    if rec.get("synthetic"):
        source += [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")]
    url = rec.get("url")
    if present(url) and str(url).startswith(("https://", "http://")):
        source += [" · ", html.A(_("Open the source page", lang), href=str(url), target="_blank",
                                 rel="noopener noreferrer")]
        if len(joined) > 1 and present(rec.get("url_source")):
            source.append(f" ({rec['url_source']})")

    def dl(pairs, term_width=4):
        items = []
        for label, value in pairs:
            items += [html.Dt(_(label, lang), className=f"col-sm-{term_width}"),
                      html.Dd(value, className=f"col-sm-{12 - term_width}")]
        return html.Dl(items, className="row record-facts mb-0")

    description = localized(rec.get("description_en"), rec.get("description_fr"), lang)
    return html.Section(className="card shadow-sm mb-4 records-card", **{"aria-labelledby": "commitment-record-title"},
                        children=html.Div(className="card-body", children=[
        html.H2(_("The commitment", lang), id="commitment-record-title", className="h5 card-title"),
        html.P(description, className="commitment-description") if description != "–" else None,
        dbc.Row([
            dbc.Col(dl(facts), lg=7),
            dbc.Col([html.H3(_("Independent Reporting Mechanism (IRM)", lang), className="h6 irm-heading"),
                     dl(irm, term_width=5)], lg=5),
        ]),
        html.P(source, className="small text-body-secondary mt-2 mb-0"),
    ]))


def alias_notice(rec: dict, lang: str):
    """Return a line saying the page was asked for by another source's id, or None."""
    if not present(rec.get("alias_id")):
        return None
    source = rec.get("alias_source")
    text = (_("“{alias}” is {source}'s id for this commitment; the dashboard keeps it under {id}.", lang,
              alias=rec["alias_id"], source=source, id=rec["commitment_id"]) if present(source)
            else _("“{alias}” is another id of this commitment; the dashboard keeps it under {id}.", lang,
                   alias=rec["alias_id"], id=rec["commitment_id"]))
    return html.P(text, className="alert alert-info py-2 small mb-2", role="status", id="commitment-alias-notice")


# ---------------------------------------------------------------- one record from several sources

def sources_section(view: state_mod.ViewState, rec: dict, found: dict) -> html.Section | None:
    """Return the record's sources when several gave it: each one's id and fields, and where they disagree."""
    lang = view.lang
    commitment_id = rec["commitment_id"]
    aliases, fields, conflicts, ids = found["aliases"], found["field_sources"], found["conflicts"], found["ids"]
    if not aliases and not fields and not conflicts:
        return None
    own = rec.get("source")
    body = []
    if len(ids) > 1:
        joined = ", ".join(f"{name} ({rid})" for name, rid in ids.items())
        body.append(html.P(ngettext("This record joins {n} source: {sources}.", "This record joins {n} sources: "
                                    "{sources}.", len(ids), lang, sources=joined), className="chart-sentence"))
    given: dict[str, list[str]] = {}
    for f in fields:
        if f["source"] != own and f["field"] not in _COMPANION_FIELDS:
            given.setdefault(f["source"], []).append(tables.field_label(f["field"], lang))
    for name, labels in given.items():
        body.append(html.P(_("From {source}: {fields}.", lang, source=name, fields=", ".join(labels)),
                           className="small mb-1"))
    other_ids = [a for a in aliases if a["record"] != "commitment" or not present(a.get("alias_source"))]
    if other_ids:
        body.append(html.Details([
            html.Summary(ngettext("{n} other id", "{n} other ids", len(other_ids), lang)),
            html.Div(tables.other_ids_table(other_ids, commitment_id, lang), className="table-responsive"),
        ], className="mb-2"))
    if conflicts:
        disagreements = len({(c["record"], c["record_id"], c["field"]) for c in conflicts})
        body.append(html.H3(_("Where the sources disagree", lang), className="h6 mt-3"))
        body.append(html.P(ngettext(
            "The sources give different values for {n} fact. Each value is listed with its source; the record "
            "shows the first source's, in the order the sources are read.",
            "The sources give different values for {n} facts. Each value is listed with its source; the record "
            "shows the first source's, in the order the sources are read.", disagreements, lang),
            className="small"))
        body.append(html.Div(tables.conflicts_table(conflicts, commitment_id, lang), className="table-responsive",
                             id="commitment-conflicts"))
    elif len(ids) > 1:
        body.append(html.P(_("The sources agree on every fact they both give.", lang), className="small mb-0"))
    return section_card("commitment-sources-title", _("Sources of this record", lang), body,
                        section_id="commitment-sources")


# ---------------------------------------------------------------- milestones without dates, datasets, learning

def milestone_list_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    """Return the milestones as a table, for a commitment whose milestones have no due dates."""
    lang = view.lang
    rows = spec.milestone_rows(view, commitment_id)
    title = _("Milestones", lang)
    return section_card("commitment-milestones-list-title", title, [
        html.P(ngettext("{n} milestone; the source gives it no due date, so it is listed rather than placed on a "
                        "timeline.",
                        "{n} milestones; the source gives them no due dates, so they are listed rather than placed "
                        "on a timeline.", len(rows), lang), className="chart-sentence"),
        html.Div(tables.milestones_table(rows, commitment_id, title, lang), className="table-responsive"),
    ], section_id="commitment-milestones-list")


def quiet_section(section_id: str, title: str, message: str, lang: str) -> html.Section:
    """Return a titled card holding only an empty-state line."""
    return section_card(f"{section_id}-title", _(title, lang), [empty_state(_(message, lang), lang)],
                        section_id=section_id)


def linked_section(view: state_mod.ViewState, commitment_id: str, kind: str, title: str, empty: str, *,
                   lead: Callable[[pd.DataFrame, str], str], table: Callable[..., html.Table]) -> html.Section:
    """Return the card of the records linked to the commitment (query commitment_<kind>, card id commitment-<kind>):
    a lead sentence and the table, or the `empty` line. `title` and `empty` are English msgids."""
    lang = view.lang
    rows = data.query(f"commitment_{kind}", snapshot=served_snapshot(view), commitment_id=commitment_id)
    body = (empty_state(_(empty, lang), lang) if rows.empty else
            [html.P(lead(rows, lang)), html.Div(table(rows, _(title, lang), lang), className="table-responsive")])
    return section_card(f"commitment-{kind}-title", _(title, lang), [html.Div(body)], section_id=f"commitment-{kind}")


def datasets_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    return linked_section(view, commitment_id, "datasets", N_("Linked datasets"),
                          N_("No dataset in the catalogue names this commitment."), table=tables.datasets_table,
                          lead=lambda rows, lang: ngettext("{n} dataset names this commitment.",
                                                           "{n} datasets name this commitment.", len(rows), lang))


def learning_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    return linked_section(view, commitment_id, "learning", N_("Linked learning events"),
                          N_("No learning event is linked to this commitment."), table=tables.learning_table,
                          lead=lambda rows, lang: _(
                              "{learners} learners in {events} events, as the source reports them (rows may "
                              "overlap).", lang, learners=i18n.fmt_int(rows["learners"].sum(), lang),
                              events=i18n.fmt_int(rows["events"].sum(), lang)))


# ---------------------------------------------------------------- layout and callback

def _crumbs(view: state_mod.ViewState, label: str):
    lang = view.lang
    return breadcrumbs([
        (_("Overview", lang), href("/", view, page=1, q="", statuses=())),
        (_("Commitments", lang), href("/commitments", view)),
        (label, None),
    ], lang)


def layout(commitment_id: str | None = None, **query):
    view = state_mod.parse(query)
    shown = unquote(commitment_id) if isinstance(commitment_id, str) else ""
    return html.Div(id="commitment-detail-page", children=[
        dcc.Store(id="commitment-detail-state", data={"search": view.to_query(), "id": shown[:200]}),
        # The chart cards inside have their own loading indicators; a wrapping dcc.Loading would hide them all.
        html.Div(id="commitment-detail-body", children=[_crumbs(view, shown[:64] or "–")]),
    ])


def not_found(commitment_id: str, view: state_mod.ViewState) -> html.Div:
    lang = view.lang
    shown = (commitment_id or "")[:64]
    return html.Div([
        _crumbs(view, shown or "–"),
        html.Header(html.H1(_("Commitment not found", lang), className="display-6 fw-semibold mb-2"),
                    className="page-header"),
        notices(view),
        html.Div(className="empty-state", role="status", children=[
            html.P(_("There is no commitment “{id}” in this snapshot.", lang, id=shown), className="mb-2"),
            html.P(_("Check the ID, or search the commitments list.", lang), className="mb-2"),
            dcc.Link(_("Search commitments", lang), href=href("/commitments", view, q=shown if spec.ID_RE.match(shown)
                                                               else "", page=1), className="btn btn-primary"),
        ]),
    ], id="commitment-not-found")


def detail_body(commitment_id: str, view: state_mod.ViewState):
    """Return the page body for one commitment, or a friendly not-found message."""
    lang = view.lang
    rec = spec.record(commitment_id, view)
    if rec is None:
        return not_found(commitment_id, view)
    title = localized(rec.get("title_en"), rec.get("title_fr"), lang)
    n_milestones = int(rec.get("milestones") or 0)
    timeline_height = max(280, 44 * n_milestones + 130)
    history_height = max(260, 32 * max(n_milestones, 3) + 150)
    key = rec["commitment_id"]
    found = spec.record_sources(view, rec)
    # A chart with nothing to draw would be a large blank card: say so in one line instead.
    if not n_milestones:
        timeline = quiet_section("commitment-milestones-none", N_("Milestones and their due dates"),
                                 N_("No milestones are recorded for this commitment."), lang)
    elif not int(rec.get("dated_milestones") or 0):
        timeline = milestone_list_section(view, key)  # nothing to place on a time axis
    else:
        timeline = chart_card("commitment-milestones", view, height=timeline_height, key=key)
    history = (chart_card("commitment-status-history", view, height=history_height, key=key)
               if int(rec.get("status_rows") or 0)
               else quiet_section("commitment-status-history-none", N_("Status by reporting period"),
                                  N_("No status has been reported for this commitment's milestones yet."), lang))
    return html.Div([
        _crumbs(view, rec["commitment_id"]),
        html.Header(className="page-header mb-3", children=[
            html.Div([html.Span(rec["commitment_id"], className="badge text-bg-primary me-2 commitment-id"),
                      html.Span(vocab.cycle_label(rec["cycle"]), className="text-body-secondary")], className="mb-1"),
            html.H1(title, className="display-6 fw-semibold mb-1 commitment-title"),
            alias_notice(rec, lang),
            notices(view),
            html.Div(feed.links(view, rec["commitment_id"]), className="feed-links"),
        ]),
        record_card({**rec, "joined_sources": list(found["ids"]), "url_source": found["url_source"]}, view),
        timeline,
        history,
        sources_section(view, rec, found),
        dbc.Row([
            dbc.Col(datasets_section(view, rec["commitment_id"]), lg=5),
            dbc.Col(learning_section(view, rec["commitment_id"]), lg=7),
        ]),
    ])


@callback(Output("commitment-detail-body", "children"), Input("commitment-detail-state", "data"))
def draw_detail(store):
    commitment_id = store.get("id") if isinstance(store, dict) else None
    return detail_body(commitment_id if isinstance(commitment_id, str) else "", state_mod.from_store(store))
