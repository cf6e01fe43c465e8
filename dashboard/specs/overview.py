"""What the overview shows: its numbers (commitments, completion, milestones that need attention, releases,
learners) and the headline that says them, and its two charts' rows, specs and sentences.

Importing it registers the charts overview-completion-cycle and overview-progress.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import charts, data, figures, i18n, progress, state as state_mod
from dashboard.charts import Chart, register, served_snapshot
from dashboard.components import ELSEWHERE, safe_href
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import MIN_ASSESSED, SCALE
from dashboard.specs import commitments


# ---------------------------------------------------------------- the numbers

def kpis(view: state_mod.ViewState) -> dict:
    """Return the overview's numbers for the view: commitments, completion, overdue, releases, learners."""
    snap = served_snapshot(view)
    as_of = charts.as_of(view)
    where = view.filter_params()
    places = {"jurisdictions": where["jurisdictions"], "levels": where["levels"]}
    # The commitments page's own counts: its heatmap's cells, and its attention table's reasons (counted in SQL:
    # the rows themselves, a quarter of a million at world scale, are not needed here).
    cells = commitments.heatmap_rows(view)
    attention = commitments.attention_counts(view)
    if view.date_from or view.date_to:
        released_from, released_to = view.date_from, view.date_to
    else:
        released_from, released_to = as_of - dt.timedelta(days=365), as_of
    releases = data.query("releases_by_period", grain="month", snapshot=snap, date_from=released_from,
                          date_to=released_to, **places)
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
    if k["share"] is not None and k["assessed"] < MIN_ASSESSED:
        # A share resting on too few is said with its n and called too few, never quoted bare (MIN_ASSESSED).
        parts.append(ngettext("Only {assessed} of the {n} commitments tracked across {j} jurisdictions is assessed: too "
                              "few for a reliable share ({share}, n = {assessed}, fewer than {min}).",
                              "Only {assessed} of the {n} commitments tracked across {j} jurisdictions are assessed: "
                              "too few for a reliable share ({share}, n = {assessed}, fewer than {min}).",
                              k["assessed"], lang, n=i18n.fmt_int(k["commitments"], lang),
                              assessed=i18n.fmt_int(k["assessed"], lang), j=i18n.fmt_int(k["jurisdictions"], lang),
                              share=i18n.fmt_pct(k["share"], lang), min=MIN_ASSESSED))
    elif k["share"] is not None:
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


# ---------------------------------------------------------------- completion, plan by plan

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
    return safe_href("/commitments", view, cycles=cycles, **ELSEWHERE)


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


# ---------------------------------------------------------------- commitments by progress

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
    return "/commitments" + view.to_query(**{**ELSEWHERE, "statuses": (progress,)})


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
