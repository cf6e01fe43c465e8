"""The provenance of a view: its snapshot, its filters in words, its sources with their licences, its data date.

Every export says where it comes from through this one module: chart images (PNG/SVG, the export callback
below), briefings (dashboard/brief.py) and downloads (CSV/JSON).

    describe(view, lang=None, *, snapshot=None, tables=None, names=None) -> Provenance

- `view`: a state.ViewState; `lang` defaults to view.lang. Everything returned is in that language.
- `snapshot`: the snapshots.Snapshot described; default charts.snapshot_of(view) (the one the view asks for
  when it exists, else the served one).
- `tables` / `names`: which of the snapshot's sources are named. `names` (source names, e.g. those whose rows a
  chart draws, charts.row_sources(rows)) wins; else every source that gave rows to one of `tables` (a chart's
  Chart.tables); neither: every source of the snapshot. The same rule as a chart card's caption.

    Provenance(lang, snapshot_id, built: datetime, filters: tuple[(label, value in words)],
               sources: tuple[SourceInfo], data_date: date | None)
    SourceInfo(name, kind, licence, licence_short, licence_url, attribution, data_date, data_date_basis,
               retrieved_at)

- filters: only those applied, labelled as the filter bar labels them ("Jurisdiction", "Territoire" in French)
  and valued as the page names them ("Canada", never "ca"; statuses and levels by their names, cycles as the
  filter shows them, the period in words). Empty: no filter.
- licence: the terms of the source's kind as the /data page states them (SOURCE_KINDS, translated);
  licence_short: a short name for a one-line source credit (chart images); licence_url: the licence's page in
  `lang`, or None; attribution: the sources file's own credit line (publisher, licence, retrieval), as written.
- data_date: the date each source's data describes (the manifest's data_date), None when not recorded; the
  view's data_date is the newest of its sources'.

Methods, all in the Provenance's language:
- lines() -> list[str]: the human lines ("Snapshot <id>, built <date>", "Filters: ...", "Sources: ...",
  "Data as of ..."), for a CSV preamble, a briefing or an image.
- filters_text() / sources_text(short=False) / data_date_text(): each of those lines alone.
- as_dict() -> dict: plain JSON (ids, ISO dates) for machine-readable exports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dash import MATCH, Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate

from dashboard import charts, data, i18n, licences, playlists, progress, snapshots, state as state_mod, vocab
from dashboard.components import FILTERS
from dashboard.i18n import N_, _

# The terms of each kind of source (the /data page's table), a short name of each for image credits, and
# licence(kind, lang) live in dashboard/licences.py, which writing a snapshot's datapackage.json reads too.
OGL_CANADA, SOURCE_KINDS, LICENCE_SHORT = licences.OGL_CANADA, licences.SOURCE_KINDS, licences.LICENCE_SHORT
STATUS_LABEL = N_("Status")  # the status tiles' filter (the URL's status=), not in the filter bar
SEARCH_LABEL = N_("Words searched")  # the commitments page's search box (the URL's q=)
UNKNOWN_TERMS = licences.UNKNOWN_TERMS
licence = licences.licence


@dataclass(frozen=True)
class SourceInfo:
    name: str
    kind: str
    licence: str
    licence_short: str
    licence_url: str | None
    attribution: str | None
    data_date: dt.date | None
    data_date_basis: str | None
    retrieved_at: str | None


@dataclass(frozen=True)
class Provenance:
    lang: str
    snapshot_id: str
    built: dt.datetime
    filters: tuple[tuple[str, str], ...]
    sources: tuple[SourceInfo, ...]
    data_date: dt.date | None

    def snapshot_text(self) -> str:
        """Return "Snapshot <id>, built <date>" (the build time, never called the data's date)."""
        return _("Snapshot {snapshot}, built {date}", self.lang, snapshot=self.snapshot_id,
                 date=i18n.fmt_date(self.built, self.lang))

    def filters_text(self) -> str:
        """Return "Filters: Jurisdiction: Canada; Level: National", or that there is none."""
        if not self.filters:
            return _("Filters: none, everything in the snapshot", self.lang)
        colon = "\u00a0:" if self.lang == "fr" else ":"  # French sets a space before the colon
        return _("Filters: {filters}", self.lang,
                 filters=_("; ", self.lang).join(f"{label}{colon} {value}" for label, value in self.filters))

    def source_text(self, source: SourceInfo, *, short: bool = False) -> str:
        """Return "<name> (<licence>; data as of <date>)"."""
        return _("{source} ({licence}; {date})", self.lang, source=source.name,
                 licence=source.licence_short if short else source.licence,
                 date=charts.data_date_text(source.data_date, source.data_date_basis, self.lang))

    def sources_text(self, *, short: bool = False) -> str:
        """Return "Sources: <source> (<licence>; data as of <date>), ..."."""
        return _("Sources: {sources}", self.lang,
                 sources=" · ".join(self.source_text(s, short=short) for s in self.sources) or "–")

    def data_date_text(self) -> str:
        """Return "Data as of <date>" (the newest of its sources' data dates), or that none was recorded."""
        if self.data_date is None:
            return _("Data date not recorded", self.lang)
        return _("Data as of {date}", self.lang, date=i18n.fmt_date(self.data_date, self.lang))

    def lines(self, *, short: bool = False) -> list[str]:
        """Return the provenance in words, one statement a line: snapshot, filters, sources and licences, data date."""
        return [self.snapshot_text(), self.filters_text(), self.sources_text(short=short), self.data_date_text()]

    def as_dict(self) -> dict:
        """Return the provenance as plain JSON values (ISO dates), labels and terms in the Provenance's language."""
        return {
            "lang": self.lang,
            "snapshot": self.snapshot_id,
            "built": self.built.isoformat(),
            "filters": [{"filter": label, "value": value} for label, value in self.filters],
            "sources": [{"name": s.name, "kind": s.kind, "licence": s.licence, "licence_url": s.licence_url,
                         "attribution": s.attribution, "retrieved_at": s.retrieved_at,
                         "data_date": s.data_date.isoformat() if s.data_date else None,
                         "data_date_basis": s.data_date_basis} for s in self.sources],
            "data_date": self.data_date.isoformat() if self.data_date else None,
        }


def jurisdiction_names(snapshot_id: str | None, lang: str) -> dict[str, str]:
    """Return jurisdiction id -> its name in `lang`, as the filter bar names it (French name where there is one)."""
    options = data.query("filter_options", snapshot=snapshot_id)
    rows = options[options["kind"] == "jurisdiction"]
    return {r.value: (r.label_fr if lang == "fr" and isinstance(r.label_fr, str) and r.label_fr else r.label_en)
            for r in rows.itertuples()}


def period_text(date_from: dt.date | None, date_to: dt.date | None, lang: str) -> str:
    """Return the period in words, as the filter bar says it: "from May 1, 2024 to June 30, 2024", "up to ..."."""
    if date_from and date_to:
        return _("from {start} to {end}", lang, start=i18n.fmt_date(date_from, lang), end=i18n.fmt_date(date_to, lang))
    if date_from:
        return _("from {start}", lang, start=i18n.fmt_date(date_from, lang))
    if date_to:
        return _("up to {end}", lang, end=i18n.fmt_date(date_to, lang))
    return _("all dates", lang)


def filters_in_words(view: state_mod.ViewState, lang: str | None = None, *,
                     snapshot_id: str | None = None) -> list[tuple[str, str]]:
    """Return the filters a view applies as (label, value in words), in the filter bar's order; [] for none."""
    lang = lang or view.lang
    names = jurisdiction_names(snapshot_id, lang) if view.jurisdictions else {}
    words = {
        "jurisdictions": lambda v: names.get(v, v),
        "levels": lambda v: _(progress.LEVELS[v], lang) if v in progress.LEVELS else v,
        "cycles": vocab.cycle_label,
    }
    applied = [(_(label, lang), ", ".join(words[field](v) for v in getattr(view, field)))
               for _key, field, label in FILTERS if getattr(view, field)]
    if view.date_from or view.date_to:
        applied.append((_("Period", lang), period_text(view.date_from, view.date_to, lang)))
    if view.statuses:
        applied.append((_(STATUS_LABEL, lang), ", ".join(progress.progress_label(s, lang) for s in view.statuses)))
    if view.q:
        applied.append((_(SEARCH_LABEL, lang), f"“{view.q}”" if lang == "en" else f"«\u00a0{view.q}\u00a0»"))
    return applied


def describe(view: state_mod.ViewState, lang: str | None = None, *, snapshot: snapshots.Snapshot | None = None,
             tables: tuple[str, ...] | None = None, names: list[str] | None = None) -> Provenance:
    """Return the provenance of `view` in `lang` (default the view's): see the module's docstring."""
    lang = i18n.lang_or_default(lang or view.lang)
    snap = snapshot or charts.snapshot_of(view)
    manifest_sources = snap.manifest.get("sources", [])
    if names is None and tables is not None:
        names = [s.get("name", "?") for s in manifest_sources
                 if any((s.get("rows") or {}).get(table) for table in tables)]
    dates = {name: (date, basis) for name, date, basis in charts.data_dates(snap, names)}
    sources = []
    for src in manifest_sources:
        name = src.get("name", "?")
        if name not in dates:
            continue
        terms, short, link = licence(src.get("kind"), lang)
        attribution = src.get("attribution")
        sources.append(SourceInfo(
            name=name, kind=str(src.get("kind", "")), licence=terms, licence_short=short, licence_url=link,
            attribution=attribution if isinstance(attribution, str) and attribution else None,
            data_date=dates[name][0], data_date_basis=dates[name][1],
            retrieved_at=src.get("retrieved_at") if isinstance(src.get("retrieved_at"), str) else None))
    known = [s.data_date for s in sources if s.data_date is not None]
    return Provenance(lang=lang, snapshot_id=snap.id, built=snap.created_at,
                      filters=tuple(filters_in_words(view, lang, snapshot_id=snap.id if view.snapshot else None)),
                      sources=tuple(sources), data_date=max(known) if known else None)


# ---------------------------------------------------------------- chart images

IMAGE_SIZE = (1920, 1080)  # CSS pixels of a PNG/SVG download: a 16:9 slide
IMAGE_SCALE = 2  # device pixels per CSS pixel: a PNG of 3840 x 2160, print resolution


def _file_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60]


