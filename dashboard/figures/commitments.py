"""Figure builders for the commitments pages: pure functions (rows, *, lang, ...) -> go.Figure."""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocab
from dashboard.figures.base import SHARE_SCALE, figure, records, to_label, trace
from dashboard.i18n import _
from dashboard.progress import (
    IMPACT_LABELS, IMPACT_ORDER, MIN_ASSESSED, MISSING_ORDER, NO_STATUS_COLOUR, NO_STATUS_REPORTED,
    NOT_ASSESSED_COLOUR, NOT_ASSESSED_PATTERN, OVERDUE, PAST_DUE_UNREPORTED, PROGRESS_COLOURS, PROGRESS_PATTERNS,
    PROGRESS_SYMBOLS, RANKED, READ_ORDER, STACK_ORDER, impact_label, indicators_reported, missing_label,
    progress_label,
)

__all__ = [
    "short_milestone_id", "completion_comparison", "completion_heatmap", "plan_by_plan_bars",
    "completion_by_cycle_bars", "progress_by_cycle_bars", "low_confidence", "share_with_n", "position_label",
    "plan_description", "progress_bars", "impact_completion_grid", "milestone_timeline", "status_history_heat",
]


def short_milestone_id(milestone_id: str, commitment_id: str | None) -> str:
    """Return a milestone's id without its commitment's prefix: CA0073-10.1 -> 10.1."""
    if commitment_id and milestone_id.startswith(commitment_id + "-"):
        return milestone_id[len(commitment_id) + 1:]
    return milestone_id


def _natural_key(text: str) -> list:
    """Return a sort key that orders digits as numbers: 10.2 before 10.10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text)]


def _present(v) -> bool:
    return v is not None and v is not pd.NA and not (isinstance(v, float) and math.isnan(v))


def _key(progress) -> str | None:
    return progress if _present(progress) else None


def _colour(progress: str | None) -> str:
    return PROGRESS_COLOURS.get(progress, NOT_ASSESSED_COLOUR) if _present(progress) else NOT_ASSESSED_COLOUR


def _pattern(progress: str | None) -> str:
    return PROGRESS_PATTERNS.get(progress, "") if _present(progress) else NOT_ASSESSED_PATTERN


def _share_axis(lang: str, *, percent: bool = False) -> dict:
    """Return axis settings that print 0-100 % in the locale's way (45 % in French)."""
    steps = [0, 0.25, 0.5, 0.75, 1]
    return dict(tickvals=[s * 100 if percent else s for s in steps], ticktext=[i18n.fmt_pct(s, lang) for s in steps],
                range=[0, 100 if percent else 1.0], fixedrange=True)


def _name(row, lang: str) -> str:
    fr, en = getattr(row, "jurisdiction_name_fr", None), getattr(row, "jurisdiction_name_en", None)
    name = fr if lang == "fr" and _present(fr) else en
    return name if _present(name) else row.jurisdiction_id


def _count(v) -> int:
    return int(v) if _present(v) else 0


def _cycles_of(value) -> list[str]:
    """Return a row's cycle labels as a list: a `cycles` list column, or one `cycle`."""
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in list(value)]


def low_confidence(assessed) -> bool:
    """Return True when a share rests on fewer than progress.MIN_ASSESSED assessed commitments (and on some)."""
    n = _count(assessed)
    return 0 < n < MIN_ASSESSED


def share_with_n(share, n, lang: str) -> str:
    """Return a share with the count it rests on: "67% (n = 3)"; "–" when nothing is assessed."""
    if not _present(share) or not _count(n):
        return "–"
    return _("{share} (n = {n})", lang, share=i18n.fmt_pct(float(share), lang), n=i18n.fmt_int(_count(n), lang))


