"""Figure builders for the compare page: pure functions (rows, *, lang, ...) -> go.Figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocab
from dashboard.figures.base import PALETTE, to_label
from dashboard.figures.datasets import finish, label_of, wrap_label
from dashboard.i18n import N_, _
from dashboard.progress import PROGRESS_LABELS, PROGRESS_ORDER

__all__ = [
    "status_transition_heatmap", "change_summary_bars", "dataset_changes_bars", "learning_changes_bars",
    "transition_label", "transition_keys", "NEW", "GONE", "NO_STATUS", "TOP_CHANGES",
]

NEW = "__new__"  # the "from" of a milestone that is new in this snapshot
GONE = "__gone__"  # the "to" of a milestone no longer in this snapshot
NO_STATUS = "__none__"  # a status with no place on the common scale

# A status's name, and the words for the markers a transition has in place of a status.
TRANSITION_LABELS = {
    **PROGRESS_LABELS,
    NEW: N_("(new milestone)"),
    GONE: N_("(removed)"),
    NO_STATUS: N_("(no status)"),
}
ADDED_COLOUR = "#009E73"  # Okabe-Ito bluish green
REMOVED_COLOUR = "#D55E00"  # Okabe-Ito vermillion
TOP_CHANGES = 10  # organizers drawn; the rows come biggest change first
TRANSITION_SCALE = [[0.0, "#deebf7"], [0.5, "#6baed6"], [1.0, "#08306b"]]


def transition_label(progress, lang: str) -> str:
    """Return the label of a progress value (or of the NEW / GONE / NO_STATUS markers) in `lang`."""
    key = progress if isinstance(progress, str) and progress else NO_STATUS
    return _(TRANSITION_LABELS[key], lang) if key in TRANSITION_LABELS else str(progress)


def transition_keys(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Return the keys of each row's from and to status, with the NEW / GONE / NO_STATUS markers in place of nulls."""
    def key(value, change, marker):
        if change == marker[0]:
            return marker[1]
        return value if isinstance(value, str) and value else NO_STATUS
    froms = [key(v, c, ("added", NEW)) for v, c in zip(rows["from_progress"], rows["change"])]
    tos = [key(v, c, ("removed", GONE)) for v, c in zip(rows["to_progress"], rows["change"])]
    return froms, tos


def _ordered(keys: set[str]) -> list[str]:
    order = PROGRESS_ORDER + [NO_STATUS]
    return [k for k in order if k in keys] + sorted(k for k in keys if k not in order)


def status_transition_heatmap(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return a from -> to matrix of milestone counts: rows are the earlier status, columns the later one, counts printed."""
    froms, tos = transition_keys(rows)
    counts: dict[tuple[str, str], int] = {}
    for f, to, n in zip(froms, tos, rows["milestones"]):
        counts[(f, to)] = counts.get((f, to), 0) + int(n)
    y_keys = ([NEW] if NEW in froms else []) + _ordered(set(froms) - {NEW})
    x_keys = _ordered(set(tos) - {GONE}) + ([GONE] if GONE in tos else [])
    z = [[counts.get((f, to)) for to in x_keys] for f in y_keys]
    text = [["" if v is None else i18n.fmt_int(v, lang) for v in line] for line in z]
    x_labels = [wrap_label(transition_label(k, lang), width=10) for k in x_keys]  # columns are narrow on a phone
    y_labels = [to_label(transition_label(k, lang)) for k in y_keys]  # an unknown status is the source's own text
    top = max([v for line in z for v in line if v is not None] or [1])
    fig = go.Figure(go.Heatmap(
        z=z, x=x_labels, y=y_labels, text=text, texttemplate="%{text}", textfont=dict(size=18),
        colorscale=TRANSITION_SCALE, zmin=0, zmax=top, showscale=False, xgap=3, ygap=3, hoverongaps=False,
        customdata=[[[f, to] for to in x_keys] for f in y_keys],
        hovertemplate=_("%{y} → %{x}: %{z:,} milestones", lang) + "<extra></extra>",
    ))
    fig.update_layout(
        xaxis=dict(title=_("Status in the newer snapshot", lang), side="top", showgrid=False, tickangle=0,
                   tickfont=dict(size=14)),
        yaxis=dict(title=_("Status in the earlier snapshot", lang), autorange="reversed", showgrid=False,
                   ticklabelstandoff=8),
        margin=dict(l=8, r=16, t=64, b=16),
    )
    return finish(fig, lang=lang)


def change_summary_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return what changed between two snapshots (rows: measure label, count) as labelled horizontal bars."""
    labels = [wrap_label(str(v), width=20) for v in rows["label"]]
    values = [int(v) for v in rows["count"]]
    colours = [REMOVED_COLOUR if "removed" in str(m) else (ADDED_COLOUR if "added" in str(m) else PALETTE[0])
               for m in rows["measure"]]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", marker=dict(color=colours), text=[i18n.fmt_int(v, lang) for v in values],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    fig.update_layout(
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(labels)), title=None, ticklabelstandoff=8),
        xaxis=dict(title=None, rangemode="tozero", showticklabels=False, showgrid=False), showlegend=False,
        margin=dict(l=8, r=60, t=36, b=24),
    )
    return finish(fig, lang=lang)