def chart_image(chart_id: str, search: str, key: str | None = None) -> dict:
    """Return what a chart image carries besides its plot: title, sentence, provenance lines, file name, size.

    All in the view's language; the sources named are those the card's caption names (the rows' own, else
    those of the chart's tables). The sentence is the card's without its web instructions ("Click a bar to
    filter ..."): an image has no mouse (playlists.findings, as a slide's note).
    """
    chart, view, rows = charts.rows_for(chart_id, search, key)
    lang = view.lang
    _fig, sentence, _table, _caption, _badge = charts.render(chart_id, view.to_query(), key)
    heading = (chart.heading(view) if chart.heading else None) or _(chart.title, lang)
    prov = describe(view, lang, tables=chart.tables, names=charts.row_sources(rows))
    filename = "_".join(p for p in (chart_id, _file_part(key or ""), prov.snapshot_id, lang) if p)
    width, height = IMAGE_SIZE
    return {"title": heading, "sentence": " ".join(playlists.findings(str(sentence))),
            "lines": prov.lines(short=True), "filename": filename, "width": width, "height": height,
            "scale": IMAGE_SCALE}


@callback(
    Output({"type": "chart-export", "chart": MATCH}, "data"),
    Input({"type": "chart-png", "chart": MATCH}, "n_clicks"),
    Input({"type": "chart-svg", "chart": MATCH}, "n_clicks"),
    State({"type": "chart-state", "chart": MATCH}, "data"),
    prevent_initial_call=True,
)
def export_image(png_clicks, svg_clicks, store):
    """Answer a card's PNG or SVG button with what the image carries; the clientside callback in charts.py draws it."""
    trigger = ctx.triggered_id
    chart_id = trigger.get("chart") if isinstance(trigger, dict) else None
    chart = charts.REGISTRY.get(chart_id) if isinstance(chart_id, str) else None
    if chart is None:
        raise PreventUpdate  # a card id this app never drew: a tampered request
    store = store if isinstance(store, dict) else {}
    key = store.get("key")
    if key is not None and (not chart.keyed or state_mod.record_key(key) is None):
        raise PreventUpdate
    search = state_mod.store_text(store, "search", max_chars=state_mod.MAX_SEARCH_CHARS) or ""
    clicks = [n if isinstance(n, int) else 0 for n in (png_clicks, svg_clicks)]
    return {**chart_image(chart_id, search, key), "format": "svg" if trigger.get("type") == "chart-svg" else "png",
            "request": sum(clicks)}
