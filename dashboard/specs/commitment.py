"""What a commitment's page shows: its record (found by its id or another source's), its milestones and their
status history (rows, chart specs and sentences), and what several sources say of it.

Importing it registers the charts commitment-milestones and commitment-status-history (keyed by the commitment).
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard import data, figures, i18n, progress, state as state_mod
from dashboard.charts import Chart, as_of, register, served_snapshot
from dashboard.i18n import N_, _, ngettext
from dashboard.vocab import plain_records, present

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}\Z")  # a commitment id as a URL may carry it


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


# ---------------------------------------------------------------- one record from several sources

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
        if a["record"] == "commitment" and present(a.get("alias_source")):
            ids.setdefault(a["alias_source"], a["alias_id"])
    for c in found["conflicts"]:
        if c["record"] == "commitment":
            ids.setdefault(c["source"], c["source_record_id"])
    found["ids"] = ids if len(ids) > 1 else {}
    found["url_source"] = next((f["source"] for f in found["field_sources"] if f["field"] == "url"), None)
    return found
