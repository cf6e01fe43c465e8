"""The dashboard's pages as Dash Pages registers them: the navigation, the briefings and the playlists read them here.

Each page declares itself once, in its own module: `dash.register_page(__name__, path=..., name=..., order=...)`,
with two keys of this dashboard's beside Dash's own:

- `nav=True`: the page is in the navigation bar (and in the not-found page's list), in `order`, named `name`;
- `topic="<topic>"`: what the page shows is dashboard/specs/<topic>.py, its charts' ids start with "<topic>-", it
  has a briefing, /brief/<topic>, and a playlist's slide may show its charts. A page of one record (a
  `path_template`) has a briefing per record, /brief/<topic>/<id>.

NAV, BRIEFINGS, RECORD_BRIEFINGS and CHART_PAGES are read from dash.page_registry each time they are used, so a
page added that way is in all of them with no second list to keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Callable

import dash

from dashboard import config

PAGES_FOLDER = config.PACKAGE_DIR / "pages"


def pages() -> list[dict]:
    """Return every registered page, in `order` (pages without one last).

    In a process that has built no app yet (a script, a test), Dash Pages first runs the page modules, as
    create_app does, so that the registry lists them.
    """
    if not dash.page_registry:
        dash.Dash(__name__, use_pages=True, pages_folder=str(PAGES_FOLDER), assets_folder=str(config.ASSETS_DIR))
    return sorted(dash.page_registry.values(), key=lambda p: (p.get("order") is None, p.get("order") or 0, p["path"]))


def _nav() -> list[tuple[str, str]]:
    return [(p["path"], p["name"]) for p in pages() if p.get("nav")]


def _briefings() -> dict[str, str]:
    return {p["topic"]: p["path"] for p in pages() if p.get("topic") and not p.get("path_template")}


def _record_briefings() -> dict[str, tuple[str, str]]:
    return {p["topic"]: (p["path_template"].partition("<")[0], p["topic"] + "-")
            for p in pages() if p.get("topic") and p.get("path_template")}


def _chart_pages() -> dict[str, str]:
    return {path: topic + "-" for topic, path in _briefings().items()}


class _Listed(Sequence):
    """A read-only list computed from the page registry each time it is read."""

    def __init__(self, build: Callable[[], list]) -> None:
        self._build = build

    def __getitem__(self, index):
        return self._build()[index]

    def __len__(self) -> int:
        return len(self._build())

    def __repr__(self) -> str:
        return repr(self._build())


class _Mapped(Mapping):
    """A read-only mapping computed from the page registry each time it is read."""

    def __init__(self, build: Callable[[], dict]) -> None:
        self._build = build

    def __getitem__(self, key):
        return self._build()[key]

    def __iter__(self):
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())

    def __repr__(self) -> str:
        return repr(self._build())


NAV = _Listed(_nav)  # (path, English name) of each page in the navigation, in order
BRIEFINGS = _Mapped(_briefings)  # briefing name (a topic) -> the path of the page it reproduces
# A record's briefing: name -> (the page path before the record's id, the prefix of its keyed charts).
RECORD_BRIEFINGS = _Mapped(_record_briefings)
CHART_PAGES = _Mapped(_chart_pages)  # path of a page a slide may show -> its charts' id prefix


def title(path: str) -> str | None:
    """Return the English name of the page at `path`, or None."""
    return next((p["name"] for p in pages() if p["path"] == path and not p.get("path_template")), None)