def position_label(position, cycles, lang: str, *, align: str = "plan", html_break: bool = False) -> str:
    """Return a place in the plan comparison: "4th plan" (align plan) or "2018" (align year), with the plan's years when it is one plan.

    With `html_break` it is Plotly text: its lines broken with <br>, the cycle from the data escaped (to_label).
    """
    cycles = [vocab.cycle_label(c) for c in _cycles_of(cycles)]
    if html_break:
        cycles = [to_label(c) for c in cycles]
    one = cycles[0] if len(cycles) == 1 else None
    if align == "year":
        if one:
            return one
        return str(int(position)) if _present(position) else _("year unknown", lang)
    name = vocab.plan_short(position, lang)
    return f"{name}{'<br>' if html_break else ' · '}{one}" if one else name


def plan_description(plan_number, cycle, lang: str) -> str:
    """Return "4th action plan (2018-2020)": a jurisdiction's plan by its place and years."""
    return _("{plan} ({cycle})", lang, plan=vocab.plan_name(plan_number, lang), cycle=vocab.cycle_label(cycle))


def _position_order(values) -> list:
    """Return the distinct positions in order, unknown (null) last."""
    known = sorted({int(v) for v in values if _present(v)})
    return known + ([None] if any(not _present(v) for v in values) else [])


def _pos(value):
    return int(value) if _present(value) else None


# A share from too few assessed commitments is drawn on this paler scale: the same hues mixed with white,
# so that 100% from one commitment looks lighter than 50% from forty, with its n printed.
LOW_CONFIDENCE_SCALE = [[0.0, "#fcfdff"], [0.25, "#e8f0f8"], [0.5, "#c4deef"], [0.75, "#bcd4e9"], [1.0, "#b5c1d3"]]
LOW_CONFIDENCE_OPACITY = 0.4  # bars: faded, and hatched
LOW_CONFIDENCE_PATTERN = "/"


# ---------------------------------------------------------------- commitments page

def completion_comparison(rows: pd.DataFrame, *, lang: str, align: str = "plan") -> go.Figure:
    """Return one jurisdiction's plans side by side (plan_by_plan_bars), or every jurisdiction's (completion_heatmap)."""
    if rows["jurisdiction_id"].nunique() == 1:
        return plan_by_plan_bars(rows, lang=lang)
    return completion_heatmap(rows, lang=lang, align=align)


