"""Figure builders for the learning page: pure functions (rows, *, lang, ...) -> go.Figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocab
from dashboard.figures.base import PALETTE, figure, to_label, trace
from dashboard.figures.datasets import hbar_ranked, label_of, wrap_label
from dashboard.i18n import _, ngettext

__all__ = [
    "linked_groups",
    "learning_by_period", "learning_by_jurisdiction", "learning_by_organizer", "learners_per_event_dots",
    "learning_linked_bars", "reach_text", "TOP_REACH", "LINKED_MAX",
]

LINKED_MAX = 12
TOP_REACH = 12  # bars per reach chart: two-line labels need about 36 px each
LABEL_WRAP = 22  # characters per label line: French organizer names (“… : équipe du gouvernement ouvert”) fit a phone


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def reach_text(events, learners, organisations, lang: str) -> str:
    """Return "34 events · 1,800 learners · 26 organisations" in `lang`, leaving out what is not known."""
    parts = [ngettext("{n} event", "{n} events", _int(events), lang),
             ngettext("{n} learner", "{n} learners", _int(learners), lang)]
    if _int(organisations) is not None:
        parts.append(ngettext("{n} organisation", "{n} organisations", _int(organisations), lang))
    return " · ".join(parts)


EVENTS_HEADROOM = 1.3  # the events' axis ends this far above the most events, when bar values are printed


def learning_by_period(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return learners per reporting period (bars) and events (diamonds, right axis), periods as the sources give them."""
    periods = [to_label(p) for p in rows["period"]]  # as the sources give them: plain text
    learners = [int(v) for v in rows["learners"]]
    events = [int(v) for v in rows["events"]]
    custom = [[pd.Timestamp(s).strftime("%Y-%m-%d"), pd.Timestamp(e).strftime("%Y-%m-%d")]
              for s, e in zip(rows["period_start"], rows["period_end"])]
    few = len(periods) <= 12
    bars = trace("bar",
        x=periods, y=learners, name=_("Learners", lang), marker=dict(color=PALETTE[0]), customdata=custom,
        text=[str(v) for v in learners] if few else None, texttemplate="%{y:,}" if few else None,
        textposition="outside" if few else None,
        cliponaxis=False,
        hovertemplate=_("%{x}: %{y:,} learners", lang) + "<extra></extra>",
    )
    dots = trace("scatter",
        x=periods, y=events, name=_("Events (right axis)", lang), yaxis="y2", mode="lines+markers",
        line=dict(color=PALETTE[1], width=2), marker=dict(symbol="diamond", size=9, color=PALETTE[1]),
        customdata=custom, hovertemplate=_("%{x}: %{y:,} events", lang) + "<extra></extra>",
    )
    return figure(
        [bars, dots], lang=lang, thousands=True,
        xaxis=dict(type="category", categoryorder="array", categoryarray=periods, title=None),
        yaxis=dict(title=_("Learners", lang), rangemode="tozero"),
        yaxis2=dict(title=dict(text=_("Events", lang), font=dict(color="#8a5a00")), overlaying="y", side="right",
                    rangemode="tozero", showgrid=False, tickfont=dict(color="#8a5a00"), tickmode="auto",
                    # With the learners printed above the bars, the events' axis gets headroom so that a diamond
                    # stays below the number over its bar (one period on the real data drew it on the number).
                    **({"range": [0, max(events) * EVENTS_HEADROOM]} if few and events and max(events) > 0 else {})),
        bargap=0.2, hovermode="closest", margin=dict(l=60, r=70, t=36, b=40),
    )


def _reach_bars(labels: list[str], rows: pd.DataFrame, lang: str, ids: list, colour: str,
                hover: str = "<b>%{customdata[0]}</b><br>%{customdata[2]}") -> go.Figure:
    """Return learners as ranked bars, the count printed (short enough for a phone), the whole reach in the hover."""
    learners = [int(v) for v in rows["learners"]]
    reach = [reach_text(e, n, o, lang) for e, n, o in zip(rows["events"], rows["learners"], rows["organisations"])]
    return hbar_ranked(labels, learners, [i18n.fmt_int(n, lang) for n in learners], lang=lang,
                       customdata=[[i, r] for i, r in zip(ids, reach)], colour=colour,
                       hover=hover, axis_title=_("Learners", lang),
                       wrap=LABEL_WRAP)


