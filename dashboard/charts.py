"""Every chart is a spec (rows -> pure figure -> sentence) drawn by one card component and a few generic callbacks.

A page declares its charts with `register(Chart(...))` and places `chart_card(chart_id, state)` in
its layout. The card carries the view state in a Store; the callbacks below draw the figure, its
sentence, caption, synthetic badge and data table. Its CSV link (csv_url) names the same view, and
dashboard.downloads streams exactly the rows drawn.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import config, data, figures, i18n, snapshots, state as state_mod, vocab
from dashboard.i18n import N_, _, ngettext

MAX_TABLE_ROWS = 50
URL = "_pages_location"  # Dash Pages' own dcc.Location: the URL is the single source of view state


@dataclass(frozen=True)
class Chart:
    id: str  # page-prefixed, e.g. "commitments-heatmap"
    title: str  # an English msgid
    rows: Callable[[state_mod.ViewState], pd.DataFrame]  # the rows behind the chart
    figure: Callable[..., go.Figure]  # pure builder: figure(rows, *, lang) -> go.Figure
    sentence: Callable[[pd.DataFrame, str], str]  # what the chart shows, in `lang`
    tables: tuple[str, ...]  # snapshot tables read, for the caption's sources
    columns: dict[str, str] = field(default_factory=dict)  # column -> header msgid for the data table
    on_click: Callable[[dict, state_mod.ViewState], str | None] | None = None  # href for a clicked mark
    empty: str = N_("Nothing matches these filters. Clear a filter to see more.")  # an English msgid
    keyed: bool = False  # True: rows(view, key) draws one record's data; chart_card(..., key=) names the record
    # The view fields rows(view) reads, when it reads only some (e.g. a series no filter but the period
    # applies to): views that differ elsewhere draw the same chart, so they share one rendering.
    # None: every field counts. The language and the snapshot always do.
    view_fields: tuple[str, ...] | None = None
    # Keyword options the view gives the figure and the sentence, e.g. {"align": view.align}.
    options: Callable[[state_mod.ViewState], dict] | None = None
    # The card's heading for a view, when it is not the title (e.g. "Canada, plan by plan"); None: the title.
    heading: Callable[[state_mod.ViewState], str | None] | None = None


def narrow_to_jurisdiction(path: str, index: int = 1) -> Callable[[dict, state_mod.ViewState], str | None]:
    """Return an on_click that links to `path` narrowed to the jurisdiction a clicked mark carries (customdata[index])."""
    def on_click(point: dict, view: state_mod.ViewState) -> str | None:
        custom = point.get("customdata") or []
        value = custom[index] if len(custom) > index else None
        return path + view.to_query(jurisdictions=(str(value),)) if value else None
    return on_click


REGISTRY: dict[str, Chart] = {}
# Row sets that are not charts but have a CSV link too (e.g. a page's table): name -> rows(view).
TABLE_DOWNLOADS: dict[str, Callable[[state_mod.ViewState], pd.DataFrame]] = {}


def register(chart: Chart) -> Chart:
    REGISTRY[chart.id] = chart
    return chart


def _cid(kind: str, chart_id: str) -> dict:
    return {"type": kind, "chart": chart_id}


def graph_config(lang: str, chart_id: str) -> dict:
    """Return the dcc.Graph config: locale, and no camera in the mode bar.

    The card's PNG and SVG buttons save the image (with its title, sentence and provenance, at print scale); the
    mode bar's camera would save a bare plot.
    """
    return {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["toImage"],
        **i18n.plotly_locale(lang),
    }


def chart_card(chart_id: str, view: state_mod.ViewState, *, height: int = 420, key: str | None = None) -> html.Section:
    """Return the card that shows one registered chart for `view` (and, for a keyed chart, the record `key`)."""
    chart = REGISTRY[chart_id]
    lang = view.lang
    title_id = f"{chart_id}-title"
    sentence_id = f"{chart_id}-sentence"
    heading = (chart.heading(view) if chart.heading else None) or _(chart.title, lang)
    return html.Section(
        className="chart-card card shadow-sm mb-4",
        **{"aria-labelledby": title_id},
        children=[
            dcc.Store(id=_cid("chart-state", chart_id),
                      data={"search": view.to_query(), **({"key": key} if key is not None else {})}),
            dcc.Store(id=_cid("chart-export", chart_id)),  # an image's title, sentence and provenance (provenance.py)
            html.Div(className="card-body", children=[
                html.H2(heading, id=title_id, className="h5 card-title"),
                html.P(id=sentence_id, className="chart-sentence lead-sm", **{"aria-live": "polite"},
                       children=html.Span(id=_cid("chart-sentence", chart_id))),
                html.Figure(
                    className=f"chart-figure chart-{chart_id} mb-2",
                    **{"aria-labelledby": title_id, "aria-describedby": sentence_id},
                    children=dcc.Loading(dcc.Graph(
                        id=_cid("chart-graph", chart_id),
                        config=graph_config(lang, chart_id),
                        style={"height": f"{height}px"},
                    ), type="dot", delay_show=300),
                ),
                html.Div(className="chart-footer d-flex flex-wrap align-items-center gap-2", children=[
                    html.Span(id=_cid("chart-badge", chart_id)),
                    html.Small(id=_cid("chart-caption", chart_id), className="chart-caption text-body-secondary me-auto"),
                    html.Div(className="btn-group btn-group-sm", role="group",
                             **{"aria-label": _("Export", lang)}, children=[
                        csv_link(chart_id, view, key=key, title=_("Download the rows behind this chart (CSV)", lang),
                                 className="btn btn-outline-primary"),
                        html.Button("PNG", id=_cid("chart-png", chart_id), className="btn btn-outline-primary",
                                    title=_("Save the chart as a PNG image", lang)),
                        html.Button("SVG", id=_cid("chart-svg", chart_id), className="btn btn-outline-primary",
                                    title=_("Save the chart as an SVG image", lang)),
                    ]),
                ]),
                html.Details(className="chart-table mt-2", children=[
                    html.Summary(_("Data table", lang)),
                    # A chart whose marks filter the page lists them as links here (chart_links), built when the
                    # table is first opened: the keyboard's way to every filter a click gives.
                    *([html.Div(id=_cid("chart-links", chart_id), className="chart-links")] if chart.on_click else []),
                    html.Div(id=_cid("chart-table", chart_id), className="table-responsive"),
                ], **({"id": _cid("chart-details", chart_id)} if chart.on_click else {})),
            ]),
        ],
    )


def served_snapshot(view: state_mod.ViewState) -> str | None:
    """Return the snapshot the view asks for when it exists, else None (the served one)."""
    return view.snapshot if view.snapshot and view.snapshot in data.available_snapshots() else None


def snapshot_of(view: state_mod.ViewState) -> snapshots.Snapshot:
    """Return the snapshot a view is drawn from: the one it asks for when it exists and verifies, else the served one."""
    snap = served_snapshot(view)
    if snap:
        try:
            return data.get_snapshot(snap)
        except data.QueryError:
            pass
    return data.current_snapshot()


def as_of(view: state_mod.ViewState) -> dt.date:
    """Return the day the view's snapshot was built: "overdue" and "past due" are judged against it, not the wall clock."""
    return snapshot_of(view).created_at.date()


