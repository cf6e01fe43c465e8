"""The theme, the colour-blind-safe palette, the empty state and the escaping of data in labels, shared by every figure."""

from __future__ import annotations

import collections
import json
import pkgutil
from html import escape as _escape, unescape as _unescape

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import i18n

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# Sequential scale for shares (0-1): light to dark blue, readable text at both ends.
SHARE_SCALE = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# The theme: laid over plotly_white as the default template of every figure.
THEME = dict(
    font=dict(family=FONT, size=15, color="#1b1f24"),
    colorway=PALETTE,
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    margin=dict(l=60, r=24, t=24, b=56),
    hoverlabel=dict(font=dict(family=FONT, size=15)),
    # Whole numbers on the axes ("300 000" in French, "300,000" in English), not Plotly's "300k":
    # the SI suffix follows no locale and reads as a unit.
    xaxis=dict(gridcolor="#e3e6ea", zerolinecolor="#c8ccd1", automargin=True, exponentformat="none"),
    yaxis=dict(gridcolor="#e3e6ea", zerolinecolor="#c8ccd1", automargin=True, exponentformat="none"),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
)


def _laid_over(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        out[key] = _laid_over(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


# Only what these figures use is kept from plotly_white: its styles for other trace types and for
# polar, 3-D, geographic and map subplots were sent with every figure (about 5 kB of its 7.5 kB).
TRACE_TYPES = ("bar", "heatmap", "scatter", "scattergl")
UNUSED_SUBPLOTS = ("geo", "mapbox", "polar", "scene", "ternary")


def theme_template_json() -> dict:
    """Return plotly_white, cut to TRACE_TYPES and 2-D axes, with THEME laid over its layout, as plain JSON."""
    white = json.loads(pkgutil.get_data("plotly", "package_data/templates/plotly_white.json"))
    white["data"] = {kind: value for kind, value in white["data"].items() if kind in TRACE_TYPES}
    white["layout"] = {key: value for key, value in white["layout"].items() if key not in UNUSED_SUBPLOTS}
    return _laid_over(white, {"layout": THEME})


# Built from plain JSON without validation (validating templates cost about half a second of every
# server start; tests validate them), merged once and registered under one name: a
# "plotly_white+ogdash" default made plotly merge and validate both for every new figure (about
# 80 ms each), and assigning a template to a figure validates it again.
pio.templates["ogdash"] = go.layout.Template(layout=THEME, _validate=False)
pio.templates["ogdash_white"] = go.layout.Template(theme_template_json(), _validate=False)
pio.templates.default = "ogdash_white"


def to_label(value) -> str:
    """Return a string from the data as Plotly label text: its '&', '<' and '>' escaped.

    Plotly reads labels, tick text, hover text, legend names and annotations as pseudo-HTML: an
    `<a href>` in a jurisdiction's name would be a link (on the page, in a briefing's PDF and in an
    offline bundle), a `<span style>` would restyle it. Escaped, the name is shown exactly as typed
    (Plotly turns the entities back into the characters). Apply it once, where a data string becomes a
    label; the tags a figure adds itself (<br>, <b>) go around what it returns.
    """
    return _escape(str(value), quote=False)


def from_label(label: str) -> str:
    """Return the string from the data that `to_label` made `label` from (a clicked point's x or y)."""
    return _unescape(label)


def records(rows: pd.DataFrame) -> list:
    """Return the rows as named tuples, as rows.itertuples(index=False) gives them, read a column at a time.

    itertuples steps through each column value by value (slow on Arrow-backed columns: 7 ms for the
    heatmap's 756 rows); Series.tolist gives the same Python values in one call per column (1.8 ms). On a
    few rows itertuples is as quick.
    """
    row = collections.namedtuple("Row", [str(c) for c in rows.columns], rename=True)
    return list(map(row._make, zip(*(rows.iloc[:, i].tolist() for i in range(rows.shape[1])))))


def figure(traces: list, *, lang: str, thousands: bool = False, **layout) -> go.Figure:
    """Return a figure made in one go from its traces and layout, with the locale's number separators.

    One step on purpose: update_layout, update_xaxes and add_trace on an existing figure each run
    plotly's relayout machinery (a bar chart took 6 ms that way, 0.8 ms like this; under load it was a
    tenth of a server's CPU). `thousands` groups thousands on every axis (Plotly leaves 4-digit ticks
    ungrouped).
    """
    layout["separators"] = i18n.separators(lang)
    if thousands:
        for name in {"xaxis", "yaxis", *(k for k in layout if k.startswith(("xaxis", "yaxis")))}:
            layout[name] = {**(layout.get(name) or {}), "separatethousands": True}
    return assembled(traces, layout)


def trace(kind: str, **props) -> dict:
    """Return a trace of type `kind` as a plain dict, for figure(): taken as it is, never validated.

    Make a trace this way when its values are already what plotly.js reads (lists of numbers, strings,
    None; nested lists for a heatmap): plotly's validation walks every value one by one (a heatmap's
    cells, a timeline's milestones) and every property of every trace (about 0.5 ms a trace), and was
    most of the time a figure took to build. The figure tests check what these builders draw.
    """
    return {"type": kind, **props}


def assembled(traces: list, layout: dict) -> go.Figure:
    """Return go.Figure(data=traces, layout=layout), the layout validated and the traces taken as they are.

    A trace made as a graph object (go.Bar(...)) was validated when it was made, and one made by trace()
    needs none: go.Figure would validate each again. The figure validates whatever is changed later, as
    any figure does.
    """
    fig = go.Figure(data=traces, layout=go.Layout(layout).to_plotly_json(), _validate=False)
    fig._validate = fig.layout._validate = True
    for made in fig.data:
        made._validate = True
    return fig


def styled(fig: go.Figure, *, lang: str) -> go.Figure:
    """Return `fig` with the locale's number separators applied (the theme is the default template)."""
    fig.layout.separators = i18n.separators(lang)  # one property: update_layout's relayout machinery costs ms
    return fig


def empty_figure(message: str, *, lang: str) -> go.Figure:
    """Return a figure with no axes and a message saying why it is empty."""
    fig = go.Figure()
    fig.update_layout(
        xaxis=dict(visible=False), yaxis=dict(visible=False),
        annotations=[dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font=dict(size=18, color="#4a5057"))],
    )
    return styled(fig, lang=lang)