def completion_heatmap(rows: pd.DataFrame, *, lang: str, align: str = "plan") -> go.Figure:
    """Return the share complete or substantial per jurisdiction (rows) and plan (columns), each share printed with its n.

    Columns line plans up by each jurisdiction's own sequence (1st, 2nd ... action plan) or, with
    align="year", by the year they started; never by raw cycle label. A cell whose share rests on fewer
    than MIN_ASSESSED assessed commitments is drawn on a paler scale and kept out of the colour bar's trace.
    """
    key_column = "cycle_start" if align == "year" else "plan_number"
    rows_read = records(rows)
    names = {r.jurisdiction_id: _name(r, lang) for r in rows_read}
    jurisdictions = sorted(names, key=lambda j: i18n.sort_key(names[j]))  # "États-Unis" among the E's
    cells: dict[tuple, dict] = {}
    for r in rows_read:
        cell = cells.setdefault((r.jurisdiction_id, _pos(getattr(r, key_column))), {
            "commitments": 0, "assessed": 0, "done": 0, "cycles": [], "plans": []})
        cell["commitments"] += _count(r.commitments)
        cell["assessed"] += _count(r.assessed)
        cell["done"] += _count(r.complete_or_substantial)
        cell["cycles"].append(r.cycle)
        cell["plans"].append(plan_description(r.plan_number, r.cycle, lang))
    positions = _position_order([key for _, key in cells])
    columns = [vocab.plan_short(p, lang) if align != "year" else (str(p) if p is not None else _("year unknown", lang))
               for p in positions]
    # Each cell's hover and click data goes to the one trace that draws it (None in the other, and in an empty
    # cell, which neither hovers nor clicks): the default view's 76 x 8 cells sent their data twice (55 KB each).
    z_sure, z_low, text_sure, text_low, custom_sure, custom_low = [], [], [], [], [], []
    for j in jurisdictions:
        row = ([], [], [], [], [], [])
        for p in positions:
            cell = cells.get((j, p))
            if cell is None:
                for part, value in zip(row, (None, None, "", "", None, None)):
                    part.append(value)
                continue
            share = cell["done"] / cell["assessed"] if cell["assessed"] else None
            low = low_confidence(cell["assessed"])
            # On two lines, so that a column stays narrow enough for a phone (the chart scrolls sideways there).
            label = (i18n.fmt_pct(share, lang) + "<br>" + _("n = {n}", lang, n=i18n.fmt_int(cell["assessed"], lang))
                     if share is not None else "–")
            note = "<br>" + _("Fewer than {n} assessed commitments: read with care", lang, n=MIN_ASSESSED) if low else ""
            row[0].append(None if low else share)
            row[1].append(share if low else None)
            row[2].append("" if low else label)
            row[3].append(label if low else "")
            data = [j, cell["commitments"], cell["assessed"], cell["done"], ",".join(cell["cycles"]),
                    to_label("; ".join(cell["plans"])), i18n.fmt_pct(share, lang) if share is not None else "–", note]
            row[4].append(None if low else data)
            row[5].append(data if low else None)
        for target, part in zip((z_sure, z_low, text_sure, text_low, custom_sure, custom_low), row):
            target.append(part)
    hover = _("<b>%{y}</b> · %{customdata[5]}<br>Complete or substantial: %{customdata[6]}<br>"
              "%{customdata[3]} of %{customdata[2]} assessed commitments (%{customdata[1]} in all)", lang) \
        + "%{customdata[7]}<extra></extra>"
    y = [to_label(names[j]) for j in jurisdictions]  # a name is shown as typed, never as markup
    common = dict(x=columns, y=y, hovertemplate=hover, texttemplate="%{text}", zmin=0, zmax=1,
                  xgap=3, ygap=3, hoverongaps=False)
    sure = trace("heatmap",
        z=z_sure, text=text_sure, customdata=custom_sure, textfont=dict(size=12), colorscale=SHARE_SCALE, name=_("Complete or substantial", lang),
        colorbar=dict(title=dict(text=_("Complete or substantial", lang), side="right"), thickness=14,
                      tickvals=[0, 0.25, 0.5, 0.75, 1], ticktext=[i18n.fmt_pct(s, lang) for s in (0, .25, .5, .75, 1)]),
        **common)
    low = trace("heatmap",
        z=z_low, text=text_low, customdata=custom_low, textfont=dict(size=12, color="#3d444c"),
        colorscale=LOW_CONFIDENCE_SCALE,
        showscale=False, name=_("Fewer than {n} assessed", lang, n=MIN_ASSESSED), **common)
    title = _("Place in each jurisdiction's own sequence of action plans", lang) if align != "year" \
        else _("Year the action plan started", lang)
    # Said on the chart itself too, so that an exported image keeps it.
    key = dict(xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-6, showarrow=False,
               align="left", font=dict(size=12, color="#3d444c"),
               text=_("Pale cells: fewer than {n} assessed commitments. Each share is printed with its n.", lang,
                      n=MIN_ASSESSED))
    return figure(
        [sure, low], lang=lang,
        xaxis=dict(title=title, side="top", type="category", categoryorder="array", categoryarray=columns,
                   showgrid=False, fixedrange=True),
        yaxis=dict(autorange="reversed", type="category", categoryorder="array", categoryarray=y, showgrid=False,
                   fixedrange=True, ticklabelstandoff=6),
        margin=dict(l=8, r=8, t=72, b=36),
        annotations=[key],
    )