# How a source's data date was found (the manifest's data_date_basis, written when the snapshot is built).
DATA_DATE_BASES = {
    "stated": N_("stated by the source"),
    "newest record": N_("date of its newest record"),
    "last-modified": N_("the server's Last-Modified date"),
}


def _manifest_date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def data_dates(snapshot, names: list[str] | None = None) -> list[tuple[str, dt.date | None, str | None]]:
    """Return (source, the date its data describes or None, how that date was found or None) per source of the snapshot.

    Only the sources in `names` when given, in the manifest's order. A snapshot built before sources
    recorded their data date has none: its sources come back with None, never with the build time.
    """
    out = []
    for src in snapshot.manifest.get("sources", []):
        name = src.get("name", "?")
        if names is not None and name not in names:
            continue
        basis = src.get("data_date_basis")
        out.append((name, _manifest_date(src.get("data_date")), basis if basis in DATA_DATE_BASES else None))
    return out


def data_date_text(date: dt.date | None, basis: str | None, lang: str, *, with_basis: bool = False) -> str:
    """Return a source's data date in words ("data as of July 31, 2024"), or that it was not recorded."""
    if date is None:
        return _("data date not recorded", lang)
    text = _("data as of {date}", lang, date=i18n.fmt_date(date, lang))
    if with_basis and basis in DATA_DATE_BASES:
        text += f" ({_(DATA_DATE_BASES[basis], lang)})"
    return text


