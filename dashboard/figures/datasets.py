"""Figure builders for the datasets page: pure functions (rows, *, lang, ...) -> go.Figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocab
from dashboard.figures.base import PALETTE, assembled, figure, styled, to_label, trace
from dashboard.i18n import _, ngettext
from dashboard.progress import metric_label

__all__ = [
    "releases_over_time", "releases_by_dimension_bars", "top_publishers_bars", "portal_metrics_lines",
    "hbar_ranked", "wrap_label", "label_of", "finish", "FLAGGED_COLOUR", "LOAD_COLOUR",
    "portal_metrics_plan", "TOP_PORTALS", "MAX_PANELS",
]

TOP_N = 15
LABEL_MAX = 34
FLAGGED_COLOUR = "#D55E00"  # Okabe-Ito vermillion: the glitch marker, with a distinct symbol and a text label
LOAD_COLOUR = "#9aa3ad"  # a catalogue load: grey and hatched, apart from the releases' blue
LOAD_CUT = 3  # loads taller than this many times the tallest release bar are cut at the top, their count printed

def finish(fig: go.Figure, *, lang: str) -> go.Figure:
    """Return `fig` styled, with thousands grouped on every axis (Plotly leaves 4-digit ticks ungrouped)."""
    fig.update_xaxes(separatethousands=True)
    fig.update_yaxes(separatethousands=True)
    return styled(fig, lang=lang)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA and value != ""


def label_of(row, lang: str, en: str, fr: str, fallback: str | None = None) -> str:
    """Return a row's label in `lang`: the French column in French when present, else English, else the fallback column."""
    for col in ((fr, en) if lang == "fr" else (en, fr)) + ((fallback,) if fallback else ()):
        value = row.get(col) if hasattr(row, "get") else getattr(row, col, None)
        if _present(value):
            return str(value)
    return _("Not stated", lang)


def _short(label: str, limit: int = LABEL_MAX) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def wrap_label(label: str, width: int = 24, lines: int = 2) -> str:
    """Return `label` broken into at most `lines` lines of about `width` characters (<br>), the rest elided, as
    Plotly label text (base.to_label: markup in the label is shown, not applied)."""
    words, out, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _short(out[-1] + " …", width)
    return "<br>".join(to_label(_short(part, width + 6)) for part in out)


def hbar_ranked(labels: list[str], values: list[float], texts: list[str], *, lang: str,
                customdata: list | None = None, hover: str | None = None, colour: str = PALETTE[0],
                axis_title: str = "", wrap: int = 24) -> go.Figure:
    """Return horizontal bars, largest on top, each with its value printed beside it (labels shortened, full in hover)."""
    short = []
    seen: dict[str, int] = {}
    for label in labels:
        s = wrap_label(label, wrap)
        seen[s] = seen.get(s, 0) + 1
        short.append(s if seen[s] == 1 else f"{s} ({seen[s]})")  # a category axis merges equal labels
    bar = trace("bar",
        x=list(values), y=short, orientation="h", text=list(texts), textposition="outside", cliponaxis=False,
        marker=dict(color=colour), customdata=[[to_label(lbl)] + list(c if isinstance(c, (list, tuple)) else [c])
                                                for lbl, c in zip(labels, customdata or [None] * len(labels))],
        hovertemplate=(hover or "%{customdata[0]}: %{x:,}") + "<extra></extra>",
    )
    longest = max([len(s) for s in texts] or [0])
    return figure(
        [bar], lang=lang, thousands=True,
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(short)), title=None, automargin=True,
                   ticklabelstandoff=8, tickfont=dict(size=14)),
        # every bar prints its value, so the axis needs no numbers (they crowd on a phone)
        xaxis=dict(title=axis_title or None, rangemode="tozero", showgrid=False, showticklabels=False,
                   zeroline=True, zerolinecolor="#9aa3ad"),
        margin=dict(l=8, r=24 + 8 * longest, t=36, b=48),
        bargap=0.25 if len(values) >= 4 else 0.5, showlegend=False,  # two or three bars need not fill the card
    )


# ---------------------------------------------------------------- releases over time

