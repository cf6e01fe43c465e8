"""Playlists for presentation mode: TOML files of slides, each a dashboard view (its URL) and the chart to show;
and a slide as a room sees it (render_slide), for /present and `ogdash export-site` alike."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import plotly.graph_objects as go

from dashboard import charts as charts_mod, config, figures, i18n, sitemap, state as state_mod
from dashboard.figures import slides as room
from dashboard.i18n import _

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")
DEFAULT_INTERVAL = 20  # seconds per slide
MIN_INTERVAL, MAX_INTERVAL = 2, 3600


class PlaylistError(ValueError):
    """A playlist file that cannot be played; the message names the file, the slide and the value."""


@dataclass(frozen=True)
class Slide:
    view: str  # a dashboard URL: path and query string
    chart: str  # a registered chart id
    title: dict[str, str] = field(default_factory=dict)  # optional {lang: title} overriding the chart's title

    @property
    def path(self) -> str:
        return urlsplit(self.view).path or "/"

    def search(self, lang: str) -> str:
        """Return the slide view's query string with the language set to `lang`."""
        view = state_mod.parse(urlsplit(self.view).query)
        return view.to_query(lang=lang)


@dataclass(frozen=True)
class Playlist:
    name: str
    path: Path
    slides: tuple[Slide, ...]
    title: dict[str, str] = field(default_factory=dict)
    interval: int = DEFAULT_INTERVAL

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.name


def playlists_dir() -> Path:
    """Return the folder of playlist files: $OGDASH_PLAYLISTS_DIR, else the playlists shipped with the package."""
    return config.playlists_dir()


def _titles(value, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict) or not all(k in i18n.LANGS and isinstance(v, str) for k, v in value.items()):
        raise PlaylistError(f"{where}: title must be a string or a table of {', '.join(i18n.LANGS)} strings, "
                            f"not {value!r}")
    return dict(value)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.PROJECT_DIR))
    except ValueError:
        return str(path)


def load(path: Path | str, charts: dict | None = None) -> Playlist:
    """Return the playlist in `path`, checked against the registered `charts`; raise PlaylistError naming what is wrong."""
    path = Path(path)
    known = charts if charts is not None else charts_mod.REGISTRY
    shown = _display(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlaylistError(f"{shown}: no such playlist file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlaylistError(f"{shown}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"title", "interval", "slide"})
    if unknown:
        raise PlaylistError(f"{shown}: unknown key(s) {', '.join(unknown)} (known: title, interval, slide)")
    interval = doc.get("interval", DEFAULT_INTERVAL)
    if not isinstance(interval, int) or isinstance(interval, bool) or not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise PlaylistError(f"{shown}: interval must be a whole number of seconds from {MIN_INTERVAL} to "
                            f"{MAX_INTERVAL}, not {interval!r}")
    raw_slides = doc.get("slide")
    if not isinstance(raw_slides, list) or not raw_slides:
        raise PlaylistError(f"{shown}: no slides (add [[slide]] tables with view and chart)")
    slides = []
    for number, raw in enumerate(raw_slides, start=1):
        where = f"{shown}, slide {number}"
        extra = sorted(set(raw) - {"view", "chart", "title"})
        if extra:
            raise PlaylistError(f"{where}: unknown key(s) {', '.join(extra)} (known: view, chart, title)")
        view, chart = raw.get("view"), raw.get("chart")
        if not isinstance(view, str) or not view.startswith("/"):
            raise PlaylistError(f"{where}: view must be a dashboard URL starting with '/', not {view!r}")
        parts = urlsplit(view)
        if parts.scheme or parts.netloc or parts.path not in sitemap.CHART_PAGES:
            raise PlaylistError(f"{where}: view {view!r} is not a page that draws charts "
                                f"(one of {', '.join(sitemap.CHART_PAGES)})")
        notices = state_mod.parse(parts.query).notices
        if notices:
            key, value = notices[0]
            raise PlaylistError(f"{where}: view {view!r} has a value the dashboard does not accept: {key}={value!r}")
        if not isinstance(chart, str) or chart not in known:
            choices = ", ".join(sorted(c for c, spec in known.items() if not getattr(spec, "keyed", False)))
            raise PlaylistError(f"{where}: unknown chart {chart!r} (known: {choices})")
        if getattr(known[chart], "keyed", False):
            raise PlaylistError(f"{where}: chart {chart!r} draws one record, so it cannot be a slide")
        slides.append(Slide(view=view, chart=chart, title=_titles(raw.get("title"), where)))
    return Playlist(name=path.stem, path=path, slides=tuple(slides), title=_titles(doc.get("title"), shown),
                    interval=interval)