def data_date_short(date: dt.date | None, lang: str) -> str:
    """Return a source's data date alone ("July 31, 2024"), or "date not recorded"."""
    return i18n.fmt_date(date, lang) if date is not None else _("date not recorded", lang)


def data_as_of_text(snapshot, lang: str) -> str:
    """Return "Data as of: <source> <its data date>; ..." for every source of the snapshot (the footer, briefings)."""
    dates = _("; ", lang).join(f"{name} {data_date_short(date, lang)}" for name, date, _basis in data_dates(snapshot))
    return _("Data as of: {dates}", lang, dates=dates or "–")


def built_text(snapshot, lang: str) -> str:
    """Return "Snapshot <id>, built <date>": the build time, never called the data's date."""
    return _("Snapshot {snapshot}, built {date}", lang, snapshot=snapshot.id,
             date=i18n.fmt_date(snapshot.created_at, lang))


def row_sources(rows: pd.DataFrame) -> list[str] | None:
    """Return the sources whose rows `rows` holds (a `source` column, or a `sources` list per row); None when it does not say."""
    found: set[str] = set()
    if "source" in rows.columns:
        found.update(str(v) for v in rows["source"].dropna())
    elif "sources" in rows.columns:
        for value in rows["sources"]:
            if value is not None and not isinstance(value, (str, float)):
                found.update(str(v) for v in list(value))
    else:
        return None
    return sorted(found)


def sources_caption(snapshot, tables: tuple[str, ...], lang: str, names: list[str] | None = None) -> str:
    """Return "Snapshot <id>, built <date> · Sources: <source> (data as of <date>), ...".

    The sources named are `names` (those whose rows a chart shows) when given, else every source that gave
    rows to `tables`; each with the date its data describes.
    """
    if names is None:
        names = [src.get("name", "?") for src in snapshot.manifest.get("sources", [])
                 if any((src.get("rows") or {}).get(tbl) for tbl in tables)]
    listed = {name: (date, basis) for name, date, basis in data_dates(snapshot, names)}
    # In the manifest's order (the sources file's), then any the manifest does not list.
    names = [name for name in listed] + [name for name in names if name not in listed]
    parts = [f"{name} ({data_date_text(*listed[name], lang)})" if name in listed else name for name in names]
    return _("{built} · Sources: {sources}", lang, built=built_text(snapshot, lang), sources=", ".join(parts) or "–")


def synthetic_count(rows: pd.DataFrame) -> int:
    """Return how many synthetic records stand behind `rows`."""
    if "synthetic_rows" in rows.columns:
        return int(pd.to_numeric(rows["synthetic_rows"], errors="coerce").fillna(0).sum())
    if "synthetic" in rows.columns:
        return int(rows["synthetic"].fillna(False).astype(bool).sum())
    return 0


def synthetic_badge(count: int, lang: str):
    if not count:
        return None
    return html.Span(_("Includes synthetic data", lang), className="badge text-bg-warning synthetic-badge",
                     title=ngettext("{n} generated record is included; it is marked synthetic in the data.",
                                  "{n} generated records are included; they are marked synthetic in the data.",
                                  count, lang))


def _cell(value, lang: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return _("yes", lang) if value else _("no", lang)
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(getattr(value, "dtype", ""))):
        return i18n.fmt_int(value, lang)
    if isinstance(value, float):
        return i18n.fmt_num(value, lang, 2 if abs(value) < 10 else 1)
    if isinstance(value, pd.Timestamp):
        return i18n.fmt_date(value.date(), lang, "medium")
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return ", ".join(map(str, list(value)))
    return str(value)


def data_table(rows: pd.DataFrame, columns: dict[str, str], lang: str, caption: str) -> html.Table:
    """Return an accessible HTML table of `rows` (the chart's text alternative)."""
    cols = [c for c in columns if c in rows.columns] or list(rows.columns)
    head = html.Thead(html.Tr([html.Th(_(columns.get(c, c), lang), scope="col") for c in cols]))
    body = html.Tbody([
        html.Tr([html.Td(_cell(rec[c], lang) if (shown := vocab.cell(c, rec, lang)) is None else shown) for c in cols])
        for rec in rows.head(MAX_TABLE_ROWS).to_dict("records")
    ])
    extra = []
    if len(rows) > MAX_TABLE_ROWS:
        extra = [html.Caption(_("First {n} of {total} rows; the CSV has them all.", lang,
                                n=MAX_TABLE_ROWS, total=i18n.fmt_int(len(rows), lang)))]
    else:
        extra = [html.Caption(caption, className="visually-hidden")]
    return html.Table(extra + [head, body], className="table table-sm table-striped align-middle")