def learning_by_jurisdiction(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_REACH) -> go.Figure:
    """Return learners per jurisdiction (the `top_n` largest) as ranked bars; events and organisations in the hover."""
    rows = rows.head(top_n)
    records = rows.to_dict("records")
    labels = [label_of(r, lang, "jurisdiction_name_en", "jurisdiction_name_fr", "jurisdiction_id") for r in records]
    return _reach_bars(labels, rows, lang, [r["jurisdiction_id"] for r in records], PALETTE[0])


def learning_by_organizer(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_REACH) -> go.Figure:
    """Return learners per organizer (the `top_n` largest) as ranked bars; events and organisations in the hover."""
    top = rows.head(top_n)
    labels = [vocab.label(vocab.organizer, o, lang) for o in top["organizer"]]
    return _reach_bars(labels, top, lang, [None] * len(top), PALETTE[2])


def learners_per_event_dots(rows: pd.DataFrame, *, lang: str, top_n: int = TOP_REACH) -> go.Figure:
    """Return learners per event for each organizer as a lollipop chart, most per event on top, values printed."""
    data = rows[rows["learners_per_event"].notna()].sort_values(["learners_per_event", "organizer"],
                                                                ascending=[False, True]).head(top_n)
    labels = [vocab.label(vocab.organizer, o, lang) for o in data["organizer"]]
    short = [wrap_label(lbl, LABEL_WRAP) for lbl in labels]
    values = [round(float(v), 1) for v in data["learners_per_event"]]
    stems = trace("bar", x=values, y=short, orientation="h", width=0.12, marker=dict(color="#9aa3ad"),
                   hoverinfo="skip", showlegend=False)
    dots = trace("scatter",
        x=values, y=short, mode="markers+text", marker=dict(size=14, color=PALETTE[3], line=dict(width=1, color="#1b1f24")),
        text=[i18n.fmt_num(v, lang, 0 if v >= 100 else 1) for v in values], textposition="middle right",
        customdata=[[to_label(lbl), int(e)] for lbl, e in zip(labels, data["events"])], cliponaxis=False,
        showlegend=False,
        hovertemplate=_("%{customdata[0]}: %{x:,.1f} learners per event (%{customdata[1]:,} events)", lang)
        + "<extra></extra>",
    )
    return figure(
        [stems, dots], lang=lang, thousands=True,
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(short)), title=None, ticklabelstandoff=8),
        xaxis=dict(title=_("Learners per event", lang), rangemode="tozero", showticklabels=False, showgrid=False),
        margin=dict(l=8, r=60, t=16, b=48),
    )


def linked_groups(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the rows totalled per commitment and organizer, real rows kept, at most LINKED_MAX, most learners first."""
    if "records" in rows.columns:
        return rows  # totalled already: the page's rows are these groups, so the CSV matches the bars
    grouped = (rows.assign(synthetic_rows=pd.to_numeric(rows["synthetic_rows"]).fillna(0),
                           records=1)
               .groupby(["commitment_id", "organizer"], as_index=False, dropna=False)
               .agg(events=("events", "sum"), learners=("learners", "sum"),
                    organisations=("organisations", lambda s: s.sum(min_count=1)),
                    synthetic_rows=("synthetic_rows", "sum"), records=("records", "sum")))
    grouped["real"] = grouped["synthetic_rows"] < grouped["records"]
    grouped = grouped.sort_values(["real", "learners", "commitment_id", "organizer"],
                                  ascending=[False, False, True, True]).head(LINKED_MAX)
    return grouped.sort_values(["commitment_id", "learners"], ascending=[True, False]).reset_index(drop=True)


def learning_linked_bars(rows: pd.DataFrame, *, lang: str) -> go.Figure:
    """Return learners per commitment and organizer for events that name their commitment; the whole reach in the hover."""
    groups = linked_groups(rows)
    labels = [f"{c} · {vocab.label(vocab.organizer, o, lang)}"
              for c, o in zip(groups["commitment_id"], groups["organizer"])]
    return _reach_bars(labels, groups, lang, list(groups["commitment_id"]), PALETTE[4],
                       hover="<b>%{customdata[0]}</b><br>%{customdata[2]}<br>" + _("Click to open the commitment.", lang))