def plan_by_plan_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return one jurisdiction's action plans side by side: the share complete or substantial of each, with its n.

    A plan whose share rests on fewer than MIN_ASSESSED assessed commitments is faded and hatched.
    """
    rows = rows.sort_values(["cycle_start", "cycle_end", "cycle"])
    labels, shares, texts, colours, opacities, patterns, custom = [], [], [], [], [], [], []
    for r in rows.itertuples():
        assessed = _count(r.assessed)
        share = _count(r.complete_or_substantial) / assessed if assessed else None
        low = low_confidence(assessed)
        labels.append(f"{vocab.plan_short(r.plan_number, lang)}<br>{to_label(vocab.cycle_label(r.cycle))}")
        shares.append(share if share is not None else 0)
        texts.append(share_with_n(share, assessed, lang) if assessed
                     else _("not assessed (n = 0)", lang))
        opacities.append(LOW_CONFIDENCE_OPACITY if low else 1.0)
        patterns.append(LOW_CONFIDENCE_PATTERN if low else "")
        note = "<br>" + _("Fewer than {n} assessed commitments: read with care", lang, n=MIN_ASSESSED) if low else ""
        custom.append([r.cycle, _count(r.commitments), assessed, _count(r.complete_or_substantial),
                       to_label(plan_description(r.plan_number, r.cycle, lang)), note])
    bar = trace("bar",
        x=labels, y=shares, text=texts, texttemplate="%{text}", textposition="outside", cliponaxis=False,
        marker=dict(color="#0072B2", opacity=opacities,
                    pattern=dict(shape=patterns, fgcolor="#0b2f55", fgopacity=0.6, size=8),
                    line=dict(color="#0b2f55", width=1)),
        customdata=custom,
        hovertemplate=_("<b>%{customdata[4]}</b><br>Complete or substantial: %{text}<br>"
                        "%{customdata[3]} of %{customdata[2]} assessed commitments (%{customdata[1]} in all)", lang)
        + "%{customdata[5]}<extra></extra>",
    )
    return figure(
        [bar], lang=lang,
        xaxis=dict(title=_("Action plans, in order", lang), type="category", categoryorder="array",
                   categoryarray=labels, fixedrange=True),
        yaxis=dict(title=_("Complete or substantial", lang), **{**_share_axis(lang), "range": [0, 1.15]}),
        bargap=0.35, showlegend=False,
    )


def progress_by_cycle_bars(rows: pd.DataFrame, *, lang: str, align: str = "plan") -> go.Figure:
    """Return 100 % stacked bars of commitments by progress (complete at the baseline) per place in the plan comparison.

    Bars line plans up as completion_heatmap does (each jurisdiction's 1st, 2nd ... plan, or start year);
    each tick carries the bar's n, and a bar of fewer than MIN_ASSESSED commitments is faded.
    """
    # Counted in plain Python: a few dozen rows, where a pandas mask and group-by per status cost ms each.
    counts: dict[tuple, int] = {}
    totals: dict = {}
    cycles: dict = {}
    for progress, position, row_cycles, n in zip(rows["progress"], rows["position"], rows["cycles"],
                                                 rows["commitments"]):
        key, position, n = _key(progress), _pos(position), int(n)
        counts[(key, position)] = counts.get((key, position), 0) + n
        totals[position] = totals.get(position, 0) + n
        cycles.setdefault(position, set()).update(_cycles_of(row_cycles))
    positions = _position_order(list(totals))
    ticks = [position_label(p, sorted(cycles[p]), lang, align=align, html_break=True) + "<br>"
             + _("n = {n}", lang, n=i18n.fmt_int(totals[p], lang)) for p in positions]
    faded = [LOW_CONFIDENCE_OPACITY if totals[p] < MIN_ASSESSED else 1.0 for p in positions]
    present = {key for key, _ in counts}
    bars = []
    for progress in STACK_ORDER:
        if progress not in present:
            continue
        y = [counts.get((progress, p), 0) for p in positions]
        shares = [i18n.fmt_pct(v / totals[p], lang) if totals.get(p) else "–" for v, p in zip(y, positions)]
        label = progress_label(progress, lang)
        bars.append(trace("bar",
            x=ticks, y=y, name=label,
            customdata=[[progress or "", s, ",".join(sorted(cycles[p])), p if p is not None else ""]
                        for s, p in zip(shares, positions)],
            marker=dict(color=_colour(progress), opacity=faded,
                        pattern=dict(shape=_pattern(progress), fgcolor="#1b1f24", fgopacity=0.35, size=7),
                        line=dict(color="#ffffff", width=1)),
            text=[str(v) if v else "" for v in y], texttemplate="%{text}", textposition="inside",
            insidetextanchor="middle",
            hovertemplate=_("<b>%{x}</b><br>%{fullData.name}: %{y} commitments (%{customdata[1]})", lang)
            + "<extra></extra>",
        ))
    title = _("Place in each jurisdiction's own sequence of action plans", lang) if align != "year" \
        else _("Year the action plan started", lang)
    return figure(
        bars, lang=lang,
        barmode="stack", barnorm="percent", bargap=0.25,
        xaxis=dict(title=title, type="category", categoryorder="array", categoryarray=ticks, fixedrange=True),
        yaxis=dict(title=_("Share of the plans' commitments", lang), **_share_axis(lang, percent=True)),
        uniformtext=dict(minsize=11, mode="hide"),
        legend=dict(traceorder="normal"),
    )


def impact_completion_grid(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return a grid counting commitments by potential impact (rows, missing reasons apart) and progress (columns)."""
    rows = rows.assign(
        key=[_key(p) for p in rows["progress"]],
        impact=[impact_label(v, m, lang) for v, m in zip(rows["potential_impact"], rows["potential_impact_missing"])],
    )
    keys_present = {_key(p) for p in rows["progress"]}
    present_progress = [p for p in READ_ORDER if p in keys_present]
    columns = [progress_label(p, lang) for p in present_progress]
    value_rows = [_(IMPACT_LABELS[v], lang) for v in IMPACT_ORDER]
    missing_rows = [missing_label(m, lang) for m in MISSING_ORDER]
    impacts = [i for i in value_rows + missing_rows if i in set(rows["impact"])]
    counts = rows.groupby(["impact", rows["key"].fillna("")])["commitments"].sum()
    z, text, custom = [], [], []
    for impact in impacts:
        z_row, text_row, custom_row = [], [], []
        for p in present_progress:
            n = int(counts.get((impact, p or ""), 0))
            z_row.append(n if n else None)
            text_row.append(i18n.fmt_int(n, lang) if n else "")
            custom_row.append(p or "")
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    heat = trace("heatmap",
        x=[to_label(c) for c in columns], y=[to_label(i) for i in impacts], z=z, text=text, texttemplate="%{text}", textfont=dict(size=14), customdata=custom,
        colorscale=SHARE_SCALE, zmin=0, xgap=3, ygap=3, hoverongaps=False,
        hovertemplate=_("Potential impact: <b>%{y}</b><br>Progress: <b>%{x}</b><br>%{text} commitments", lang)
        + "<extra></extra>",
        colorbar=dict(title=dict(text=_("Commitments", lang), side="right"), thickness=14),
    )
    n_values = sum(1 for i in impacts if i in value_rows)
    shapes = []
    if 0 < n_values < len(impacts):
        # A rule between rated and missing ratings: absences are their own categories, not zeros.
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=n_values - 0.5, y1=n_values - 0.5,
                           line=dict(color="#1b1f24", width=2, dash="dot")))
    return figure(
        [heat], lang=lang,
        xaxis=dict(title=_("Progress on the common scale", lang), side="bottom", type="category", showgrid=False,
                   fixedrange=True),
        yaxis=dict(title=_("IRM potential impact", lang), autorange="reversed", type="category", showgrid=False,
                   fixedrange=True, ticklabelstandoff=6),
        shapes=shapes,
    )