def rows_for(chart_id: str, search: str, key: str | None = None) -> tuple[Chart, state_mod.ViewState, pd.DataFrame]:
    """Return the chart, the parsed view and exactly the rows the chart draws."""
    chart = REGISTRY[chart_id]
    view = state_mod.parse(search)
    return chart, view, (chart.rows(view, key) if chart.keyed else chart.rows(view))


def render(chart_id: str, search: str, key: str | None = None):
    """Return (figure, sentence, table, caption, badge) for a chart in a view."""
    chart, view, rows = rows_for(chart_id, search, key)
    lang = view.lang
    # The sources named are those whose rows are drawn, when the rows say; else those of the chart's tables.
    caption = sources_caption(snapshot_of(view), chart.tables, lang, names=row_sources(rows))
    if rows.empty:
        message = _(chart.empty, lang)
        return figures.empty_figure(message, lang=lang), message, html.P(message), caption, None
    options = chart.options(view) if chart.options else {}
    fig = chart.figure(rows, lang=lang, **options)
    sentence = chart.sentence(rows, lang, **options)
    table = data_table(rows, chart.columns, lang, _(chart.title, lang))
    return fig, sentence, table, caption, synthetic_badge(synthetic_count(rows), lang)


@callback(
    Output(_cid("chart-graph", MATCH), "figure"),
    Output(_cid("chart-sentence", MATCH), "children"),
    Output(_cid("chart-table", MATCH), "children"),
    Output(_cid("chart-caption", MATCH), "children"),
    Output(_cid("chart-badge", MATCH), "children"),
    Input(_cid("chart-state", MATCH), "data"),
)
def draw_chart(store):
    chart_id = ctx.outputs_list[0]["id"]["chart"]
    chart = REGISTRY.get(chart_id) if isinstance(chart_id, str) else None
    if chart is None:
        raise PreventUpdate  # a card id this app never drew: a tampered request
    key = _store(store).get("key")
    if key is not None and (not chart.keyed or state_mod.record_key(key) is None):
        raise PreventUpdate  # only a record's chart takes a key, and a key is a short string: a tampered request
    return _rendered(chart_id, render_search(chart, _search(store)), key, str(config.data_dir()),
                     data.current_snapshot().id)


def render_search(chart: Chart, search: str) -> str:
    """Return the view `chart` draws for `search`, as ViewState.to_query writes it: only its view_fields kept
    (with the language and snapshot) when it names them.

    The render cache is keyed on it, so junk in a URL (unknown keys, a 200 KB value) never makes a key.
    """
    view = state_mod.parse(search)
    if chart.view_fields is None:
        return view.to_query()
    kept = {name: getattr(view, name) for name in ("lang", "snapshot", *chart.view_fields)}
    return state_mod.ViewState(**kept).to_query()


@functools.lru_cache(maxsize=config.render_cache())
def _rendered(chart_id: str, search: str, key: str | None, data_dir: str, snapshot_id: str):
    """Return render(...) for a view of the served snapshot, kept: a view seen again costs no query, figure or table.

    Snapshots never change, and the served one's id is part of the key, so a new snapshot is drawn afresh.
    """
    return render(chart_id, search, key)


def _store(store) -> dict:
    """Return a chart card's store as the dict the app put there, or {} for whatever else was sent."""
    return store if isinstance(store, dict) else {}


def _search(store) -> str:
    return state_mod.store_text(store, "search", max_chars=state_mod.MAX_SEARCH_CHARS) or ""


def csv_url(name: str, view: state_mod.ViewState, key: str | None = None) -> str:
    """Return the address of the CSV of exactly the rows `name` (a chart or a registered table) shows for `view`.

    A plain link, streamed by the Flask route in dashboard.downloads: a large CSV never travels through a
    Dash callback (as JSON in the browser's memory), and the browser's own download manager takes it.
    """
    query = view.to_query()
    if key is not None:
        query += ("&" if query else "?") + "key=" + quote(key, safe="")
    return f"/download/view/{name}.csv{query}"