def releases_over_time(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return datasets released per month or year (bars), catalogue loads drawn apart (grey, hatched, stacked on
    top), and the catalogue's running total (line, right axis).

    A load dwarfs the releases of a small portal (199 records in a day against a handful a month), so
    when the loads would more than triple the tallest release bar, the left axis is cut just above the
    releases and each load cut off prints its count at the top: the releases stay readable and the
    load's size is still said.
    """
    yearly = "year" in rows.columns
    counts = [int(v) for v in rows["datasets"]]
    loads = [int(v) for v in rows["catalogue_load_datasets"]] if "catalogue_load_datasets" in rows else [0] * len(counts)
    totals = [int(v) for v in rows["cumulative_datasets"]]
    if yearly:
        x = [int(v) for v in rows["year"]]
        bar_name = _("Released in the year", lang)
        hover_bar = _("%{x}: %{y:,} datasets released", lang)
        hover_load = _("%{x}: %{y:,} records loaded into the catalogue in bulk (a catalogue load, not releases)", lang)
        hover_line = _("%{x}: %{y:,} datasets in the catalogue", lang)
    else:
        x = [pd.Timestamp(v).strftime("%Y-%m-%d") for v in rows["month"]]
        bar_name = _("Released in the month", lang)
        hover_bar = _("%{x|%B %Y}: %{y:,} datasets released", lang)
        hover_load = _("%{x|%B %Y}: %{y:,} records loaded into the catalogue in bulk (a catalogue load, not "
                       "releases)", lang)
        hover_line = _("%{x|%B %Y}: %{y:,} datasets in the catalogue", lang)
    period = {} if yearly else {"xperiod": "M1", "xperiodalignment": "middle"}
    bars = trace("bar",
        x=x, y=counts, name=bar_name, marker=dict(color=PALETTE[0]),
        text=[str(v) for v in counts] if yearly else None, texttemplate="%{y:,}" if yearly else None,
        textposition="outside" if yearly and not any(loads) else ("auto" if yearly else None), cliponaxis=False,
        hovertemplate=hover_bar + "<extra></extra>", **period,
    )
    traces = [bars]
    yaxis: dict = dict(title=_("Datasets released", lang), rangemode="tozero", separatethousands=True)
    annotations = []
    if any(loads):
        traces.append(trace("bar",
            x=x, y=[v or None for v in loads], name=_("Loaded in bulk, not released", lang),
            marker=dict(color=LOAD_COLOUR, pattern=dict(shape="/", fgcolor="#ffffff", solidity=0.3),
                        line=dict(color="#4a5057", width=1)),
            hovertemplate=hover_load + "<extra></extra>", **period,
        ))
        tallest_release = max(counts)
        tallest = max(c + v for c, v in zip(counts, loads))
        if tallest_release and tallest > LOAD_CUT * tallest_release:
            top = tallest_release * 1.5
            yaxis.update(range=[0, top], autorange=False)
            for when, c, v in zip(x, counts, loads):
                if v and c + v > top:
                    annotations.append(dict(
                        x=when, y=top, xref="x", yref="y", yanchor="top", showarrow=False,
                        text="▲ " + ngettext("{n} loaded", "{n} loaded", v, lang),
                        font=dict(size=14, color="#1b1f24"), bgcolor="rgba(255,255,255,0.9)",
                        bordercolor="#4a5057", borderwidth=1, borderpad=3))
    traces.append(trace("scatter",
        x=x, y=totals, name=_("Catalogue total (right axis)", lang), yaxis="y2", mode="lines+markers" if yearly else "lines",
        line=dict(color=PALETTE[1], width=3), marker=dict(color=PALETTE[1], size=7, symbol="diamond"),
        hovertemplate=hover_line + "<extra></extra>", **period,
    ))
    return figure(
        traces, lang=lang, thousands=True,
        yaxis=yaxis,
        yaxis2=dict(title=dict(text=_("Catalogue total", lang), font=dict(color="#8a5a00")), overlaying="y",
                    side="right", rangemode="tozero", showgrid=False, tickfont=dict(color="#8a5a00"),
                    tickmode="auto"),
        xaxis=dict(title=None, **({"tickformat": "d", **({"dtick": 1} if len(x) <= 20 else {})} if yearly else {})),
        bargap=0.15 if yearly else 0.05, barmode="stack",
        hovermode="closest", annotations=annotations,
        legend=dict(traceorder="normal"),  # releases, then the load, then the total (a stack would reverse them)
        margin=dict(l=60, r=70, t=36, b=40),
    )


# ---------------------------------------------------------------- releases by a dimension

def releases_by_dimension_bars(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_N) -> go.Figure:
    """Return the top `top_n` values of a dimension (jurisdiction, organization, format or licence) by datasets released."""
    top = rows.head(top_n)
    labels = [label_of(r, lang, "label_en", "label_fr", "value") for r in top.to_dict("records")]
    values = [int(v) for v in top["datasets"]]
    texts = [i18n.fmt_int(v, lang) for v in values]
    custom = [r if _present(r) else None for r in top["value"]]
    return hbar_ranked(labels, values, texts, lang=lang, customdata=custom,
                       hover=_("%{customdata[0]}: %{x:,} datasets", lang), axis_title=_counted(rows, lang))


def top_publishers_bars(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_N) -> go.Figure:
    """Return the `top_n` organizations that released the most datasets."""
    top = rows.head(top_n)
    records = top.to_dict("records")
    labels = [label_of(r, lang, "organization_title_en", "organization_title_fr", "organization") for r in records]
    # The same organization name on two portals would merge on the axis: name the portal.
    repeated = {label for label in labels if labels.count(label) > 1}
    labels = [f"{label} · {r['portal']}" if label in repeated else label for label, r in zip(labels, records)]
    values = [int(v) for v in top["datasets"]]
    texts = [i18n.fmt_int(v, lang) for v in values]
    custom = [[r["jurisdiction_id"], to_label(r["portal"])] for r in records]  # the portal is shown in the hover
    return hbar_ranked(labels, values, texts, lang=lang, customdata=custom, colour=PALETTE[2],
                       hover=_("%{customdata[0]} (%{customdata[2]}): %{x:,} datasets", lang),
                       axis_title=_counted(rows, lang))


def loaded_in_bulk(rows: pd.DataFrame) -> int:
    """Return how many of a ranking's datasets a catalogue load put in the catalogue (dashboard/releases.py).

    Without a period a ranking counts the whole catalogue, loads included; with one, none (0 then, as when the
    rows have no catalogue_load_datasets column).
    """
    if "catalogue_load_datasets" not in rows:
        return 0
    return int(rows["catalogue_load_datasets"].fillna(0).sum())


def _counted(rows: pd.DataFrame, lang: str) -> str:
    """Return a ranking's axis title: releases, or the catalogue where a catalogue load is counted (no period set)."""
    return _("Datasets in the catalogue", lang) if loaded_in_bulk(rows) else _("Datasets released", lang)


# ---------------------------------------------------------------- portal metrics

MAX_PANELS = 4  # one panel per metric, the metrics with the most points first
TOP_PORTALS = 5  # lines per panel: the portals with the largest typical value
MAX_FLAG_LABELS = 3  # "flagged" words per panel (every flagged point keeps its marker and legend entry)
_PORTAL_COLOURS = [c for c in PALETTE if c not in (FLAGGED_COLOUR, "#F0E442")]  # no vermillion, no yellow on white


def _runs_start(flags: list[bool]) -> list[bool]:
    """Return, for each flagged point, whether it starts a run of consecutive flagged points."""
    return [f and (i == 0 or not flags[i - 1]) for i, f in enumerate(flags)]


def portal_metrics_plan(rows: pd.DataFrame, top_portals: int = TOP_PORTALS) -> list[tuple[str, list[str]]]:
    """Return the panels to draw: (metric, its portals with the largest median value first), at most MAX_PANELS."""
    sizes = rows.groupby("metric").size().sort_values(ascending=False, kind="stable")
    # One pass for every series: the median of its unflagged values, and every portal per metric.
    unflagged = rows[~rows["is_outlier"].fillna(False).astype(bool)]
    medians = unflagged.groupby(["metric", "portal"])["value"].median()
    every = rows.groupby("metric")["portal"].unique()
    plan = []
    for metric in list(sizes.index)[:MAX_PANELS]:
        ranked = medians.xs(metric, level="metric").sort_values(ascending=False, kind="stable") \
            if metric in medians.index.get_level_values("metric") else medians.iloc[:0]
        portals = list(ranked.index)
        portals += sorted(set(every[metric]) - set(portals))  # only flagged points
        plan.append((metric, portals[:top_portals]))
    return plan


def _stacked_panels(count: int, spacing: float) -> list[tuple[float, float]]:
    """Return the (bottom, top) paper domains of `count` panels stacked from the top, `spacing` apart."""
    height = (1 - spacing * (count - 1)) / count
    return [(max(0.0, 1 - i * (height + spacing) - height), 1 - i * (height + spacing)) for i in range(count)]


def portal_metrics_lines(rows: pd.DataFrame, *, lang: str, top_portals: int = TOP_PORTALS) -> go.Figure:
    """Return one panel per metric, one line per portal (the largest few), points the source flags as glitches marked, not hidden.

    The panels are laid out by hand and the figure is built in one go: make_subplots and a per-trace
    add_trace(row=, col=) went through plotly's relayout machinery for every line (over 100 ms a chart).
    """
    rows = rows.sort_values(["metric", "portal", "date"]).reset_index(drop=True)
    plan = portal_metrics_plan(rows, top_portals)
    # Each column converted once and each series found by position: a thousand points a panel, and
    # boolean masks over the frame per line cost more than drawing them.
    positions = rows.groupby(["metric", "portal"], sort=False).indices
    all_dates = pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    all_values = pd.to_numeric(rows["value"]).to_numpy(dtype="float64", na_value=float("nan"))
    all_flags = rows["is_outlier"].fillna(False).astype(bool).to_numpy()
    all_reasons = rows["outlier_reason"].astype(object).where(rows["outlier_reason"].notna(), None).to_numpy()
    domains = _stacked_panels(len(plan), min(0.12, 0.5 / len(plan)))
    line_hover = "<b>%{fullData.name}</b><br>" + _("%{x|%B %-d, %Y}: %{y:,}", lang) + "<extra></extra>"
    flag_hover = "<b>%{customdata[0]}</b><br>" \
        + _("%{x|%B %-d, %Y}: %{y:,} — flagged as a glitch: %{customdata[1]}", lang) + "<extra></extra>"
    traces: list[dict] = []
    layout: dict = {"annotations": []}
    colours: dict[str, str] = {}
    in_legend: set[str] = set()
    for i, (metric, portals) in enumerate(plan, start=1):
        suffix = "" if i == 1 else str(i)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        bottom, top = domains[i - 1]
        xaxis: dict = {"anchor": f"y{suffix}", "domain": [0.0, 1.0]}
        yaxis: dict = {"anchor": f"x{suffix}", "domain": [bottom, top], "rangemode": "tozero"}
        layout["annotations"].append(dict(
            text=f"<b>{to_label(metric_label(metric, lang))}</b>", xref="paper", yref="paper", x=0, y=top, xanchor="left",
            yanchor="bottom", showarrow=False, font=dict(size=15, color="#0b2f55")))
        labels_left = MAX_FLAG_LABELS
        panel_dates: list[str] = []
        panel_values: list[float] = []
        for portal in portals:
            colour = colours.setdefault(portal, _PORTAL_COLOURS[len(colours) % len(_PORTAL_COLOURS)])
            at = positions.get((metric, portal), [])
            dates = all_dates[at].tolist()
            values = [None if v != v else v for v in all_values[at].tolist()]  # NaN (a missing value) -> None: a gap
            flags = all_flags[at].tolist()
            reason_codes = all_reasons[at].tolist()
            panel_dates += dates
            panel_values += [v for v in values if v is not None]
            few = len(dates) <= 3
            traces.append(dict(
                type="scatter", x=dates, y=[None if f else v for v, f in zip(values, flags)],
                mode="lines+markers+text" if few else "lines", name=to_label(portal), legendgroup=portal,
                showlegend=portal not in in_legend, line=dict(color=colour, width=2),
                marker=dict(size=9, color=colour),
                text=[i18n.fmt_int(v, lang) if v is not None else "" for v in values] if few else None,
                textposition="top center", connectgaps=False, hovertemplate=line_hover, **axes,
            ))
            in_legend.add(portal)
            if any(flags):
                idx = [k for k, f in enumerate(flags) if f]
                starts = _runs_start(flags)
                text = []
                for k in idx:
                    label = starts[k] and labels_left > 0
                    labels_left -= int(label)
                    text.append(_("flagged", lang) if label else "")
                traces.append(dict(
                    type="scatter", x=[dates[k] for k in idx], y=[values[k] for k in idx], mode="markers+text",
                    name=_("Flagged as a glitch", lang), legendgroup="flagged", showlegend="flagged" not in in_legend,
                    marker=dict(symbol="x-thin-open", size=12, color=FLAGGED_COLOUR,
                                line=dict(width=3, color=FLAGGED_COLOUR)),
                    text=text, textposition="top center", textfont=dict(color="#a04000", size=13), cliponaxis=False,
                    customdata=[[to_label(portal), to_label(vocab.label(vocab.glitch_reason, reason_codes[k], lang)
                                                          or _("no reason given", lang))] for k in idx],
                    hovertemplate=flag_hover, **axes,
                ))
                in_legend.add("flagged")
        if len(panel_dates) <= 3:  # a lone point would get an axis of milliseconds: give it a year either side
            first, last = pd.Timestamp(min(panel_dates)), pd.Timestamp(max(panel_dates))
            xaxis.update(range=[(first - pd.Timedelta(days=365)).strftime("%Y-%m-%d"),
                                (last + pd.Timedelta(days=365)).strftime("%Y-%m-%d")],
                         dtick="M12", tickformat="%b %Y", tickangle=0)
            yaxis.update(range=[0, max(panel_values) * 1.35])
        layout[f"xaxis{suffix}"] = {**xaxis, "separatethousands": True}
        layout[f"yaxis{suffix}"] = {**yaxis, "separatethousands": True}
    layout.update(margin=dict(l=60, r=24, t=40, b=24), hovermode="closest",
                  legend=dict(orientation="h", yanchor="top", y=-0.07, xanchor="left", x=0),
                  separators=i18n.separators(lang))
    return assembled(traces, layout)
