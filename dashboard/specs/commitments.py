"""What the commitments page shows: its charts' rows, specs and sentences, the status counts, the paged list's
rows and the milestones that need attention (their rows, counts and sentence).

Importing it registers the charts commitments-heatmap, commitments-progress-cycle and commitments-impact.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import charts, data, figures, i18n, progress, state as state_mod
from dashboard.charts import Chart, as_of, register, served_snapshot
from dashboard.components import safe_href
from dashboard.figures import commitments as fc
from dashboard.i18n import N_, _, ngettext
from dashboard.progress import HORIZON_DAYS, MIN_ASSESSED, SCALE, STALE_PERIODS
from dashboard.vocab import cycle_label, jurisdiction_name, ordinal, plan_short


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
    column = [str(int(s)) if view.align == "year" else plan_short(p, lang)
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
        named = [f"{progress.missing_label(code, lang)} {i18n.fmt_int(counts[code or ''], lang)}"
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


# ---------------------------------------------------------------- status counts

def status_counts(view: state_mod.ViewState) -> pd.DataFrame:
    """Return commitments per progress value (null: not assessed) for the view, ignoring its status filter."""
    rows = progress_rows(view)
    rows = rows.assign(progress=rows["progress"].astype(object).where(rows["progress"].notna(), None))
    return rows.groupby(rows["progress"].fillna(""), as_index=False)["commitments"].sum()


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


# ---------------------------------------------------------------- the paged list

def list_rows(view: state_mod.ViewState, page_size: int) -> pd.DataFrame:
    """Return the view's page of the commitments list (`page_size` rows, each with the total that match)."""
    return data.query("commitments_list", snapshot=served_snapshot(view), statuses=list(view.statuses), q=view.q,
                      limit=page_size, offset=(view.page - 1) * page_size, **view.filter_params())


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