def csv_link(name: str, view: state_mod.ViewState, *, key: str | None = None, title: str, className: str) -> html.Div:
    """Return the "CSV" and "JSON" links of a chart card or table, side by side (downloads named for the rows and the snapshot).

    The JSON is the CSV's twin at the same address with .json: the same rows, with the snapshot, filters and
    sources (dashboard.downloads). Both links sit in a nested button group, so the card's group stays one row.
    """
    url = csv_url(name, view, key)
    json_url = url.replace(".csv", ".json", 1)
    return html.Div([
        html.A("CSV", href=url, download="", title=title, className=className),
        html.A("JSON", href=json_url, download="", className=className,
               title=_("The same rows as JSON, with the snapshot, filters and sources", view.lang)),
    ], className="btn-group btn-group-sm download-links", role="group")


def download_rows(name: str, search: str, key: str | None = None) -> tuple[pd.DataFrame, str]:
    """Return (rows, file name) for the CSV link of `name` in the view `search`; KeyError for an unknown name."""
    if name in REGISTRY:
        _, view, rows = rows_for(name, search, key if REGISTRY[name].keyed else None)
    else:
        rows_fn = TABLE_DOWNLOADS[name]
        view = state_mod.parse(search)
        rows = rows_fn(view)
    snapshot = view.snapshot or data.current_snapshot().id
    return rows, f"{name}_{snapshot}.csv"


@callback(
    Output(URL, "href", allow_duplicate=True),
    Input(_cid("chart-graph", ALL), "clickData"),
    State(_cid("chart-state", ALL), "data"),
    State(URL, "pathname"),
    prevent_initial_call=True,
)
def click_through(clicks, stores, pathname):
    trigger = ctx.triggered_id
    chart_id = trigger.get("chart") if isinstance(trigger, dict) else None
    chart = REGISTRY.get(chart_id) if isinstance(chart_id, str) else None
    graphs = [i["id"]["chart"] for i in ctx.inputs_list[0]]
    cards = [s["id"]["chart"] for s in ctx.states_list[0]]
    if chart is None or chart.on_click is None or chart_id not in graphs or chart_id not in cards:
        return dash.no_update
    click = clicks[graphs.index(chart_id)]
    points = click.get("points") if isinstance(click, dict) else None
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return dash.no_update
    view = state_mod.from_store(stores[cards.index(chart_id)])
    href = chart.on_click(points[0], view)
    return href if href else dash.no_update


# ---------------------------------------------------------------- the keyboard's way to a chart's filters

MAX_CHART_LINKS = 200  # a chart's marks listed as links (the densest heatmap has about 76 x 8 cells)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain(value):
    """Return a figure value as the browser sends it in a click: lists, not tuples or arrays; Python scalars."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist() if hasattr(value, "tolist") else value
        return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def _at(values, *index):
    """Return values[i][j]... or None when the figure has no such entry."""
    for i in index:
        if not isinstance(values, list) or not 0 <= i < len(values):
            return None
        values = values[i]
    return values


def _label_text(value, lang: str) -> str:
    """Return a point's axis label as words: Plotly's markup undone, a day written the language's way."""
    if value is None:
        return ""
    text = figures.from_label(str(value)).replace("<br>", " ").replace("<b>", "").replace("</b>", "")
    if _ISO_DAY.fullmatch(text[:10]) and len(text) in (10, 19):
        day = dt.date.fromisoformat(text[:10])
        return i18n.fmt_month(day, lang) if day.day == 1 else i18n.fmt_date(day, lang, "medium")
    return text


