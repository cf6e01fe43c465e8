"""Record tables and lists: the HTML a page shows of its records (commitments, milestones, datasets, learning
events, sources), each row a record, linking to its page where it has one.

Builders take the rows a spec returned (dashboard/specs/) and the view; they run no query.
"""

from __future__ import annotations

from typing import Callable, Iterable

import pandas as pd
from dash import dcc, html

from dashboard import i18n, progress, state as state_mod, vocab
from dashboard.components import empty_state, href, localized
from dashboard.figures.commitments import short_milestone_id
from dashboard.figures.compare import transition_keys, transition_label
from dashboard.figures.datasets import label_of
from dashboard.figures.learning import reach_text
from dashboard.i18n import N_, _, ngettext
from dashboard.vocab import cycle_label, jurisdiction_name, plain_records


# ---------------------------------------------------------------- pieces every table uses

def table(headers: Iterable[str], body_rows: list, caption, lang: str, *, hover: bool = False) -> html.Table:
    """Return a records table: `headers` (English msgids) as column heads, `body_rows` (html.Tr), and its caption.

    A caption given as text is for screen readers only; an html.Caption is shown as it is.
    """
    caption_node = caption if isinstance(caption, html.Caption) else html.Caption(caption, className="visually-hidden")
    return html.Table([
        caption_node,
        html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in headers])),
        html.Tbody(body_rows),
    ], className=f"table table-sm {'table-hover' if hover else 'table-striped'} align-middle records-table")


def synthetic_mark(record: dict, lang: str) -> list:
    """Return the "synthetic" badge (after a space) for a generated record, else nothing."""
    if not record.get("synthetic"):
        return []
    return [" ", html.Span(_("synthetic", lang), className="badge text-bg-warning synthetic-badge")]


def more_item(n: int, lang: str, *, className: str = "text-body-secondary") -> html.Li:
    """Return the list item "and N more" that ends a list cut short."""
    return html.Li(_("and {n} more", lang, n=i18n.fmt_int(n, lang)), className=className)


def title_of(record, lang: str):
    """Return a record's title in `lang` (title_en / title_fr), the other language marked when it has only that."""
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
    en, fr = get("title_en"), get("title_fr")
    return localized(en if isinstance(en, str) else None, fr if isinstance(fr, str) else None, lang)


def status_pill(status, lang: str, code=None, *, missing: str = progress.NOT_ASSESSED) -> html.Span:
    """Return a status shown three ways: colour swatch, pattern, and words; `missing` names the absence of one.

    The source's own code follows in brackets when it says more than the status's name.
    """
    key = status if isinstance(status, str) and status else None
    label = progress.progress_label(key, lang) if key else _(missing, lang)
    children = [html.Span(className=f"status-swatch swatch-{key or 'none'}", **{"aria-hidden": "true"}), label]
    if isinstance(code, str) and code and code.lower() != (key or "").replace("_", " "):
        children.append(html.Span(f"({code})", className="text-body-secondary status-code"))
    return html.Span(children, className="status-pill")


def with_indicators(pill, record: dict, lang: str):
    """Return the pill with "N of M indicators reported" beneath it when the status is built from indicators."""
    if record.get("indicators_total") is None:
        return pill
    return html.Span([pill, html.Br(), html.Small(progress.indicators_reported(
        int(record.get("indicators_reported") or 0), int(record["indicators_total"]), lang),
        className="text-body-secondary")])


def commitment_href(commitment_id: str, view: state_mod.ViewState) -> str:
    """Return the link to a commitment's page that keeps the view's filters (not its page, search or statuses)."""
    return href(f"/commitments/{commitment_id}", view, page=1, q="", statuses=())


# ---------------------------------------------------------------- the commitments page

