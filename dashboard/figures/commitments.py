"""Figure builders for the commitments pages: pure functions (rows, *, lang, ...) -> go.Figure."""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.figures.base import PROGRESS_COLOURS, PROGRESS_PATTERNS, SHARE_SCALE, figure
from dashboard.i18n import N_, _
from dashboard.progress import NO_STATUS_REPORTED, OVERDUE, PAST_DUE_UNREPORTED, indicators_reported

__all__ = [
    "PROGRESS_LABELS", "IMPACT_LABELS", "MISSING_LABELS", "NOT_ASSESSED", "progress_label", "impact_label",
    "short_milestone_id", "completion_heatmap", "completion_by_cycle_bars", "progress_by_cycle_bars",
    "progress_bars", "impact_completion_grid", "milestone_timeline", "status_history_heat",
]

PROGRESS_LABELS = {
    "not_started": N_("Not started"),
    "limited": N_("Limited"),
    "stuck": N_("Stuck"),
    "incomplete": N_("Incomplete"),
    "substantial": N_("Substantial"),
    "complete": N_("Complete"),
    "withdrawn": N_("Withdrawn"),
    "unclear": N_("Unclear"),
}
NOT_ASSESSED = N_("Not assessed")
NOT_ASSESSED_COLOUR = "#EEF0F3"
NOT_ASSESSED_PATTERN = ""

# The order statuses stack in, from the baseline up: done first, so "complete or substantial" reads from zero.
STACK_ORDER = ["complete", "substantial", "limited", "incomplete", "stuck", "not_started", "withdrawn", "unclear", None]
# The order statuses read in, left to right: from not started to complete, then the unranked.
READ_ORDER = ["not_started", "stuck", "incomplete", "limited", "substantial", "complete", "withdrawn", "unclear", None]

IMPACT_LABELS = {
    "Transformative": N_("Transformative"),
    "Moderate": N_("Moderate"),
    "Minor": N_("Minor"),
    "None": N_("None"),
}
MISSING_LABELS = {
    "ND": N_("No data (ND)"),
    "NR": N_("Not reviewed (NR)"),
    "NA": N_("Not applicable (NA)"),
    None: N_("Not recorded"),
}

# On the milestone timeline a status also has its own marker shape.
_SYMBOLS = {
    "complete": "circle", "substantial": "diamond", "limited": "triangle-up", "incomplete": "triangle-down",
    "stuck": "square", "not_started": "x", "withdrawn": "line-ew-open", "unclear": "circle-open", None: "circle-open",
}


def progress_label(progress: str | None, lang: str) -> str:
    """Return the status's name in `lang`; a missing status is "Not assessed"."""
    if progress is None or (isinstance(progress, float) and math.isnan(progress)) or progress is pd.NA:
        return _(NOT_ASSESSED, lang)
    return _(PROGRESS_LABELS.get(progress, progress), lang)


def impact_label(value: str | None, missing: str | None, lang: str) -> str:
    """Return the potential-impact category's name: the IRM value, else why it is missing."""
    if _present(value):
        return _(IMPACT_LABELS.get(value, value), lang)
    return _(MISSING_LABELS.get(missing if _present(missing) else None, MISSING_LABELS[None]), lang)


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


def _cycles_in_order(rows: pd.DataFrame) -> list[str]:
    order = rows.groupby("cycle")["cycle_start"].min().reset_index().sort_values(["cycle_start", "cycle"])
    return order["cycle"].tolist()


# ---------------------------------------------------------------- commitments page