def chart_points(fig) -> list[tuple[dict, list]]:
    """Return every mark of `fig` a reader can click, as (the point Plotly's click sends, its label parts).

    The point carries what plotly.js puts in clickData: curveNumber, pointNumber, x, y (z for a heatmap
    cell) and the mark's customdata. Bars of no length and empty heatmap cells cannot be clicked and are left out.
    """
    traces = fig.data if hasattr(fig, "data") else (fig or {}).get("data", [])
    shown = [i for i, t in enumerate(traces) if t["visible"] in (None, True)]
    points: list[tuple[dict, list]] = []
    for curve, trace in enumerate(traces):
        if curve not in shown:
            continue
        kind = trace["type"] or "scatter"
        x, y, custom = _plain(trace["x"]), _plain(trace["y"]), _plain(trace["customdata"])
        name = str(trace["name"]) if len(shown) > 1 and trace["name"] else None
        if kind == "heatmap":
            z = _plain(trace["z"]) or []
            for i, row in enumerate(z):
                for j, value in enumerate(row or []):
                    if value is None:
                        continue
                    px, py = _at(x, j) if x else j, _at(y, i) if y else i
                    point = {"curveNumber": curve, "pointNumber": [i, j], "x": px, "y": py, "z": value}
                    if _at(custom, i, j) is not None:
                        point["customdata"] = _at(custom, i, j)
                    points.append((point, [py, px]))
            continue
        if kind not in ("bar", "scatter", "scattergl"):
            continue
        horizontal = trace["orientation"] == "h" if kind == "bar" else False
        for i in range(max(len(x or []), len(y or []))):
            px, py = _at(x, i), _at(y, i)
            value, category = (px, py) if horizontal else (py, px)
            if value is None or (kind == "bar" and value == 0):
                continue
            point = {"curveNumber": curve, "pointNumber": i, "pointIndex": i, "x": px, "y": py}
            if _at(custom, i) is not None:
                point["customdata"] = _at(custom, i)
            points.append((point, [category] + ([name] if name and name != category else [])))
    return points


def point_links(chart: Chart, fig, view: state_mod.ViewState) -> list[tuple[str, str]]:
    """Return (label, href) for each mark of `fig` that `chart.on_click` turns into a link: the same href a click gives."""
    if chart.on_click is None:
        return []
    links: dict[str, str] = {}
    for point, parts in chart_points(fig):
        href = chart.on_click(point, view)
        if href and href not in links:
            links[href] = " · ".join(t for t in (_label_text(p, view.lang) for p in parts) if t)
        if len(links) >= MAX_CHART_LINKS:
            break
    return [(label, href) for href, label in links.items()]


def links_list(links: list[tuple[str, str]], lang: str) -> html.Nav | None:
    """Return the chart's marks as a list of links, or None when none of them filters anything."""
    if not links:
        return None
    items = [html.Li(dcc.Link(label or href, href=href)) for label, href in links]
    note = [html.P(_("The first {n} links; the filters above reach the rest.", lang, n=MAX_CHART_LINKS),
                   className="small text-body-secondary mb-1")] if len(links) >= MAX_CHART_LINKS else []
    return html.Nav(**{"aria-label": _("Filter the page from this chart", lang)}, children=[
        html.P(_("Each link filters the page as clicking that part of the chart does:", lang), className="small mb-1"),
        *note,
        html.Ul(items, className="chart-links-list small"),
    ])


@callback(
    Output(_cid("chart-links", MATCH), "children"),
    Input(_cid("chart-details", MATCH), "n_clicks"),
    State(_cid("chart-state", MATCH), "data"),
    State(_cid("chart-links", MATCH), "children"),
    prevent_initial_call=True,
)
def chart_links(_clicks, store, shown):
    """Fill a chart's data table with links to the filters its marks give, the first time it is opened."""
    if shown:
        raise PreventUpdate
    chart_id = ctx.outputs_list["id"]["chart"]
    chart = REGISTRY.get(chart_id) if isinstance(chart_id, str) else None
    if chart is None or chart.on_click is None:
        raise PreventUpdate
    key = _store(store).get("key")
    if key is not None and (not chart.keyed or state_mod.record_key(key) is None):
        raise PreventUpdate
    view = state_mod.from_store(store)
    fig = _rendered(chart_id, render_search(chart, _search(store)), key, str(config.data_dir()),
                    data.current_snapshot().id)[0]
    return links_list(point_links(chart, fig, view), view.lang) or html.P(
        _("In this view, no part of this chart filters the page.", view.lang), className="small text-body-secondary")