def commitments_table(rows: pd.DataFrame, view: state_mod.ViewState, caption: str) -> html.Table:
    """Return one page of the commitments list: id (a link), title, jurisdiction, cycle and status."""
    lang = view.lang
    body = []
    for r in plain_records(rows):
        body.append(html.Tr([
            html.Th(dcc.Link(r["commitment_id"], href=commitment_href(r["commitment_id"], view)), scope="row",
                    className="text-nowrap"),
            html.Td([localized(r.get("title_en"), r.get("title_fr"), lang), *synthetic_mark(r, lang)]),
            html.Td(jurisdiction_name(r, lang)),
            html.Td(cycle_label(r["cycle"]), className="text-nowrap"),
            html.Td(status_pill(r.get("progress"), lang, r.get("status_code")), className="text-nowrap"),
        ]))
    return table((N_("ID"), N_("Title"), N_("Jurisdiction"), N_("Action-plan cycle"), N_("Progress")), body, caption,
                 lang, hover=True)


def pager(view: state_mod.ViewState, total: int, page_size: int) -> html.Nav | None:
    """Return the links to the commitments list's pages (first, last, and those around the current one), or None."""
    lang = view.lang
    pages = max(1, -(-total // page_size))
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


def _days_past_due(days, lang: str) -> str:
    if days is None or pd.isna(days):
        return "–"
    if days >= 0:
        return i18n.fmt_int(days, lang)
    return ngettext("{n} day left", "{n} days left", -days, lang)


def overdue_table(rows: pd.DataFrame, view: state_mod.ViewState, total: int, shown: int) -> html.Table:
    """Return the first `shown` of `rows` (milestones that need attention) as a table; `total` is how many in all."""
    lang = view.lang
    body = []
    for r in plain_records(rows.head(shown)):
        due = r.get("due_date")
        due_text = i18n.fmt_date(pd.Timestamp(due).date(), lang, "medium") if due is not None and not pd.isna(due) \
            else _("no due date", lang)
        status = status_pill(r.get("progress"), lang, r.get("status_code"), missing=progress.NO_STATUS_REPORTED)
        notes = []
        source = progress.status_source(r.get("status_vocab"), lang)
        if source:
            notes.append(source)
        if r.get("indicators_total") is not None:
            notes.append(progress.indicators_reported(int(r.get("indicators_reported") or 0),
                                                      int(r["indicators_total"]), lang))
        if notes:
            status = html.Span([status, html.Br(), html.Small(" · ".join(notes), className="text-body-secondary")])
        body.append(html.Tr([
            html.Th([html.Span(short_milestone_id(r["milestone_id"], r.get("commitment_id")) + " ",
                               className="fw-semibold"), localized(r.get("title_en"), r.get("title_fr"), lang),
                     *synthetic_mark(r, lang)], scope="row", className="fw-normal"),
            html.Td(dcc.Link(r["commitment_id"], href=commitment_href(r["commitment_id"], view)),
                    className="text-nowrap"),
            html.Td(jurisdiction_name(r, lang)),
            html.Td(due_text, className="text-nowrap"),
            html.Td(_days_past_due(r.get("days_overdue"), lang), className="text-end text-nowrap"),
            html.Td(html.Span(_(progress.REASONS.get(r.get("reason"), r.get("reason") or "–"), lang),
                              className=f"reason reason-{r.get('reason')}"), className="text-nowrap"),
            html.Td(status),
        ]))
    if total > shown:
        caption = html.Caption(_("The first {n} of {total}: the most overdue first, those past due with no status "
                                 "reported last; the CSV has them all.", lang,
                                 n=shown, total=i18n.fmt_int(total, lang)))
    else:
        caption = _("Milestones to follow up", lang)
    return table((N_("Milestone"), N_("Commitment"), N_("Jurisdiction"), N_("Due date"), N_("Days past due"),
                  N_("Reason"), N_("Latest status")), body, caption, lang)


# ---------------------------------------------------------------- one commitment

def milestones_table(rows: pd.DataFrame, commitment_id: str, caption: str, lang: str) -> html.Table:
    """Return a commitment's milestones (no due dates to place them on a timeline): id and title, lead, deadline, status."""
    body = []
    for r in plain_records(rows):
        pill = status_pill(r.get("progress"), lang, missing=progress.NO_STATUS_REPORTED)
        deadline = localized(r.get("deadline_text_en"), r.get("deadline_text_fr"), lang)
        body.append(html.Tr([
            html.Th([html.Span(short_milestone_id(r["milestone_id"], commitment_id) + " ", className="fw-semibold"),
                     localized(r.get("title_en"), r.get("title_fr"), lang)], scope="row", className="fw-normal"),
            html.Td(r.get("lead_dept") or "–"),
            html.Td(deadline if deadline != "–" else _("no due date", lang)),
            html.Td(with_indicators(pill, r, lang), className="text-nowrap"),
        ]))
    return table((N_("Milestone"), N_("Lead"), N_("Deadline as written"), N_("Latest status")), body, caption, lang)


def datasets_table(rows: pd.DataFrame, caption: str, lang: str) -> html.Table:
    """Return the datasets that name a commitment: title, organization, portal and publication date."""
    body = []
    for r in plain_records(rows):
        org = localized(r.get("organization_title_en"), r.get("organization_title_fr"), lang)
        published = r.get("published")
        body.append(html.Tr([
            html.Th([localized(r.get("title_en"), r.get("title_fr"), lang), *synthetic_mark(r, lang)], scope="row",
                    className="fw-normal"),
            html.Td(org if org != "–" else (r.get("organization") or "–")),
            html.Td(r.get("portal")),
            html.Td(i18n.fmt_date(pd.Timestamp(published).date(), lang, "medium") if vocab.present(published)
                    else "–", className="text-nowrap"),
        ]))
    return table((N_("Dataset"), N_("Organization"), N_("Portal"), N_("Published")), body, caption, lang)


def learning_table(rows: pd.DataFrame, caption: str, lang: str) -> html.Table:
    """Return the learning events linked to a commitment: organizer, type, period, events, learners, organizations."""
    body = []
    for r in plain_records(rows):
        orgs = r.get("organisations")
        body.append(html.Tr([
            html.Th([vocab.show(vocab.organizer, r.get("organizer"), lang), *synthetic_mark(r, lang)], scope="row",
                    className="fw-normal"),
            html.Td(vocab.show(vocab.event_type, r.get("event_type"), lang)),
            html.Td(r.get("period"), className="text-nowrap"),
            html.Td(i18n.fmt_int(r.get("events"), lang), className="text-end"),
            html.Td(i18n.fmt_int(r.get("learners"), lang), className="text-end"),
            html.Td(i18n.fmt_int(orgs, lang) if vocab.present(orgs) else "–", className="text-end"),
        ]))
    return table((N_("Organizer"), N_("Type"), N_("Period"), N_("Events"), N_("Learners"), N_("Organizations")),
                 body, caption, lang)


# What several sources say of one record: the fields they give, the ids they know it by, where they disagree.
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
RECORD_KINDS = {"commitment": N_("Commitment"), "milestone": N_("Milestone"), "indicator": N_("Indicator")}
RULES = {"crosswalk": N_("crosswalk"), "title": N_("same title")}


def field_label(field: str, lang: str) -> str:
    return _(FIELD_LABELS[field], lang) if field in FIELD_LABELS else field


def conflict_value(field: str, value, lang: str) -> str:
    """Return a conflicting value as the page shows it: dates in words, a status by its name."""
    if not vocab.present(value):
        return "–"
    if field in ("due_date", "start_date", "end_date"):
        try:
            return i18n.fmt_date(str(value), lang)
        except ValueError:
            return str(value)
    if field == "progress":
        return progress.progress_label(value, lang)
    return str(value)


def record_label(r: dict, commitment_id: str, lang: str) -> str:
    """Return "Commitment", or "Milestone 10.1": which record of the commitment a row is about."""
    if r["record"] == "commitment":
        return _("Commitment", lang)
    return f"{_(RECORD_KINDS.get(r['record'], r['record']), lang)} {short_milestone_id(r['record_id'], commitment_id)}"


def other_ids_table(aliases: list[dict], commitment_id: str, lang: str) -> html.Table:
    """Return the other ids a commitment's records are known by: record, kept as, also known as, source, rule."""
    body = [html.Tr([html.Td(record_label({"record": a["record"], "record_id": a["canonical_id"]}, commitment_id, lang)),
                     html.Td(a["canonical_id"]), html.Td(a["alias_id"]),
                     html.Td(a.get("alias_source") or _("no loaded source", lang)),
                     html.Td(_(RULES.get(a["rule"], a["rule"]), lang))]) for a in aliases]
    return table((N_("Record"), N_("Kept as"), N_("Also known as"), N_("Source"), N_("Linked by")), body,
                 _("Other ids", lang), lang)


def conflicts_table(conflicts: list[dict], commitment_id: str, lang: str) -> html.Table:
    """Return each value the sources disagree on, with its source; the value the record shows is marked."""
    body = []
    for c in conflicts:
        shown = html.Span(_("shown", lang), className="badge text-bg-primary ms-1") if c.get("kept") else None
        body.append(html.Tr([
            html.Th(record_label(c, commitment_id, lang), scope="row", className="fw-normal text-nowrap"),
            html.Td(field_label(c["field"], lang)),
            html.Td([conflict_value(c["field"], c.get("value"), lang), shown]),
            html.Td(f"{c['source']} ({c['source_record_id']})"),
        ], className="conflict-kept" if c.get("kept") else None))
    return table((N_("Record"), N_("Field"), N_("Value"), N_("Source")), body, _("Where the sources disagree", lang),
                 lang)


# ---------------------------------------------------------------- training

def linked_list(rows: pd.DataFrame, view: state_mod.ViewState, *, shown: int, rows_per_commitment: int) -> html.Div:
    """Return the first `shown` linked commitments with their figures as reported, one line per organizer, event
    type and period: every real row, generated ones up to `rows_per_commitment`."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No learning event in this selection names a commitment.", lang), lang)
    items = []
    order = list(dict.fromkeys(rows["commitment_id"]))
    total = int(rows["commitments_total"].iloc[0]) if "commitments_total" in rows.columns else len(order)
    for commitment_id in order[:shown]:
        part = rows[rows["commitment_id"] == commitment_id]
        first = part.iloc[0]
        title = localized(first["commitment_title_en"] if isinstance(first["commitment_title_en"], str) else None,
                          first["commitment_title_fr"] if isinstance(first["commitment_title_fr"], str) else None, lang)
        # Every real row is shown (they are the reported facts); generated ones only up to a few.
        real = pd.to_numeric(part["synthetic_rows"]).fillna(0) == 0
        kept = pd.concat([part[real], part[~real].head(max(rows_per_commitment - int(real.sum()), 0))])
        lines = []
        for r in kept.itertuples():
            synthetic = vocab.present(r.synthetic_rows) and int(r.synthetic_rows) > 0
            lines.append(html.Li([
                html.Span(vocab.show(vocab.organizer, r.organizer, lang), className="fw-semibold"),
                html.Span([" · ", vocab.show(vocab.event_type, r.event_type, lang)] if vocab.present(r.event_type)
                          else "", className="text-body-secondary"),
                html.Span(f" · {r.period}", className="text-body-secondary"),
                html.Br(),
                html.Span(reach_text(r.events, r.learners, r.organisations, lang), className="reach-figures"),
                html.Span(_("synthetic", lang), className="badge text-bg-warning ms-2") if synthetic else None,
            ], className="mb-1"))
        if len(part) > len(kept):
            lines.append(html.Li(_("and {n} more in the chart’s CSV", lang, n=i18n.fmt_int(len(part) - len(kept), lang)),
                                 className="text-body-secondary small"))
        items.append(html.Li([
            dcc.Link([html.Span(commitment_id, className="badge text-bg-primary me-2"), title],
                     href=f"/commitments/{commitment_id}" + view.to_query(page=1), className="fw-semibold"),
            html.Ul(lines, className="list-unstyled ms-1 mt-1 mb-0 small"),
        ], className="list-group-item"))
    more = None
    if total > shown:
        more = html.P(_("Other commitments: {n}. See the chart’s data table or CSV.", lang,
                        n=i18n.fmt_int(total - shown, lang)), className="small text-body-secondary mt-2")
    return html.Div([html.Ul(items, className="list-group list-group-flush"), more])


# ---------------------------------------------------------------- comparing two snapshots

# How a source changed between two snapshots: its badge's words and style.
SOURCE_CHANGES = {
    "added": (N_("New source"), "text-bg-success"),
    "dropped": (N_("Dropped"), "text-bg-danger"),
    "updated": (N_("New data"), "text-bg-primary"),
    "unchanged": (N_("Unchanged"), "text-bg-light border"),
}


def source_list(rows: list[dict], lang: str):
    """Return each source of the two snapshots: how it changed, its rows and its data date before and after."""
    if not rows:
        return empty_state(_("Neither snapshot names its sources.", lang), lang)

    def span(before, after, show):
        if before is None or before == after:
            return show(after)
        if after is None:
            return show(before)
        return f"{show(before)} → {show(after)}"

    items = []
    for r in rows:
        label, badge = SOURCE_CHANGES[r["change"]]
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


def _added_and_removed(rows: pd.DataFrame, lang: str, shown: int, entry: Callable[[str, object], html.Li],
                       entries_class: str) -> html.Div:
    """Return the records added, then those removed (the `change` column), the first `shown` of each as entry(change, row)."""
    blocks = []
    for change, heading in (("added", _("Added", lang)), ("removed", _("Removed", lang))):
        part = rows[rows["change"] == change]
        if part.empty:
            continue
        entries = [entry(change, r) for r in part.head(shown).itertuples()]
        if len(part) > shown:
            entries.append(more_item(len(part) - shown, lang))
        blocks.append(html.Div([
            html.H3([heading, html.Span(i18n.fmt_int(len(part), lang), className="badge rounded-pill ms-2 "
                                        + ("text-bg-success" if change == "added" else "text-bg-danger"))],
                    className="h6 mt-2"),
            html.Ul(entries, className=f"small {entries_class}"),
        ]))
    return html.Div(blocks)


def commitment_list(rows: pd.DataFrame, view: state_mod.ViewState, base: str | None, *, shown: int):
    """Return the commitments added and those removed, the first `shown` of each, each linking to its page."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No commitment was added or removed between these two snapshots.", lang), lang)

    def entry(change: str, r) -> html.Li:
        # A removed commitment is shown from the earlier snapshot, where it still is.
        query = view.to_query(base=None, page=1) if change == "added" else view.to_query(base=None, page=1,
                                                                                          snapshot=base)
        where = label_of(r._asdict(), lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
        return html.Li([dcc.Link(r.commitment_id, href=f"/commitments/{r.commitment_id}" + query), " ",
                        title_of(r, lang), html.Br(),
                        html.Span(f"{where} · {r.cycle} · {r.source}", className="text-body-secondary")])

    return _added_and_removed(rows, lang, shown, entry, "compare-commitment-entries")


def dataset_list(rows: pd.DataFrame, view: state_mod.ViewState, *, shown: int):
    """Return the datasets added and those removed, the first `shown` of each."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No dataset was added or removed between these two snapshots.", lang), lang)

    def entry(change: str, r) -> html.Li:
        org = label_of(r._asdict(), lang, "organization_title_en", "organization_title_fr", "organization")
        published = i18n.fmt_date(r.published, lang, "medium") if not pd.isna(r.published) else "–"
        return html.Li([html.Span(title_of(r, lang), className="fw-semibold"), html.Br(),
                        html.Span(f"{org} · {r.portal} · {published}", className="text-body-secondary")])

    return _added_and_removed(rows, lang, shown, entry, "compare-dataset-entries")


def status_list(rows: pd.DataFrame, view: state_mod.ViewState, *, shown: int):
    """Return the milestones whose status changed, grouped by from -> to, the first `shown` of each group linking to
    its commitment."""
    lang = view.lang
    if rows.empty:
        return empty_state(_("No milestone changed status between these two snapshots.", lang), lang)
    froms, tos = transition_keys(rows.assign(milestones=1))
    rows = rows.assign(from_key=froms, to_key=tos)
    groups = rows.groupby(["from_key", "to_key"], sort=False).size().sort_values(ascending=False)
    items = []
    for (f, to), n in groups.items():
        part = rows[(rows["from_key"] == f) & (rows["to_key"] == to)]
        links = [html.Li([dcc.Link(r.milestone_id, href=f"/commitments/{r.commitment_id}"
                                   + view.to_query(base=None, page=1)), " ", title_of(r, lang)])
                 for r in part.head(shown).itertuples()]
        if len(part) > shown:
            links.append(more_item(len(part) - shown, lang))
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
