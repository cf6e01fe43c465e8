"""Slides for a room: a chart's figure restyled for a hall's screen, and a dense chart's rows cut to what a room reads.

Pure functions, used where a slide is built (playlists.render_slide) for /present and for `ogdash export-site`;
the pages' charts are left as they are.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import progress
from dashboard.figures.base import THEME

ROOM_FONT = 20  # px at 1080p: the base font of a slide's figure (tick labels, legend)
ROOM_MIN_TEXT = 18  # px at 1080p: no text on a slide's figure is smaller (cell labels, notes on the chart)
ROOM_TITLE_FONT = 24  # px at 1080p: axis titles
_SCALE = ROOM_FONT / THEME["font"]["size"]  # margins grow with the type they hold

# Charts drawn member by member, cut on a slide to the progress.ROOM_MEMBERS members with the most commitments.
MEMBER_CHARTS = ("commitments-heatmap",)


def _bigger(font: dict | None, size: int) -> dict:
    """Return `font` with its size raised to `size` when it states a smaller one (an unstated size inherits)."""
    font = dict(font or {})
    if isinstance(font.get("size"), (int, float)) and font["size"] < size:
        font["size"] = size
    return font


def for_room(fig: go.Figure) -> go.Figure:
    """Return a copy of `fig` restyled for a room: type at ROOM_FONT (axis titles at ROOM_TITLE_FONT, nothing under
    ROOM_MIN_TEXT), margins grown with the type, no title of its own (the slide has one) and the size of its stage."""
    spec = fig.to_plotly_json()
    layout = dict(spec.get("layout") or {})
    layout["font"] = {**(layout.get("font") or {}), "size": ROOM_FONT}
    margin = {**THEME["margin"], **(layout.get("margin") or {})}
    layout["margin"] = {side: round(margin[side] * _SCALE) for side in ("l", "r", "t", "b")}
    layout.update(title=None, height=None, width=None, autosize=True)
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        axis = dict(layout[name] or {})
        axis["tickfont"] = _bigger(axis.get("tickfont"), ROOM_FONT)
        title = axis.get("title")
        if isinstance(title, dict):
            axis["title"] = {**title, "font": {**_bigger(title.get("font"), ROOM_TITLE_FONT)}}
        layout[name] = axis
    if layout.get("legend"):
        layout["legend"] = {**layout["legend"], "font": _bigger(layout["legend"].get("font"), ROOM_FONT)}
    layout["annotations"] = [{**a, "font": _bigger(a.get("font"), ROOM_MIN_TEXT)} for a in layout.get("annotations") or []]
    if layout.get("uniformtext"):
        layout["uniformtext"] = {**layout["uniformtext"],
                                 "minsize": max(layout["uniformtext"].get("minsize") or 0, ROOM_MIN_TEXT)}
    traces = []
    for trace in spec.get("data") or []:
        trace = dict(trace)
        for key in ("textfont", "insidetextfont", "outsidetextfont"):
            if key in trace:
                trace[key] = _bigger(trace[key], ROOM_MIN_TEXT)
        if isinstance(trace.get("colorbar"), dict):
            bar = dict(trace["colorbar"])
            bar["tickfont"] = _bigger(bar.get("tickfont"), ROOM_FONT)
            traces.append({**trace, "colorbar": bar})
        else:
            traces.append(trace)
    return go.Figure(data=traces, layout=layout)


def top_members(rows: pd.DataFrame, n: int = progress.ROOM_MEMBERS) -> pd.DataFrame:
    """Return the rows of the `n` members (jurisdiction_id) with the most commitments, in the rows' order.

    Ties go to the member whose id sorts first, so the cut is the same on every run.
    """
    totals = (pd.to_numeric(rows["commitments"], errors="coerce").fillna(0)
              .groupby(rows["jurisdiction_id"]).sum().reset_index())
    totals.columns = ["jurisdiction_id", "commitments"]
    kept = totals.sort_values(["commitments", "jurisdiction_id"], ascending=[False, True])["jurisdiction_id"].head(n)
    return rows[rows["jurisdiction_id"].isin(set(kept))].reset_index(drop=True)


def room_rows(chart_id: str, rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, str | None]:
    """Return (the rows a slide of `chart_id` draws, the rule it states or None): a chart drawn member by member
    with more than progress.ROOM_MEMBERS members keeps those with the most commitments, and says so."""
    if chart_id not in MEMBER_CHARTS or rows.empty or "jurisdiction_id" not in rows.columns:
        return rows, None
    total = rows["jurisdiction_id"].nunique()
    if total <= progress.ROOM_MEMBERS:
        return rows, None
    return top_members(rows), progress.room_rule(progress.ROOM_MEMBERS, total, lang)