# A PNG or SVG download: a copy of the drawn figure (the chart on screen is left as it is) with the chart's
# title and sentence above the plot and its provenance below it (snapshot, filters in words, sources and
# licences, data date), at IMAGE_SCALE. The server writes that text in the view's language into the card's
# chart-export store when a button is pressed (dashboard/provenance.py, export_image).
clientside_callback(
    r"""
    function(meta) {
        const none = dash_clientside.no_update;
        const trig = dash_clientside.callback_context.triggered_id;
        if (!meta || !trig || !window.Plotly) { return none; }
        const el = document.querySelector('.chart-' + CSS.escape(trig.chart) + ' .js-plotly-plot');
        if (!el || !el.data) { return none; }
        const copy = function (v) {
            if (Array.isArray(v)) { return v.map(copy); }
            if (ArrayBuffer.isView(v)) { return v.slice(); }
            if (v && typeof v === 'object' && !(v instanceof Date)) {
                const out = {};
                Object.keys(v).forEach(function (k) { out[k] = copy(v[k]); });
                return out;
            }
            return v;
        };
        // Plotly reads <b>, <br> and <span> in text: what the server wrote is escaped, then wrapped.
        const esc = function (t) {
            return String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        };
        const width = meta.width, pad = 32;  // CSS px between the image's edges and its text or axes
        // Lines are broken by an estimate of their width (about 0.55 em a character, 0.62 in bold), at plain
        // spaces only: French keeps its no-break spaces ("Filtres\u00a0:", "38\u202f146") whole.
        const wrap = function (text, px, em) {
            const most = Math.max(20, Math.floor((width - 2 * pad - 16) / (px * (em || 0.55))));
            const out = [];
            let line = '';
            String(text).split(/[ \t\r\n]+/).forEach(function (word) {
                if (line && (line + ' ' + word).length > most) { out.push(line); line = word; }
                else { line = line ? line + ' ' + word : word; }
            });
            if (line) { out.push(line); }
            return out.map(esc);
        };
        const titleLines = wrap(meta.title, 30, 0.62), sentenceLines = wrap(meta.sentence || '', 20);
        const footLines = [].concat.apply([], (meta.lines || []).map(function (l) { return wrap(l, 15); }));
        const drawn = (el._fullLayout && el._fullLayout._size) || {};
        const size = {l: drawn.l || 80, r: drawn.r || 80, t: drawn.t || 40, b: drawn.b || 60, h: drawn.h || 0};
        const layout = copy(el.layout || {});
        // Plotly sets a text's lines 1.3 font sizes apart: the title and the sentence are two annotations.
        const sentenceHeight = 20 * 1.3 * sentenceLines.length, titleHeight = 30 * 1.3 * titleLines.length;
        const head = titleHeight + sentenceHeight + 40;
        const foot = 15 * 1.35 * footLines.length + 28;
        // A chart drawn taller than the image's plot area (a heatmap of 75 rows) keeps its rows' height.
        const height = Math.max(meta.height, Math.round(size.h + size.t + size.b + head + foot));
        layout.width = width; layout.height = height; layout.autosize = false;
        layout.paper_bgcolor = layout.paper_bgcolor || '#ffffff';
        // The margins the screen's plot was given (axis labels, legend), widened by the words and by pad at the sides.
        layout.margin = Object.assign({}, layout.margin || {}, {
            l: Math.round(size.l + pad), r: Math.round(size.r + pad),
            t: Math.round(size.t + head), b: Math.round(size.b + foot)});
        const left = -size.l;  // from the plot's left edge to pad px inside the image's
        layout.annotations = (layout.annotations || []).concat([{
            text: '<b>' + titleLines.join('<br>') + '</b>', showarrow: false, align: 'left',
            xref: 'paper', x: 0, xanchor: 'left', xshift: left,
            yref: 'paper', y: 1, yanchor: 'bottom', yshift: size.t + 14 + sentenceHeight,
            font: {size: 30, color: '#111111'}
        }, {
            text: sentenceLines.join('<br>'), showarrow: false, align: 'left',
            xref: 'paper', x: 0, xanchor: 'left', xshift: left,
            yref: 'paper', y: 1, yanchor: 'bottom', yshift: size.t + 8,
            font: {size: 20, color: '#111111'}
        }, {
            text: footLines.join('<br>'), showarrow: false, align: 'left',
            xref: 'paper', x: 0, xanchor: 'left', xshift: left,
            yref: 'paper', y: 0, yanchor: 'top', yshift: -size.b - 12,
            font: {size: 15, color: '#333333'}
        }]);
        window.Plotly.downloadImage({data: copy(el.data), layout: layout, config: {}},
                                    {format: meta.format === 'svg' ? 'svg' : 'png', width: width, height: height,
                                     scale: meta.scale, filename: meta.filename});
        return none;
    }
    """,
    Output(_cid("chart-png", MATCH), "title"),
    Input(_cid("chart-export", MATCH), "data"),
    prevent_initial_call=True,
)


def store_json(view: state_mod.ViewState) -> str:
    return json.dumps({"search": view.to_query()})
