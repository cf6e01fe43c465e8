"""One commitment: its record, its milestones on a timeline, their status history, and linked datasets and learning."""

from __future__ import annotations

import re
from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard import data, figures, i18n, progress, state as state_mod, vocab
from dashboard.charts import Chart, chart_card, register, served_snapshot, snapshot_of
from dashboard.components import breadcrumbs, empty_state, href, localized, notices
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext

dash.register_page(__name__, path_template="/commitments/<commitment_id>", name="Commitment", order=10)

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}\Z")

IRM_FIELDS = (
    ("potential_impact", N_("Potential impact")),
    ("completion_midterm", N_("Completion at mid-term")),
    ("completion_end_term", N_("Completion at end of term")),
    ("starred", N_("Starred commitment")),
    ("opened_government", N_("Did it open government?")),
)


def as_of(view: state_mod.ViewState):
    return snapshot_of(view).created_at.date()


def _present(v) -> bool:
    if v is None:
        return False
    try:
        return not bool(pd.isna(v))
    except (TypeError, ValueError):
        return True


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Return the rows as dicts with every missing value (NaN, NA, NaT) as None, so "nan" is never shown."""
    def plain(v):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            return None
        return v
    return [{k: plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def record(commitment_id: str | None, view: state_mod.ViewState) -> dict | None:
    """Return the commitment's record, or None when the id is malformed or unknown.

    An alias (another source's id for a commitment kept under one id, e.g. CA-NAP4-C10 for CA0073)
    gives that commitment's record, with `alias_id` and `alias_source` saying which id was asked for.
    """
    if not isinstance(commitment_id, str) or not ID_RE.match(commitment_id):
        return None
    snapshot = served_snapshot(view)
    rows = data.query("commitment_record", snapshot=snapshot, commitment_id=commitment_id)
    if len(rows):
        return plain_records(rows)[0]
    alias = data.query("commitment_alias", snapshot=snapshot, alias_id=commitment_id)
    if alias.empty:
        return None
    found = plain_records(alias)[0]
    rows = data.query("commitment_record", snapshot=snapshot, commitment_id=found["commitment_id"])
    if not len(rows):
        return None
    return {**plain_records(rows)[0], "alias_id": commitment_id, "alias_source": found.get("alias_source")}


# ---------------------------------------------------------------- milestones timeline

def milestone_rows(view: state_mod.ViewState, commitment_id: str) -> pd.DataFrame:
    return data.query("commitment_milestones", snapshot=served_snapshot(view), commitment_id=commitment_id,
                      as_of=as_of(view))


def milestone_sentence(rows: pd.DataFrame, lang: str) -> str:
    """Say how many milestones are complete and overdue (a reported status, not complete, past due), and apart,
    how many have no reported status and are past due (not overdue), and how many indicators reported."""
    n = len(rows)
    done = int((rows["progress"] == progress.COMPLETE).sum())
    overdue = int((rows["past_due"] == progress.OVERDUE).sum())
    unreported_past_due = int((rows["past_due"] == progress.PAST_DUE_UNREPORTED).sum())
    no_status = int(rows["progress"].isna().sum())
    text = ngettext("{n} milestone: {done} complete, {overdue} overdue.",
                    "{n} milestones: {done} complete, {overdue} overdue.", n,
                    lang, done=i18n.fmt_int(done, lang), overdue=i18n.fmt_int(overdue, lang))
    if no_status:
        text += " " + ngettext("{n} has no reported status yet.", "{n} have no reported status yet.", no_status, lang)
    if unreported_past_due:
        text += " " + ngettext("{n} of them is past its due date: whether it is finished is not known, so it is not "
                               "counted as overdue.", "{n} of them are past their due date: whether they are finished "
                               "is not known, so they are not counted as overdue.", unreported_past_due, lang)
    built = rows[rows["indicators_total"].notna()]
    if len(built):
        text += " " + _("Their statuses are built from indicator reports: {counts}.", lang,
                        counts=progress.indicators_reported(int(built["indicators_reported"].fillna(0).sum()),
                                                            int(built["indicators_total"].sum()), lang))
    dated = rows[rows["due_date"].notna()]
    if len(dated):
        text += " " + _("Due dates run from {first} to {last}; the dashed line is the day the snapshot was built, on which "
                        "past due is judged.", lang,
                        first=i18n.fmt_date(pd.Timestamp(dated["due_date"].min()).date(), lang),
                        last=i18n.fmt_date(pd.Timestamp(dated["due_date"].max()).date(), lang))
    return text


register(Chart(
    id="commitment-milestones",
    title=N_("Milestones and their due dates"),
    rows=milestone_rows,
    figure=figures.milestone_timeline,
    sentence=milestone_sentence,
    tables=("milestones", "indicators"),
    columns={"milestone_id": N_("Milestone"), "title_en": N_("Title (English)"), "title_fr": N_("Title (French)"),
             "lead_dept": N_("Lead"), "due_date": N_("Due date"), "deadline_text_en": N_("Deadline as written"),
             "progress": N_("Progress"), "status_code": N_("Status code"), "days_overdue": N_("Days past due"),
             "indicators": N_("Indicators"), "indicators_reported": N_("Indicators reported")},
    empty=N_("No milestones are recorded for this commitment."),
    keyed=True,
))


# ---------------------------------------------------------------- status history

def history_rows(view: state_mod.ViewState, commitment_id: str) -> pd.DataFrame:
    return data.query("commitment_status_history", snapshot=served_snapshot(view), commitment_id=commitment_id)


def history_sentence(rows: pd.DataFrame, lang: str) -> str:
    periods = sorted(rows["reporting_period"].unique())
    latest = rows[rows["reporting_period"] == periods[-1]]
    done = int(latest["progress_rank"].map(progress.complete_or_substantial).sum())
    if len(periods) == 1:
        return _("{series} milestones or indicators reported in {last}; {done} of them were substantial or complete. "
                 "Each cell prints the source's own status code.", lang,
                 series=i18n.fmt_int(rows["series_id"].nunique(), lang), last=periods[-1],
                 done=i18n.fmt_int(done, lang))
    return _("{series} milestones or indicators reported over {n} periods, {first} to {last}. In {last}, {done} of "
             "{reported} were substantial or complete. Each cell prints the source's own status code.", lang,
             series=i18n.fmt_int(rows["series_id"].nunique(), lang), n=i18n.fmt_int(len(periods), lang),
             first=periods[0], last=periods[-1], done=i18n.fmt_int(done, lang),
             reported=i18n.fmt_int(len(latest), lang))


register(Chart(
    id="commitment-status-history",
    title=N_("Status by reporting period"),
    rows=history_rows,
    figure=figures.status_history_heat,
    sentence=history_sentence,
    tables=("milestone_status",),
    columns={"series_id": N_("Milestone or indicator"), "reporting_period": N_("Reporting period"),
             "progress": N_("Progress"), "status_code": N_("Status code"), "progress_en": N_("Progress reported"),
             "progress_fr": N_("Progress reported (French)")},
    empty=N_("No status has been reported for this commitment's milestones yet."),
    keyed=True,
))


# ---------------------------------------------------------------- the record

def _irm_value(rec: dict, field: str, lang: str):
    value, missing = rec.get(field), rec.get(f"{field}_missing")
    if _present(value):
        if field == "starred":
            return _("yes", lang) if bool(value) else _("no", lang)
        if field == "potential_impact":
            return _(progress.IMPACT_LABELS.get(value, value), lang)
        return _(progress.IRM_LABELS.get(value, value), lang)
    code = missing.upper() if _present(missing) and missing.upper() in progress.MISSING_WHY else None
    return html.Span(_(progress.MISSING_WHY[code], lang), className="text-body-secondary")


def irm_facts(rec: dict, lang: str) -> list:
    """Return the IRM fields as (label, value) pairs; one line when every field is missing for the same reason."""
    missing = {rec.get(f"{field}_missing") if not _present(rec.get(field)) else "value" for field, _ in IRM_FIELDS}
    if len(missing) == 1 and "value" not in missing:
        code = next(iter(missing))
        code = code.upper() if isinstance(code, str) and code.upper() in progress.MISSING_WHY else None
        return [(N_("All IRM fields"), html.Span(_(progress.MISSING_WHY[code], lang), className="text-body-secondary"))]
    return [(label, _irm_value(rec, field, lang)) for field, label in IRM_FIELDS]


def _status(rec: dict, lang: str):
    key = rec.get("progress") if _present(rec.get("progress")) else None
    label = progress.progress_label(key, lang)
    pill = html.Span([html.Span(className=f"status-swatch swatch-{key or 'none'}", **{"aria-hidden": "true"}), label],
                     className="status-pill")
    code, vocab = rec.get("status_code"), rec.get("status_vocab")
    if not _present(code):
        return [pill, html.Div(_("No completion rating has been published for this commitment.", lang),
                               className="small text-body-secondary")]
    vocab_name = progress.status_source(vocab, lang, full=True) or str(vocab)
    return [pill, html.Div(_("Source code “{code}” in the {vocab} vocabulary.", lang, code=code, vocab=vocab_name),
                           className="small text-body-secondary")]


def _date_range(rec: dict, lang: str) -> str | None:
    start, end = rec.get("start_date"), rec.get("end_date")
    if not _present(start) and not _present(end):
        return None
    fmt = lambda d: i18n.fmt_date(pd.Timestamp(d).date(), lang) if _present(d) else "…"  # noqa: E731
    return f"{fmt(start)} – {fmt(end)}"


def record_card(rec: dict, view: state_mod.ViewState) -> html.Section:
    lang = view.lang
    level = rec.get("level")
    jur_name = rec.get("jurisdiction_name_fr") if lang == "fr" and _present(rec.get("jurisdiction_name_fr")) \
        else rec.get("jurisdiction_name_en")
    jurisdiction = [dcc.Link(jur_name if _present(jur_name) else rec["jurisdiction_id"],
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
        (N_("Lead institution"), rec.get("lead_institution") if _present(rec.get("lead_institution"))
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
    if _present(url) and str(url).startswith(("https://", "http://")):
        source += [" · ", html.A(_("Open the source page", lang), href=str(url), target="_blank",
                                 rel="noopener noreferrer")]
        if len(joined) > 1 and _present(rec.get("url_source")):
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


# ---------------------------------------------------------------- one record from several sources

FIELD_LABELS = {
    "title_en": N_("Title (English)"), "title_fr": N_("Title (French)"),
    "description_en": N_("Description (English)"), "description_fr": N_("Description (French)"),
    "lead_institution": N_("Lead institution"), "policy_areas": N_("Policy areas"),
    "start_date": N_("Start date"), "end_date": N_("End date"), "due_date": N_("Due date"),
    "cycle": N_("Action-plan cycle"), "action_plan_id": N_("Action plan"), "progress": N_("Status"),
    "url": N_("Source page"), "lead_dept": N_("Lead"), "deadline_text_en": N_("Deadline as written"),
    "deadline_text_fr": N_("Deadline as written (French)"), "potential_impact": N_("Potential impact"),
    "completion_midterm": N_("Completion at mid-term"), "completion_end_term": N_("Completion at end of term"),
    "starred": N_("Starred commitment"), "opened_government": N_("Did it open government?"),
}
# Fields that travel with another and are not listed on their own.
_COMPANION_FIELDS = {"cycle_start", "cycle_end", "progress_rank", "status_code", "status_vocab", "indicators_total",
                     "indicators_reported", *(f"{name}_missing" for name, _label in IRM_FIELDS)}
RECORD_KINDS = {"commitment": N_("Commitment"), "milestone": N_("Milestone"), "indicator": N_("Indicator")}
RULES = {"crosswalk": N_("crosswalk"), "title": N_("same title")}


def field_label(field: str, lang: str) -> str:
    return _(FIELD_LABELS[field], lang) if field in FIELD_LABELS else field


def conflict_value(field: str, value, lang: str) -> str:
    """Return a conflicting value as the page shows it: dates in words, a status by its name."""
    if not _present(value):
        return "–"
    if field in ("due_date", "start_date", "end_date"):
        try:
            return i18n.fmt_date(str(value), lang)
        except ValueError:
            return str(value)
    if field == "progress":
        return progress.progress_label(value, lang)
    return str(value)


def _record_label(r: dict, commitment_id: str, lang: str) -> str:
    if r["record"] == "commitment":
        return _("Commitment", lang)
    return f"{_(RECORD_KINDS.get(r['record'], r['record']), lang)} {fc.short_milestone_id(r['record_id'], commitment_id)}"


def alias_notice(rec: dict, lang: str):
    """Return a line saying the page was asked for by another source's id, or None."""
    if not _present(rec.get("alias_id")):
        return None
    source = rec.get("alias_source")
    text = (_("“{alias}” is {source}'s id for this commitment; the dashboard keeps it under {id}.", lang,
              alias=rec["alias_id"], source=source, id=rec["commitment_id"]) if _present(source)
            else _("“{alias}” is another id of this commitment; the dashboard keeps it under {id}.", lang,
                   alias=rec["alias_id"], id=rec["commitment_id"]))
    return html.P(text, className="alert alert-info py-2 small mb-2", role="status", id="commitment-alias-notice")


def record_sources(view: state_mod.ViewState, rec: dict) -> dict:
    """Return what several sources say of the commitment: its aliases (and its milestones' and indicators'),
    its fields' sources, their conflicts, and each source's id for it (the row's own source first)."""
    snapshot = served_snapshot(view)
    commitment_id = rec["commitment_id"]
    found = {name: plain_records(data.query(f"commitment_{name}", snapshot=snapshot, commitment_id=commitment_id))
             for name in ("aliases", "field_sources", "conflicts")}
    own = rec.get("source")
    ids: dict[str, str] = {own: commitment_id} if own else {}
    for f in found["field_sources"]:
        ids.setdefault(f["source"], f["source_record_id"])
    for a in found["aliases"]:
        if a["record"] == "commitment" and _present(a.get("alias_source")):
            ids.setdefault(a["alias_source"], a["alias_id"])
    for c in found["conflicts"]:
        if c["record"] == "commitment":
            ids.setdefault(c["source"], c["source_record_id"])
    found["ids"] = ids if len(ids) > 1 else {}
    found["url_source"] = next((f["source"] for f in found["field_sources"] if f["field"] == "url"), None)
    return found


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
            given.setdefault(f["source"], []).append(field_label(f["field"], lang))
    for name, labels in given.items():
        body.append(html.P(_("From {source}: {fields}.", lang, source=name, fields=", ".join(labels)),
                           className="small mb-1"))
    other_ids = [a for a in aliases if a["record"] != "commitment" or not _present(a.get("alias_source"))]
    if other_ids:
        trs = [html.Tr([html.Td(_record_label({"record": a["record"], "record_id": a["canonical_id"]},
                                              commitment_id, lang)),
                        html.Td(a["canonical_id"]), html.Td(a["alias_id"]),
                        html.Td(a.get("alias_source") or _("no loaded source", lang)),
                        html.Td(_(RULES.get(a["rule"], a["rule"]), lang))]) for a in other_ids]
        body.append(html.Details([
            html.Summary(ngettext("{n} other id", "{n} other ids", len(other_ids), lang)),
            html.Div(_table((N_("Record"), N_("Kept as"), N_("Also known as"), N_("Source"), N_("Linked by")), trs,
                            _("Other ids", lang), lang), className="table-responsive"),
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
        trs = []
        for c in conflicts:
            shown = html.Span(_("shown", lang), className="badge text-bg-primary ms-1") if c.get("kept") else None
            trs.append(html.Tr([
                html.Th(_record_label(c, commitment_id, lang), scope="row", className="fw-normal text-nowrap"),
                html.Td(field_label(c["field"], lang)),
                html.Td([conflict_value(c["field"], c.get("value"), lang), shown]),
                html.Td(f"{c['source']} ({c['source_record_id']})"),
            ], className="conflict-kept" if c.get("kept") else None))
        body.append(html.Div(_table((N_("Record"), N_("Field"), N_("Value"), N_("Source")), trs,
                                    _("Where the sources disagree", lang), lang), className="table-responsive",
                             id="commitment-conflicts"))
    elif len(ids) > 1:
        body.append(html.P(_("The sources agree on every fact they both give.", lang), className="small mb-0"))
    title = _("Sources of this record", lang)
    return html.Section(className="card shadow-sm mb-4 records-card", id="commitment-sources",
                        **{"aria-labelledby": "commitment-sources-title"},
                        children=html.Div(className="card-body", children=[
                            html.H2(title, id="commitment-sources-title", className="h5 card-title"), *body]))


def milestone_list_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    """Return the milestones as a table, for a commitment whose milestones have no due dates."""
    lang = view.lang
    rows = plain_records(milestone_rows(view, commitment_id))
    trs = []
    for r in rows:
        key = r.get("progress")
        pill = html.Span([html.Span(className=f"status-swatch swatch-{key or 'none'}", **{"aria-hidden": "true"}),
                          progress.progress_label(key, lang) if key else _(progress.NO_STATUS_REPORTED, lang)],
                         className="status-pill")
        if r.get("indicators_total") is not None:
            pill = html.Span([pill, html.Br(), html.Small(progress.indicators_reported(
                int(r.get("indicators_reported") or 0), int(r["indicators_total"]), lang), className="text-body-secondary")])
        deadline = localized(r.get("deadline_text_en"), r.get("deadline_text_fr"), lang)
        trs.append(html.Tr([
            html.Th([html.Span(fc.short_milestone_id(r["milestone_id"], commitment_id) + " ", className="fw-semibold"),
                     localized(r.get("title_en"), r.get("title_fr"), lang)], scope="row", className="fw-normal"),
            html.Td(r.get("lead_dept") or "–"),
            html.Td(deadline if deadline != "–" else _("no due date", lang)),
            html.Td(pill, className="text-nowrap"),
        ]))
    title = _("Milestones", lang)
    return html.Section(className="card shadow-sm mb-4 records-card", id="commitment-milestones-list",
                        **{"aria-labelledby": "commitment-milestones-list-title"},
                        children=html.Div(className="card-body", children=[
        html.H2(title, id="commitment-milestones-list-title", className="h5 card-title"),
        html.P(ngettext("{n} milestone; the source gives it no due date, so it is listed rather than placed on a "
                        "timeline.",
                        "{n} milestones; the source gives them no due dates, so they are listed rather than placed "
                        "on a timeline.", len(rows), lang), className="chart-sentence"),
        html.Div(_table((N_("Milestone"), N_("Lead"), N_("Deadline as written"), N_("Latest status")), trs, title,
                        lang), className="table-responsive"),
    ]))


def quiet_section(section_id: str, title: str, message: str, lang: str) -> html.Section:
    """Return a titled card holding only an empty-state line."""
    return html.Section(className="card shadow-sm mb-4 records-card", id=section_id,
                        **{"aria-labelledby": f"{section_id}-title"}, children=html.Div(className="card-body", children=[
                            html.H2(_(title, lang), id=f"{section_id}-title", className="h5 card-title"),
                            empty_state(_(message, lang), lang)]))


def _table(headers, body_rows, caption: str, lang: str) -> html.Table:
    return html.Table([
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in headers])),
        html.Tbody(body_rows),
    ], className="table table-sm table-striped align-middle records-table")


def datasets_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    lang = view.lang
    rows = data.query("commitment_datasets", snapshot=served_snapshot(view), commitment_id=commitment_id)
    title = _("Linked datasets", lang)
    if rows.empty:
        body = empty_state(_("No dataset in the catalogue names this commitment.", lang), lang)
    else:
        trs = []
        for r in plain_records(rows):
            org = localized(r.get("organization_title_en"), r.get("organization_title_fr"), lang)
            synthetic = [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")] \
                if r.get("synthetic") else []
            published = r.get("published")
            trs.append(html.Tr([
                html.Th([localized(r.get("title_en"), r.get("title_fr"), lang), *synthetic], scope="row",
                        className="fw-normal"),
                html.Td(org if org != "–" else (r.get("organization") or "–")),
                html.Td(r.get("portal")),
                html.Td(i18n.fmt_date(pd.Timestamp(published).date(), lang, "medium") if _present(published) else "–",
                        className="text-nowrap"),
            ]))
        body = [html.P(ngettext("{n} dataset names this commitment.", "{n} datasets name this commitment.",
                                len(rows), lang)),
                html.Div(_table((N_("Dataset"), N_("Organization"), N_("Portal"), N_("Published")), trs, title, lang),
                         className="table-responsive")]
    return html.Section(className="card shadow-sm mb-4 records-card", id="commitment-datasets",
                        **{"aria-labelledby": "commitment-datasets-title"}, children=html.Div(className="card-body", children=[
                            html.H2(title, id="commitment-datasets-title", className="h5 card-title"), html.Div(body)]))


def learning_section(view: state_mod.ViewState, commitment_id: str) -> html.Section:
    lang = view.lang
    rows = data.query("commitment_learning", snapshot=served_snapshot(view), commitment_id=commitment_id)
    title = _("Linked learning events", lang)
    if rows.empty:
        body = empty_state(_("No learning event is linked to this commitment.", lang), lang)
    else:
        trs = []
        for r in plain_records(rows):
            orgs = r.get("organisations")
            synthetic = [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")] \
                if r.get("synthetic") else []
            trs.append(html.Tr([
                html.Th([vocab.show(vocab.organizer, r.get("organizer"), lang), *synthetic], scope="row",
                        className="fw-normal"),
                html.Td(vocab.show(vocab.event_type, r.get("event_type"), lang)),
                html.Td(r.get("period"), className="text-nowrap"),
                html.Td(i18n.fmt_int(r.get("events"), lang), className="text-end"),
                html.Td(i18n.fmt_int(r.get("learners"), lang), className="text-end"),
                html.Td(i18n.fmt_int(orgs, lang) if _present(orgs) else "–", className="text-end"),
            ]))
        lead = _("{learners} learners in {events} events, as the source reports them (rows may overlap).", lang,
                 learners=i18n.fmt_int(rows["learners"].sum(), lang), events=i18n.fmt_int(rows["events"].sum(), lang))
        body = [html.P(lead), html.Div(_table((N_("Organizer"), N_("Type"), N_("Period"), N_("Events"),
                                               N_("Learners"), N_("Organizations")), trs, title, lang),
                                       className="table-responsive")]
    return html.Section(className="card shadow-sm mb-4 records-card", id="commitment-learning",
                        **{"aria-labelledby": "commitment-learning-title"}, children=html.Div(className="card-body", children=[
                            html.H2(title, id="commitment-learning-title", className="h5 card-title"), html.Div(body)]))


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
            dcc.Link(_("Search commitments", lang), href=href("/commitments", view, q=shown if ID_RE.match(shown)
                                                               else "", page=1), className="btn btn-primary"),
        ]),
    ], id="commitment-not-found")


def detail_body(commitment_id: str, view: state_mod.ViewState):
    """Return the page body for one commitment, or a friendly not-found message."""
    lang = view.lang
    rec = record(commitment_id, view)
    if rec is None:
        return not_found(commitment_id, view)
    title = localized(rec.get("title_en"), rec.get("title_fr"), lang)
    n_milestones = int(rec.get("milestones") or 0)
    timeline_height = max(280, 44 * n_milestones + 130)
    history_height = max(260, 32 * max(n_milestones, 3) + 150)
    key = rec["commitment_id"]
    found = record_sources(view, rec)
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