def completion_heatmap(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return the share complete or substantial per jurisdiction (rows) and cycle (columns), values printed in the cells."""
    cycles = _cycles_in_order(rows)
    names = {r.jurisdiction_id: _name(r, lang) for r in rows.itertuples()}
    jurisdictions = sorted(names, key=lambda j: names[j].casefold())
    cells = {(r.jurisdiction_id, r.cycle): r for r in rows.itertuples()}
    z, text, custom = [], [], []
    for j in jurisdictions:
        z_row, text_row, custom_row = [], [], []
        for c in cycles:
            r = cells.get((j, c))
            share = None if r is None or not _present(r.share) else float(r.share)
            z_row.append(share)
            if r is None:
                text_row.append("")
            elif share is None:
                text_row.append("–")
            else:
                text_row.append(i18n.fmt_pct(share, lang))
            custom_row.append([j, int(r.commitments) if r is not None else 0,
                               int(r.assessed) if r is not None else 0,
                               int(r.complete_or_substantial) if r is not None else 0])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    hover = _("<b>%{y}</b> · %{x}<br>Complete or substantial: %{text}<br>"
              "%{customdata[3]} of %{customdata[2]} assessed commitments (%{customdata[1]} in all)", lang)
    heat = go.Heatmap(
        x=cycles, y=[names[j] for j in jurisdictions], z=z, text=text, texttemplate="%{text}",
        textfont=dict(size=14), customdata=custom, hovertemplate=hover + "<extra></extra>",
        colorscale=SHARE_SCALE, zmin=0, zmax=1, xgap=3, ygap=3, hoverongaps=False,
        colorbar=dict(title=dict(text=_("Complete or substantial", lang), side="right"), thickness=14,
                      tickvals=[0, 0.25, 0.5, 0.75, 1], ticktext=[i18n.fmt_pct(s, lang) for s in (0, .25, .5, .75, 1)]),
    )
    return figure(
        [heat], lang=lang,
        xaxis=dict(title=_("Action-plan cycle", lang), side="top", type="category", showgrid=False, fixedrange=True),
        yaxis=dict(autorange="reversed", type="category", showgrid=False, fixedrange=True),
        margin=dict(l=8, r=8, t=72, b=8),
    )


def progress_by_cycle_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return 100 % stacked bars of commitments per cycle by progress (complete at the baseline), counts printed."""
    cycles = _cycles_in_order(rows)
    # Counted in plain Python: a few dozen rows, where a pandas mask and group-by per status cost ms each.
    counts: dict[tuple, int] = {}
    totals: dict[str, int] = {}
    for progress, cycle, n in zip(rows["progress"], rows["cycle"], rows["commitments"]):
        key, n = _key(progress), int(n)
        counts[(key, cycle)] = counts.get((key, cycle), 0) + n
        totals[cycle] = totals.get(cycle, 0) + n
    present = {key for key, _ in counts}
    bars = []
    for progress in STACK_ORDER:
        if progress not in present:
            continue
        y = [counts.get((progress, c), 0) for c in cycles]
        shares = [i18n.fmt_pct(v / totals[c], lang) if totals.get(c) else "–" for v, c in zip(y, cycles)]
        label = progress_label(progress, lang)
        bars.append(go.Bar(
            x=cycles, y=y, name=label, customdata=[[progress or "", s] for s in shares],
            marker=dict(color=_colour(progress), pattern=dict(shape=_pattern(progress), fgcolor="#1b1f24",
                                                              fgopacity=0.35, size=7),
                        line=dict(color="#ffffff", width=1)),
            text=[str(v) if v else "" for v in y], texttemplate="%{text}", textposition="inside",
            insidetextanchor="middle",
            hovertemplate=_("<b>%{x}</b><br>%{fullData.name}: %{y} commitments (%{customdata[1]})", lang)
            + "<extra></extra>",
        ))
    return figure(
        bars, lang=lang,
        barmode="stack", barnorm="percent", bargap=0.25,
        xaxis=dict(title=_("Action-plan cycle", lang), type="category", categoryorder="array", categoryarray=cycles,
                   fixedrange=True),
        yaxis=dict(title=_("Share of the cycle's commitments", lang), **_share_axis(lang, percent=True)),
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
    value_rows = [_(IMPACT_LABELS[v], lang) for v in ("Transformative", "Moderate", "Minor", "None")]
    missing_rows = [_(MISSING_LABELS[m], lang) for m in ("ND", "NR", "NA", None)]
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
    heat = go.Heatmap(
        x=columns, y=impacts, z=z, text=text, texttemplate="%{text}", textfont=dict(size=14), customdata=custom,
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
                   fixedrange=True),
        shapes=shapes,
    )


# ---------------------------------------------------------------- overview

def completion_by_cycle_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return bars of the share of assessed commitments complete or substantial per cycle, the share printed on each."""
    rows = rows.sort_values(["cycle_start", "cycle"])
    shares = [float(s) if _present(s) else None for s in rows["share"]]
    bar = go.Bar(
        x=rows["cycle"].tolist(), y=[s if s is not None else 0 for s in shares],
        text=[i18n.fmt_pct(s, lang) if s is not None else "–" for s in shares],
        texttemplate="%{text}", textposition="outside", cliponaxis=False,
        marker=dict(color="#0072B2"),
        customdata=rows[["complete_or_substantial", "assessed", "commitments"]].astype(int).values.tolist(),
        hovertemplate=_("<b>%{x}</b><br>Complete or substantial: %{text}<br>"
                        "%{customdata[0]} of %{customdata[1]} assessed commitments (%{customdata[2]} in all)", lang)
        + "<extra></extra>",
    )
    return figure(
        [bar], lang=lang,
        xaxis=dict(title=_("Action-plan cycle", lang), type="category", fixedrange=True),
        yaxis=dict(title=_("Complete or substantial", lang), **{**_share_axis(lang), "range": [0, 1.12]}),
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
        label = progress_label(progress, lang)
        share = i18n.fmt_pct(n / total, lang) if total else "–"
        bars.append(go.Bar(
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
        yaxis=dict(type="category", categoryorder="array", categoryarray=[progress_label(p, lang) for p in order],
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
    rows = rows.reset_index(drop=True)
    labels = []
    for r in rows.itertuples():
        short = short_milestone_id(r.milestone_id, r.commitment_id)
        title = r.title_fr if lang == "fr" and _present(r.title_fr) else r.title_en
        title = title if _present(title) else ""
        if len(title) > 26:
            title = title[:25].rstrip() + "…"
        labels.append(f"{short} · {title}" if title else short)
    rows = rows.assign(label=labels, key=[_key(p) for p in rows["progress"]])
    traces = []
    spans = rows[rows["start_date"].notna() & rows["due_date"].notna()]
    # One trace per status colour, its bars apart (None breaks the line): a commitment of thirty
    # milestones drew thirty traces, each costing the figure's build and the browser's draw.
    span_keys = spans["key"].fillna("")
    for key in dict.fromkeys(span_keys):
        x, y = [], []
        for r in spans[span_keys == key].itertuples():
            x += [r.start_date, r.due_date, None]
            y += [r.label, r.label, None]
        traces.append(go.Scatter(
            x=x[:-1], y=y[:-1], mode="lines", showlegend=False, hoverinfo="skip", connectgaps=False,
            line=dict(color=_colour(key or None), width=10), opacity=0.45,
        ))
    dated = rows[rows["due_date"].notna()]
    for progress in READ_ORDER:
        part = dated[dated["key"].isna()] if progress is None else dated[dated["key"] == progress]
        if part.empty:
            continue
        label = progress_label(progress, lang) if progress else _(NO_STATUS_REPORTED, lang)
        words = [_status_words(label, r, lang) for r in part.itertuples()]
        traces.append(go.Scatter(
            x=part["due_date"], y=part["label"], mode="markers+text", name=label, text=words,
            textposition="middle right", textfont=dict(size=13),
            marker=dict(symbol=_SYMBOLS.get(progress, "circle"), size=16,
                        color=_colour(progress) if progress else "#4a5057", line=dict(color="#1b1f24", width=1.5)),
            customdata=part[["milestone_id"]].values.tolist(),
            hovertemplate=_("<b>%{customdata[0]}</b><br>Due %{x|%Y-%m-%d}<br>%{text}", lang) + "<extra></extra>",
        ))
    as_of = rows["as_of"].iloc[0] if "as_of" in rows and len(rows) else None
    if _present(as_of):
        as_of = pd.Timestamp(as_of)
        # Laid out with the rest below: add_shape and add_annotation each run plotly's relayout machinery.
        as_of_marks = dict(
            shapes=[dict(type="line", xref="x", x0=as_of, x1=as_of, yref="paper", y0=0, y1=1,
                         line=dict(color="#0b2f55", width=2, dash="dash"))],
            annotations=[dict(x=as_of, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False,
                              text=_("Data as of {date}", lang, date=i18n.fmt_date(as_of.date(), lang, "medium")),
                              font=dict(size=12, color="#0b2f55"))])
    else:
        as_of_marks = {}
    dates = pd.concat([pd.to_datetime(rows["due_date"]), pd.to_datetime(rows["start_date"])]).dropna()
    if _present(as_of):
        dates = pd.concat([dates, pd.Series([as_of])])
    xaxis = dict(type="date", title=_("Due date", lang), fixedrange=True)
    if len(dates):
        lo, hi = dates.min(), dates.max()
        pad = max(pd.Timedelta(days=60), (hi - lo) * 0.08)
        xaxis["range"] = [lo - pad, hi + pad * 3]  # room on the right for the status words
        undated = rows[rows["due_date"].isna()]
        if len(undated):
            # No date to place them at: their status is written at the left edge, saying so.
            traces.append(go.Scatter(
                x=[lo - pad] * len(undated), y=undated["label"], mode="text", showlegend=False,
                text=[_status_words(progress_label(r.key, lang) if _present(r.key) else _(NO_STATUS_REPORTED, lang),
                                    r, lang) + " · " + _("no due date", lang)
                      for r in undated.itertuples()],
                textposition="middle right", textfont=dict(size=13, color="#3d444c"),
                customdata=undated[["milestone_id"]].values.tolist(),
                hovertemplate="<b>%{customdata[0]}</b><br>%{text}<extra></extra>",
            ))
    return figure(
        traces, lang=lang,
        xaxis=xaxis,
        yaxis=dict(type="category", categoryorder="array", categoryarray=rows["label"].tolist(), autorange="reversed",
                   fixedrange=True, automargin=True),
        margin=dict(t=48, b=64),
        legend=dict(y=1.08),
        **as_of_marks,
    )


_RANKED = ["not_started", "limited", "substantial", "complete"]


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
            text_row.append(str(r.status_code))
            custom_row.append(progress_label(_key(r.progress), lang))
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    colours = [PROGRESS_COLOURS[p] for p in _RANKED]
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / 4, c], [(i + 1) / 4, c]]
    short = [short_milestone_id(s, commitment) for s in series]
    heat = go.Heatmap(
        x=periods, y=short, z=z, text=text, texttemplate="%{text}", textfont=dict(size=13), customdata=custom,
        colorscale=scale, zmin=-0.5, zmax=3.5, xgap=2, ygap=2, hoverongaps=False,
        hovertemplate=_("<b>%{y}</b> · %{x}<br>%{customdata} (%{text})", lang) + "<extra></extra>",
        colorbar=dict(tickvals=[0, 1, 2, 3], ticktext=[progress_label(p, lang) for p in _RANKED], thickness=14,
                      title=dict(text=_("Status", lang), side="right")),
    )
    return figure(
        [heat], lang=lang,
        xaxis=dict(title=_("Reporting period", lang), type="category", showgrid=False, fixedrange=True),
        yaxis=dict(type="category", autorange="reversed", showgrid=False, fixedrange=True),
    )
