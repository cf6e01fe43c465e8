"""What the training page shows: learning events, learners and organisations reached per period, jurisdiction
and organizer, and the commitments the learning serves (the charts' rows, specs and sentences), and its headline counts.

Importing it registers the charts training-by-period, training-by-jurisdiction, training-by-organizer,
training-per-event and training-linked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import data, figures, i18n, state as state_mod, vocab
from dashboard.charts import Chart, narrow_to_jurisdiction, register, served_snapshot
from dashboard.i18n import N_, _, ngettext

NO_EVENTS = N_("No learning event falls in this selection. Widen the period or clear a filter.")  # a chart's empty state


def count(value) -> int | None:
    """Return a count from the data as an int; None when it is missing."""
    return None if value is None or pd.isna(value) else int(value)


def _top_note(rows: pd.DataFrame, lang: str) -> str:
    if len(rows) <= figures.TOP_REACH:
        return ""
    return " " + _("The chart shows the top {top} of {count}; the table and CSV have them all.", lang,
                   top=figures.TOP_REACH, count=i18n.fmt_int(len(rows), lang))


def overlap_note(lang: str) -> str:
    return _("Figures are as each source reports them; rows may overlap.", lang)


def summary(view: state_mod.ViewState) -> pd.Series:
    """Return the view's headline counts: events, learners, organisations reached and linked commitments."""
    return data.query("training_summary", snapshot=served_snapshot(view), **view.place_and_period_params()).iloc[0]


# ---------------------------------------------------------------- per period

def period_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("learning_reach_by_period", snapshot=served_snapshot(view), **view.place_and_period_params())


def period_sentence(rows: pd.DataFrame, lang: str) -> str:
    peak = rows.loc[rows["learners"].idxmax()]
    text = ngettext("{events} events reached {learners} learners in one reporting period, {peak}.",
                    "{events} events reached {learners} learners over {periods} reporting periods; the most learners "
                    "were in {peak} ({peak_n}).", len(rows), lang, events=i18n.fmt_int(rows["events"].sum(), lang),
                    learners=i18n.fmt_int(rows["learners"].sum(), lang), periods=i18n.fmt_int(len(rows), lang),
                    peak=peak["period"], peak_n=i18n.fmt_int(peak["learners"], lang))
    return text + " " + _("Periods are the sources’ own (a month, a quarter or a whole reporting year). "
                          "Click a bar to filter to that period.", lang)


def period_click(point: dict, view: state_mod.ViewState) -> str | None:
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
    empty=NO_EVENTS,
))


# ---------------------------------------------------------------- by jurisdiction

def jurisdiction_rows(view: state_mod.ViewState) -> pd.DataFrame:
    return data.query("training_by_jurisdiction", snapshot=served_snapshot(view), **view.place_and_period_params())


def jurisdiction_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0].to_dict()
    name = figures.label_of(top, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id")
    text = _("{name} reached the most learners: {reach}.", lang, name=name,
             reach=figures.reach_text(top["events"], top["learners"], top["organisations"], lang))
    return text + _top_note(rows, lang) + " " + _("Click a bar to filter the page to that jurisdiction.", lang)


jurisdiction_click = narrow_to_jurisdiction("/training")  # a bar carries its jurisdiction's id second


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
    empty=NO_EVENTS,
))


# ---------------------------------------------------------------- by organizer

def organizer_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return reach per organizer, learners per event to the one decimal the chart draws (and the CSV holds)."""
    rows = data.query("training_by_organizer", snapshot=served_snapshot(view), **view.place_and_period_params())
    return rows.assign(learners_per_event=rows["learners_per_event"].round(1))


def organizer_sentence(rows: pd.DataFrame, lang: str) -> str:
    top = rows.iloc[0]
    text = _("{name} reached the most learners: {reach}.", lang, name=vocab.label(vocab.organizer, top["organizer"], lang),
             reach=figures.reach_text(top["events"], top["learners"], top["organisations"], lang))
    return text + _top_note(rows, lang) + " " + overlap_note(lang)


register(Chart(
    id="training-by-organizer",
    title=N_("Reach by organizer"),
    rows=organizer_rows,
    figure=figures.learning_by_organizer,
    sentence=organizer_sentence,
    tables=("learning_events",),
    columns={"organizer": N_("Organizer"), "events": N_("Events"), "learners": N_("Learners"),
             "organisations": N_("Organisations"), "learners_per_event": N_("Learners per event")},
    empty=NO_EVENTS,
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
    empty=NO_EVENTS,
))


# ---------------------------------------------------------------- linked commitments

def linked_list_rows(view: state_mod.ViewState, limit: int) -> pd.DataFrame:
    """Return the rows of the first `limit` linked commitments (and, in commitments_total, how many there are)."""
    return data.query("training_linked_list", snapshot=served_snapshot(view), cycles=list(view.cycles),
                      limit=limit, **view.place_and_period_params())


def linked_rows(view: state_mod.ViewState) -> pd.DataFrame:
    """Return learning totalled per commitment and organizer: exactly the bars drawn (and the CSV), summed in SQL."""
    return data.query("training_linked_totals", snapshot=served_snapshot(view), cycles=list(view.cycles),
                      limit=figures.LINKED_MAX, **view.place_and_period_params())


def linked_sentence(rows: pd.DataFrame, lang: str) -> str:
    count = rows["commitment_id"].nunique()
    text = _("Commitments with linked learning events: {n}.", lang, n=i18n.fmt_int(count, lang))
    return text + " " + _("Click a bar to open the commitment.", lang) + " " + overlap_note(lang)


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
