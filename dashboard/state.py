"""A view's state, read from and written to the URL query string; bad values fall back with a notice."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from dashboard import i18n
from dashboard.progress import SCALE
from dashboard.schema import LEVELS

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}\Z")
_CYCLE_RE = re.compile(r"^(19|20)\d\d-(19|20)\d\d\Z")
_DIMENSIONS = ("jurisdiction", "organization", "format", "licence")
# How plans of different jurisdictions are lined up for comparison: by their place in each
# jurisdiction's own sequence (1st, 2nd ... action plan) or by the year they started.
ALIGNS = ("plan", "year")
_MAX_LIST = 50
_MAX_TEXT = 200
# A query string longer than any URL a server here accepts (gunicorn refuses a request line over 8190
# bytes) comes from a tampered callback: it is not read, so it cannot fill caches or the page.
MAX_SEARCH_CHARS = 8192
MAX_NOTICES = 10  # notices shown for one URL: a link with thousands of junk keys gets ten, not thousands
MAX_KEY_CHARS = 128  # a record's key (a commitment id) sent back by a callback
_SNAPSHOT_RE = re.compile(r"^\d{8}T\d{6}Z(-[0-9a-z]+)?\Z")  # as dashboard.snapshots' ids

# Keys a view may carry. Anything else in the query string is reported and ignored.
KNOWN_KEYS = (
    "lang", "jurisdiction", "level", "cycle", "from", "to", "status", "q", "dimension",
    "snapshot", "base", "interval", "page", "align",
)


@dataclass(frozen=True)
class ViewState:
    """Everything a page needs to draw itself, as carried in the URL."""

    lang: str = i18n.DEFAULT_LANG
    jurisdictions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    cycles: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    statuses: tuple[str, ...] = ()
    q: str = ""
    dimension: str = "organization"
    snapshot: str | None = None
    base: str | None = None
    interval: str = "month"
    page: int = 1
    align: str = "plan"
    notices: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (key, bad value)

    def to_query(self, **changes) -> str:
        """Return the query string (with leading '?', or '' for the default view) of this state with `changes`."""
        s = replace(self, **changes) if changes else self
        pairs: list[tuple[str, str]] = []
        if s.lang != i18n.DEFAULT_LANG:
            pairs.append(("lang", s.lang))
        for key, values in (("jurisdiction", s.jurisdictions), ("level", s.levels), ("cycle", s.cycles),
                            ("status", s.statuses)):
            if values:
                pairs.append((key, ",".join(values)))
        if s.date_from:
            pairs.append(("from", s.date_from.isoformat()))
        if s.date_to:
            pairs.append(("to", s.date_to.isoformat()))
        if s.q:
            pairs.append(("q", s.q))
        if s.dimension != "organization":
            pairs.append(("dimension", s.dimension))
        if s.snapshot:
            pairs.append(("snapshot", s.snapshot))
        if s.base:
            pairs.append(("base", s.base))
        if s.interval != "month":
            pairs.append(("interval", s.interval))
        if s.page != 1:
            pairs.append(("page", str(s.page)))
        if s.align != "plan":
            pairs.append(("align", s.align))
        return "?" + urlencode(pairs) if pairs else ""

    def filter_params(self) -> dict:
        """Return the filter $parameters every query takes."""
        return {
            "jurisdictions": list(self.jurisdictions),
            "levels": list(self.levels),
            "cycles": list(self.cycles),
        }

    def period_params(self) -> dict:
        return {"date_from": self.date_from, "date_to": self.date_to}

    def place_and_period_params(self) -> dict:
        """Return the $parameters of a query over dated records (releases, learning): places and period, no cycle."""
        return {"jurisdictions": list(self.jurisdictions), "levels": list(self.levels), **self.period_params()}


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def parse(search: str | dict | None) -> ViewState:
    """Return the ViewState in a query string (or layout kwargs); never raises."""
    if isinstance(search, dict):
        items = [(str(k), v if isinstance(v, str) else str(v)) for k, v in search.items()]
        text = "&".join(f"{k}={v}" for k, v in items)
    elif search is None or isinstance(search, str):
        text = (search or "").lstrip("?")
        items = parse_qsl(text, keep_blank_values=True) if len(text) <= MAX_SEARCH_CHARS else []
    else:  # a tampered callback payload: a number, a list...
        return ViewState(notices=(("search", repr(search)[:80]),))
    if len(text) > MAX_SEARCH_CHARS:  # not read at all: one notice, with the start of it
        return ViewState(notices=(("search", text[:79] + "…"),))
    values: dict = {}
    notices: list[tuple[str, str]] = []

    def bad(key: str, value: str) -> None:
        if len(notices) < MAX_NOTICES:
            notices.append((key[:40], value[:80]))

    for key, raw in items:
        if not _utf8(key + raw):  # a lone surrogate, from a JSON callback body: no URL carries one
            bad(_printable(key), _printable(raw))
            continue
        if key not in KNOWN_KEYS:
            bad(key, raw)
            continue
        if len(raw) > 2000:
            bad(key, raw)
            continue
        if key == "lang":
            if raw in i18n.LANGS:
                values["lang"] = raw
            else:
                bad(key, raw)
        elif key in ("jurisdiction", "level", "cycle", "status"):
            parts = _split(raw)
            check = {
                "jurisdiction": lambda v: bool(_ID_RE.match(v)),
                "level": lambda v: v in LEVELS,
                "cycle": lambda v: bool(_CYCLE_RE.match(v)),
                "status": lambda v: v in SCALE,
            }[key]
            good = [p for p in parts if check(p)][:_MAX_LIST]
            if len(good) != len(parts):
                bad(key, raw)
            target = {"jurisdiction": "jurisdictions", "level": "levels", "cycle": "cycles",
                      "status": "statuses"}[key]
            values[target] = tuple(dict.fromkeys(good))
        elif key in ("from", "to"):
            try:
                d = dt.date.fromisoformat(raw)
                if not (1990 <= d.year <= 2100):
                    raise ValueError
                values["date_from" if key == "from" else "date_to"] = d
            except ValueError:
                bad(key, raw)
        elif key == "q":
            values["q"] = raw[:_MAX_TEXT]
        elif key == "dimension":
            if raw in _DIMENSIONS:
                values["dimension"] = raw
            else:
                bad(key, raw)
        elif key in ("snapshot", "base"):
            if snapshot_id(raw):
                values[key] = raw
            else:
                bad(key, raw)
        elif key == "interval":
            if raw in ("month", "year"):
                values["interval"] = raw
            else:
                bad(key, raw)
        elif key == "align":
            if raw in ALIGNS:
                values["align"] = raw
            else:
                bad(key, raw)
        elif key == "page":
            if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10_000:  # "²".isdigit() is True
                values["page"] = int(raw)
            else:
                bad(key, raw)
    state = ViewState(**values, notices=tuple(notices))
    if state.date_from and state.date_to and state.date_from > state.date_to:
        state = replace(state, date_from=None, date_to=None,
                        notices=state.notices + (("from", state.date_from.isoformat()),))
    return state


def from_store(store) -> ViewState:
    """Return the ViewState a page's dcc.Store carries as {"search": "?..."}; never raises, whatever was sent."""
    search = store.get("search") if isinstance(store, dict) else None
    return parse(search if isinstance(search, str) else "")


# ---------------------------------------------------------------- callback values
# What a callback receives comes from the browser and may be any JSON: these return the value when it
# has the type (and size) the app itself sends, else None, so a callback checks its inputs in one way.

def text(value, *, max_chars: int = _MAX_TEXT) -> str | None:
    """Return `value` when it is a string of at most `max_chars` characters, else None."""
    return value if isinstance(value, str) and len(value) <= max_chars else None


def record_key(value) -> str | None:
    """Return `value` when it can be a record's key (a commitment id): a short string without control characters."""
    found = text(value, max_chars=MAX_KEY_CHARS)
    return found if found is not None and found.isprintable() else None


def snapshot_id(value) -> str | None:
    """Return `value` when it is a well-formed snapshot id (published or not), else None."""
    return value if isinstance(value, str) and _SNAPSHOT_RE.match(value) else None


def store_text(store, name: str, *, max_chars: int = _MAX_TEXT) -> str | None:
    """Return the string field `name` of a dcc.Store's data (a dict), or None when the store or the field is anything else."""
    return text(store.get(name), max_chars=max_chars) if isinstance(store, dict) else None


DIMENSIONS = _DIMENSIONS