def named(name: str, charts: dict | None = None) -> Playlist:
    """Return the playlist `<name>.toml` in playlists_dir(); raise PlaylistError for a name that is not one."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise PlaylistError(f"{name!r} is not a playlist name (lowercase letters, digits, - and _)")
    return load(playlists_dir() / f"{name}.toml", charts)


def available() -> list[str]:
    """Return the names of the playlist files in playlists_dir()."""
    folder = playlists_dir()
    return sorted(p.stem for p in folder.glob("*.toml") if NAME_RE.match(p.stem)) if folder.is_dir() else []


# ---------------------------------------------------------------- a slide, as a room sees it

# Words that make a sentence an instruction to someone at a screen with a mouse: a page's sentence may end with
# one ("Select a cell to list those commitments."), a slide's note never does (a hall has no mouse). Matched
# whole-word and case-insensitively; the test of every slide reads this list too.
INSTRUCTIONS = {
    "en": ("select", "click", "hover", "tap", "use the filters", "download", "clear a filter", "widen the period",
           "CSV", "the table"),
    "fr": ("sélectionnez", "cliquez", "survolez", "touchez", "appuyez", "utilisez les filtres", "téléchargez",
           "retirez un filtre", "élargissez la période", "CSV", "le tableau"),
}
_INSTRUCTION_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for words in INSTRUCTIONS.values() for w in words)
                             + r")\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def instructions_in(text: str) -> list[str]:
    """Return the words of INSTRUCTIONS (either language's, whole words, any case) that `text` holds, in order."""
    return [m.group(0) for m in _INSTRUCTION_RE.finditer(text or "")]


ROOM_NOTE_CHARS = 260  # a slide's note: about three lines a hall reads from the back, beside the chart


def findings(sentence: str) -> list[str]:
    """Return the sentences of a chart's sentence that state a finding, in order: those that tell a reader at a
    screen what to do with the page (select, click, download ...) left out. Slide notes and chart images say these."""
    return [part for part in _SENTENCE_END.split(str(sentence or "").strip()) if part and not instructions_in(part)]


def room_note(sentence: str) -> str:
    """Return a chart's sentence as a slide's note: its findings, no longer than ROOM_NOTE_CHARS (the first
    finding is always kept; the page's sentence and its data table have the rest)."""
    found = findings(sentence)
    kept = found[:1]
    for part in found[1:]:
        if len(" ".join([*kept, part])) > ROOM_NOTE_CHARS:
            break
        kept.append(part)
    return " ".join(kept)


@dataclass(frozen=True)
class SlideContent:
    figure: go.Figure  # restyled for a room (figures.slides.for_room)
    title: str
    note: str  # the finding, for an audience
    caption: str  # the snapshot, each shown source and its data date
    rule: str = ""  # what a cut chart keeps ("The 12 members with the most commitments, of 76"); "" when uncut


def render_slide(slide: Slide, lang: str) -> SlideContent:
    """Return what slide `slide` shows a room in `lang`: its chart's rows (cut to what a room reads, with the rule),
    the figure restyled for a room, the title, the note and the caption."""
    lang = i18n.lang_or_default(lang)
    chart, view, rows = charts_mod.rows_for(slide.chart, slide.search(lang))
    title = slide.title.get(lang) or _(chart.title, lang)
    rows, rule = room.room_rows(slide.chart, rows, lang)
    caption = charts_mod.sources_caption(charts_mod.snapshot_of(view), chart.tables, lang,
                                         names=charts_mod.row_sources(rows))
    if rows.empty:
        note = room_note(_(chart.empty, lang))
        return SlideContent(room.for_room(figures.empty_figure(note, lang=lang)), title, note, caption)
    options = chart.options(view) if chart.options else {}
    fig = chart.figure(rows, lang=lang, **options)
    note = room_note(chart.sentence(rows, lang, **options))
    return SlideContent(room.for_room(fig), title, note, caption, rule or "")


# ---------------------------------------------------------------- where a presentation is, in its URL

@dataclass(frozen=True)
class Show:
    """Where a presentation is: which playlist, which slide (1-based), language, paused, seconds per slide."""

    playlist: str = "default"
    slide: int = 1
    lang: str = i18n.DEFAULT_LANG
    paused: bool = False
    interval: int | None = None  # None: the playlist's own

    def to_query(self, **changes) -> str:
        s = replace(self, **changes) if changes else self
        pairs = [("playlist", s.playlist), ("slide", str(s.slide))]
        if s.lang != i18n.DEFAULT_LANG:
            pairs.append(("lang", s.lang))
        if s.paused:
            pairs.append(("paused", "1"))
        if s.interval is not None:
            pairs.append(("interval", str(s.interval)))
        return "?" + urlencode(pairs)


def parse_show(search) -> Show:
    """Return the Show in a query string (or layout kwargs); bad values fall back to defaults, never raises."""
    if isinstance(search, dict):
        items = [(str(k), str(v)) for k, v in search.items()]
    elif isinstance(search, str):
        items = parse_qsl(search.lstrip("?"))
    else:
        items = []
    values: dict = {}
    for key, raw in items:
        raw = raw[:100]
        if key == "playlist" and NAME_RE.match(raw):
            values["playlist"] = raw
        elif key == "slide" and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 1000:
            values["slide"] = int(raw)
        elif key == "lang" and raw in i18n.LANGS:
            values["lang"] = raw
        elif key == "paused":
            values["paused"] = raw in ("1", "true", "yes")
        elif key == "interval" and raw.isascii() and raw.isdigit() and \
                MIN_INTERVAL <= int(raw) <= MAX_INTERVAL:
            values["interval"] = int(raw)
    return Show(**values)


def step(show: Show, trigger: str | None, count: int) -> Show:
    """Return the Show after a control (next, prev, pause, lang or the timer) acted on it."""
    if trigger in ("present-next", "present-timer"):
        return replace(show, slide=show.slide % count + 1)
    if trigger == "present-prev":
        return replace(show, slide=(show.slide - 2) % count + 1)
    if trigger == "present-pause":
        return replace(show, paused=not show.paused)
    if trigger == "present-lang":
        return replace(show, lang="fr" if show.lang == "en" else "en")
    return show