# ---------------------------------------------------------------- overview

def completion_by_cycle_bars(rows: pd.DataFrame, *, lang: str, align: str = "plan") -> go.Figure:
    """Return bars of the share of assessed commitments complete or substantial per place in the plan comparison, with its n.

    Rows are completion_by_cycle's: one per position (each jurisdiction's Nth plan, or a start year).
    A bar whose share rests on fewer than MIN_ASSESSED assessed commitments is faded and hatched.
    """
    rows = rows.assign(_order=[p if _present(p) else 10**6 for p in rows["position"]]).sort_values(["_order"])
    shares = [float(s) if _present(s) else None for s in rows["share"]]
    low = [low_confidence(a) for a in rows["assessed"]]
    labels = [position_label(p, c, lang, align=align, html_break=True) for p, c in zip(rows["position"], rows["cycles"])]
    note = "<br>" + _("Fewer than {n} assessed commitments: read with care", lang, n=MIN_ASSESSED)
    bar = trace("bar",
        x=labels, y=[s if s is not None else 0 for s in shares],
        text=[share_with_n(s, a, lang) for s, a in zip(shares, rows["assessed"])],
        texttemplate="%{text}", textposition="outside", cliponaxis=False,
        marker=dict(color="#0072B2", opacity=[LOW_CONFIDENCE_OPACITY if x else 1.0 for x in low],
                    pattern=dict(shape=[LOW_CONFIDENCE_PATTERN if x else "" for x in low], fgcolor="#0b2f55",
                                 fgopacity=0.6, size=8),
                    line=dict(color="#0b2f55", width=1)),
        customdata=[[int(d), int(a), int(c), ",".join(_cycles_of(cy)), int(j), note if x else ""]
                    for d, a, c, cy, j, x in zip(rows["complete_or_substantial"], rows["assessed"],
                                                 rows["commitments"], rows["cycles"], rows["jurisdictions"], low)],
        hovertemplate=_("<b>%{x}</b><br>Complete or substantial: %{text}<br>"
                        "%{customdata[0]} of %{customdata[1]} assessed commitments (%{customdata[2]} in all)", lang)
        + "%{customdata[5]}<extra></extra>",
    )
    title = _("Place in each jurisdiction's own sequence of action plans", lang) if align != "year" \
        else _("Year the action plan started", lang)
    return figure(
        [bar], lang=lang,
        xaxis=dict(title=title, type="category", categoryorder="array", categoryarray=labels, fixedrange=True),
        yaxis=dict(title=_("Complete or substantial", lang), **{**_share_axis(lang), "range": [0, 1.15]}),
        bargap=0.3, showlegend=False,
    )