def signed(n: int, lang: str) -> str:
    """Return a change with its sign: "+3", "−2" (a minus sign), "0"."""
    if n > 0:
        return "+" + i18n.fmt_int(n, lang)
    if n < 0:
        return "−" + i18n.fmt_int(-n, lang)
    return "0"


def dataset_changes_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return datasets added (right, green) and removed (left, vermillion) per jurisdiction, counts printed."""
    records = rows.to_dict("records")
    labels = [to_label(label_of(r, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id"))
              for r in records]
    added = [int(r["added"]) for r in records]
    removed = [int(r["removed"]) for r in records]
    ids = [[r["jurisdiction_id"]] for r in records]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=added, orientation="h", name=_("Added", lang), marker=dict(color=ADDED_COLOUR),
        text=[signed(v, lang) if v else "" for v in added], textposition="outside", cliponaxis=False, customdata=ids,
        hovertemplate=_("%{y}: %{x:,} datasets added", lang) + "<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        y=labels, x=[-v for v in removed], orientation="h", name=_("Removed", lang),
        marker=dict(color=REMOVED_COLOUR, pattern=dict(shape="/", fgcolor="#ffffff", solidity=0.3)),
        text=[signed(-v, lang) if v else "" for v in removed], textposition="outside", cliponaxis=False,
        customdata=[[i[0], v] for i, v in zip(ids, removed)],
        hovertemplate=_("%{y}: %{customdata[1]:,} datasets removed", lang) + "<extra></extra>",
    ))
    span = max(added + removed + [1])
    fig.update_layout(
        barmode="relative", bargap=0.3,
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(labels)), title=None, ticklabelstandoff=8),
        xaxis=dict(title=_("Datasets", lang), range=[-span * 1.3, span * 1.3], zeroline=True, showticklabels=False,
                   showgrid=False,
                   zerolinecolor="#1b1f24", zerolinewidth=1.5),
        margin=dict(l=8, r=24, t=36, b=48),
    )
    return finish(fig, lang=lang)


def learning_changes_bars(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_CHANGES) -> go.Figure:
    """Return learners added (or lost, left) for the `top_n` organizers that changed most, labelled with learners and events."""
    records = rows.head(top_n).to_dict("records")
    labels = [vocab.label(vocab.organizer, r["organizer"], lang) for r in records]
    short = [wrap_label(lbl) for lbl in labels]
    values = [int(r["learners_added"]) for r in records]
    fig = go.Figure(go.Bar(
        x=values, y=short, orientation="h", text=[signed(v, lang) for v in values], textposition="auto",
        insidetextanchor="end", textfont=dict(size=14),
        cliponaxis=False, marker=dict(color=[ADDED_COLOUR if v >= 0 else REMOVED_COLOUR for v in values]),
        customdata=[[to_label(lbl), int(r["events_added"])] for lbl, r in zip(labels, records)],
        hovertemplate=_("%{customdata[0]}: %{x:+,} learners (%{customdata[1]:+,} events)", lang) + "<extra></extra>",
    ))
    span = max([abs(v) for v in values] + [1])
    low = -span * 1.45 if min(values + [0]) < 0 else 0  # room for a short bar's label on either side
    fig.update_layout(
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(short)), title=None, ticklabelstandoff=8),
        xaxis=dict(title=_("Learners added", lang), range=[low, span * 1.45], zeroline=True, zerolinecolor="#1b1f24",
                   showticklabels=False, showgrid=False),
        showlegend=False, margin=dict(l=8, r=24, t=16, b=48), bargap=0.25 if len(values) >= 4 else 0.5,
    )
    return finish(fig, lang=lang)