def progress_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return horizontal bars of commitments per progress value (summed over cycles), count and share printed."""
    by_key: dict = {}
    for progress, n in zip(rows["progress"], rows["commitments"]):
        by_key[_key(progress)] = by_key.get(_key(progress), 0) + int(n)
    total = sum(by_key.values())
    bars = []
    order = [p for p in READ_ORDER if p in by_key]
    for progress in order:
        n = by_key[progress]
        label = to_label(progress_label(progress, lang))
        share = i18n.fmt_pct(n / total, lang) if total else "–"
        bars.append(trace("bar",
            y=[label], x=[n], orientation="h", name=label, customdata=[[progress or "", share]],
            text=[f"{i18n.fmt_int(n, lang)} ({share})"], texttemplate="%{text}", textposition="outside",
            cliponaxis=False,
            marker=dict(color=_colour(progress), pattern=dict(shape=_pattern(progress), fgcolor="#1b1f24",
                                                              fgopacity=0.35, size=7),
                        line=dict(color="#1b1f24", width=0.5)),
            hovertemplate=_("<b>%{y}</b>: %{x} commitments (%{customdata[1]})", lang) + "<extra></extra>",
        ))
    return figure(
        bars, lang=lang,
        showlegend=False, bargap=0.25,
        yaxis=dict(type="category", categoryorder="array", categoryarray=[to_label(progress_label(p, lang))
                                                                          for p in order],
                   autorange="reversed", fixedrange=True),
        xaxis=dict(title=_("Commitments", lang), fixedrange=True, rangemode="tozero"),
        margin=dict(r=90),
    )


# ---------------------------------------------------------------- one commitment

def _status_words(label: str, row, lang: str) -> str:
    """Return a milestone's status words: its status, how many indicators reported, and overdue or past due.

    Overdue only for a reported status that is not complete; past due with no status reported is said
    as such (the past_due column of commitment_milestones; a frame without it falls back to overdue).
    """
    words = [label]
    total = getattr(row, "indicators_total", None)
    if _present(total):
        reported = getattr(row, "indicators_reported", None)
        words.append(indicators_reported(int(reported) if _present(reported) else 0, int(total), lang))
    state = getattr(row, "past_due", None)
    if not hasattr(row, "past_due"):
        state = OVERDUE if bool(getattr(row, "overdue", False)) else None
    if state == OVERDUE:
        words.append(_("overdue", lang))
    elif state == PAST_DUE_UNREPORTED:
        words.append(_("past due", lang))
    return " · ".join(words)


def milestone_timeline(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return one row per milestone: its due date marked by status (colour, shape and words), a bar from its start, and the as-of line.

    A milestone with no reported status is "No status reported" (past due: "past due", never "overdue").
    """
    # The rows are read once, as tuples, and split in plain Python: a commitment has a few dozen milestones,
    # and a pandas mask, take and itertuples per status and per colour cost more than drawing them.
    rows_read = list(rows.itertuples(index=False))
    labels, keys = [], []
    for r in rows_read:
        short = short_milestone_id(r.milestone_id, r.commitment_id)
        title = r.title_fr if lang == "fr" and _present(r.title_fr) else r.title_en
        title = title if _present(title) else ""
        if len(title) > 26:
            title = title[:25].rstrip() + "…"
        labels.append(to_label(f"{short} · {title}" if title else short))
        keys.append(_key(r.progress))
    traces = []
    spans = [i for i, r in enumerate(rows_read) if pd.notna(r.start_date) and pd.notna(r.due_date)]
    # One trace per status colour, its bars apart (None breaks the line): a commitment of thirty
    # milestones drew thirty traces, each costing the figure's build and the browser's draw.
    for key in dict.fromkeys(keys[i] or "" for i in spans):
        x, y = [], []
        for i in spans:
            if (keys[i] or "") == key:
                x += [rows_read[i].start_date, rows_read[i].due_date, None]
                y += [labels[i], labels[i], None]
        traces.append(trace("scatter",
            x=x[:-1], y=y[:-1], mode="lines", showlegend=False, hoverinfo="skip", connectgaps=False,
            line=dict(color=_colour(key or None), width=10), opacity=0.45,
        ))
    dated = [i for i, r in enumerate(rows_read) if pd.notna(r.due_date)]
    due_dates = rows["due_date"].to_numpy()  # the markers' x, as plotly.js has always been sent them
    for progress in READ_ORDER:
        part = [i for i in dated if keys[i] == progress]  # progress None: no status reported
        if not part:
            continue
        label = progress_label(progress, lang) if progress else _(NO_STATUS_REPORTED, lang)
        traces.append(trace("scatter",
            x=due_dates[part], y=[labels[i] for i in part], mode="markers+text",
            name=to_label(label), text=[to_label(_status_words(label, rows_read[i], lang)) for i in part],
            textposition="middle right", textfont=dict(size=13),
            marker=dict(symbol=PROGRESS_SYMBOLS.get(progress, "circle"), size=16,
                        color=_colour(progress) if progress else NO_STATUS_COLOUR, line=dict(color="#1b1f24", width=1.5)),
            customdata=[[to_label(rows_read[i].milestone_id)] for i in part],
            hovertemplate=_("<b>%{customdata[0]}</b><br>Due %{x|%Y-%m-%d}<br>%{text}", lang) + "<extra></extra>",
        ))
    as_of = rows_read[0].as_of if "as_of" in rows and rows_read else None
    if _present(as_of):
        as_of = pd.Timestamp(as_of)
        # Laid out with the rest below: add_shape and add_annotation each run plotly's relayout machinery.
        as_of_marks = dict(
            shapes=[dict(type="line", xref="x", x0=as_of, x1=as_of, yref="paper", y0=0, y1=1,
                         line=dict(color="#0b2f55", width=2, dash="dash"))],
            annotations=[dict(x=as_of, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False,
                              text=_("Judged on {date}", lang, date=i18n.fmt_date(as_of.date(), lang, "medium")),
                              font=dict(size=12, color="#0b2f55"))])
    else:
        as_of_marks = {}
    dates = [pd.Timestamp(d) for r in rows_read for d in (r.due_date, r.start_date) if pd.notna(d)]
    if _present(as_of):
        dates.append(as_of)
    xaxis = dict(type="date", title=_("Due date", lang), fixedrange=True)
    if dates:
        lo, hi = min(dates), max(dates)
        pad = max(pd.Timedelta(days=60), (hi - lo) * 0.08)
        xaxis["range"] = [lo - pad, hi + pad * 3]  # room on the right for the status words
        undated = [i for i, r in enumerate(rows_read) if not pd.notna(r.due_date)]
        if undated:
            # No date to place them at: their status is written at the left edge, saying so.
            traces.append(trace("scatter",
                x=[lo - pad] * len(undated), y=[labels[i] for i in undated], mode="text", showlegend=False,
                text=[to_label(_status_words(progress_label(keys[i], lang) if _present(keys[i])
                                             else _(NO_STATUS_REPORTED, lang), rows_read[i], lang)
                               + " · " + _("no due date", lang))
                      for i in undated],
                textposition="middle right", textfont=dict(size=13, color="#3d444c"),
                customdata=[[to_label(rows_read[i].milestone_id)] for i in undated],
                hovertemplate="<b>%{customdata[0]}</b><br>%{text}<extra></extra>",
            ))
    return figure(
        traces, lang=lang,
        xaxis=xaxis,
        yaxis=dict(type="category", categoryorder="array", categoryarray=labels, autorange="reversed",
                   fixedrange=True, automargin=True),
        margin=dict(t=48, b=64),
        legend=dict(y=1.08),
        **as_of_marks,
    )


def status_history_heat(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return each milestone's (or indicator's) status per reporting period, coloured by rank with the source's code printed."""
    rows = rows.sort_values(["period_date"])
    periods = sorted(rows["reporting_period"].unique().tolist())
    series = sorted(dict.fromkeys(rows["series_id"]), key=_natural_key)
    commitment = rows["commitment_id"].iloc[0] if len(rows) else None
    cells = {(r.series_id, r.reporting_period): r for r in rows.itertuples()}
    z, text, custom = [], [], []
    for s in series:
        z_row, text_row, custom_row = [], [], []
        for p in periods:
            r = cells.get((s, p))
            if r is None:
                z_row.append(None)
                text_row.append("")
                custom_row.append("")
                continue
            rank = r.progress_rank if _present(r.progress_rank) else None
            z_row.append(int(rank) if rank is not None else None)
            text_row.append(to_label(r.status_code))
            custom_row.append(to_label(progress_label(_key(r.progress), lang)))
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    colours = [PROGRESS_COLOURS[p] for p in RANKED]
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / 4, c], [(i + 1) / 4, c]]
    short = [to_label(short_milestone_id(s, commitment)) for s in series]
    heat = trace("heatmap",
        x=[to_label(p) for p in periods], y=short, z=z, text=text, texttemplate="%{text}", textfont=dict(size=13), customdata=custom,
        colorscale=scale, zmin=-0.5, zmax=3.5, xgap=2, ygap=2, hoverongaps=False,
        hovertemplate=_("<b>%{y}</b> · %{x}<br>%{customdata} (%{text})", lang) + "<extra></extra>",
        colorbar=dict(tickvals=[0, 1, 2, 3], ticktext=[progress_label(p, lang) for p in RANKED], thickness=14,
                      title=dict(text=_("Status", lang), side="right")),
    )
    return figure(
        [heat], lang=lang,
        xaxis=dict(title=_("Reporting period", lang), type="category", showgrid=False, fixedrange=True),
        yaxis=dict(type="category", autorange="reversed", showgrid=False, fixedrange=True),
    )
