"""A chart card's PNG and SVG buttons in a real Chromium (issue 17, part 2): the image carries the chart's title, its
sentence (without web instructions), the snapshot, the filters in words and a source line naming each source with its
licence, in the view's language, and a PNG is drawn at print resolution (twice its CSS size or more)."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from dashboard import licences, playlists, snapshots
from dashboard.i18n import _

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"
PRINT_SCALE = 2  # device pixels per CSS pixel, at least
# (page, chart): a heatmap, a stacked bar chart and a time series with a second axis.
CHARTS = [("/commitments", "commitments-heatmap"), ("/commitments", "commitments-progress-cycle"),
          ("/datasets", "datasets-releases")]
SNAPSHOT_WORD = {"en": "Snapshot", "fr": "Instantané"}
# Markers of the provenance lines, read with no-break spaces as plain ones (French puts one before a colon).
SOURCES_WORD = {"en": "Sources:", "fr": "Sources :"}
FILTERS_NONE = {"en": "Filters: none", "fr": "Filtres : aucun"}


def _plain(text: str) -> str:
    """Return `text` with each run of plain whitespace made one space (no-break spaces are kept, as French sets them)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def loose(text: str) -> str:
    """Return `text` with its no-break spaces (U+00A0, U+202F) read as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def svg_lines(svg: bytes) -> list[str]:
    """Return the text of each <text> element of an SVG, its lines (Plotly's tspans) joined by a space: a title,
    a sentence, the provenance (snapshot, filters, sources, data date) are one text each."""
    lines = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        parts = [t for t in text.findall(f"{SVG}tspan") if "line" in (t.get("class") or "").split()]
        lines.append(_plain(" ".join("".join(p.itertext()) for p in parts) if parts else "".join(text.itertext())))
    return lines


def png_size(png: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", png[16:24])


def download(tab, chart: str, kind: str) -> tuple[str, bytes]:
    """Press the card's PNG or SVG button; return the downloaded file's name and bytes."""
    button = tab.page.locator(f'.chart-card:has(.chart-{chart}) button:text-is("{kind.upper()}")')
    with tab.page.expect_download(timeout=60_000) as info:
        button.click()
    done = info.value
    assert done.failure() is None, done.failure()
    with open(done.path(), "rb") as f:
        return done.suggested_filename, f.read()


def card_text(tab, chart: str) -> dict:
    """Return the card's title and sentence as the page shows them, and the drawn graph's CSS width."""
    return tab.page.evaluate(
        """id => { const fig = document.querySelector('.chart-' + id);
                   const card = fig.closest('.chart-card');
                   return {title: card.querySelector('.card-title').innerText,
                           sentence: card.querySelector('.chart-sentence').innerText,
                           width: fig.querySelector('.js-plotly-plot').getBoundingClientRect().width}; }""",
        chart,
    )


@pytest.fixture(scope="module")
def snapshot(live_data_dir) -> snapshots.Snapshot:
    """The snapshot the live server shows (its newest good one)."""
    return snapshots.newest_good(live_data_dir)


def _assert_provenance(lines: list[str], snapshot, lang: str, *, filters: str) -> None:
    """Assert one text of the image states the snapshot, `filters`, and each source it names with its licence."""
    text = "\n".join(lines)
    foot = next((loose(line) for line in lines if SOURCES_WORD[lang] in loose(line)), None)
    assert foot, f"no source line:\n{text}"
    assert f"{SNAPSHOT_WORD[lang]} {snapshot.id}" in foot, f"the snapshot {snapshot.id} is not named: {foot}"
    assert filters in foot, f"the filters are not stated ({filters!r}): {foot}"
    credits = foot[foot.index(SOURCES_WORD[lang]):]
    named = [(s["name"], licences.licence(s.get("kind"), lang)[1]) for s in snapshot.manifest["sources"]
             if f"{s['name']} (" in credits]
    assert named, f"the source line names no source of the snapshot: {credits}"
    for name, short in named:
        assert f"{name} ({short}" in credits, f"{name} is not given its licence ({short}): {credits}"


@pytest.mark.parametrize("path, chart", CHARTS)
def test_svg_carries_title_sentence_and_source_line(shown, snapshot, path, chart):
    tab = shown(path)
    shown_text = card_text(tab, chart)
    name, svg = download(tab, chart, "svg")
    assert name.endswith(".svg") and snapshot.id in name, name
    lines = svg_lines(svg)
    text = "\n".join(lines)
    assert _plain(shown_text["title"]) in lines, f"the title {shown_text['title']!r} is not in the image:\n{text}"
    sentence = _plain(" ".join(playlists.findings(shown_text["sentence"])))
    assert sentence and sentence in lines, f"the sentence {sentence!r} is not in the image:\n{text}"
    assert not playlists.instructions_in(sentence)
    _assert_provenance(lines, snapshot, "en", filters=FILTERS_NONE["en"])
    tab.assert_healthy()


def test_svg_in_french_carries_the_french_title_and_filters_in_words(open_tab, snapshot):
    tab = open_tab()
    tab.goto("/commitments?lang=fr&jurisdiction=ca")
    shown_text = card_text(tab, "commitments-progress-cycle")
    assert _("Progress of commitments, plan by plan", "fr") in shown_text["title"], shown_text["title"]
    name, svg = download(tab, "commitments-progress-cycle", "svg")
    assert name.endswith("_fr.svg"), name
    lines = svg_lines(svg)
    text = "\n".join(lines)
    assert _plain(shown_text["title"]) in lines, f"the French title is not in the image:\n{text}"
    sentence = _plain(" ".join(playlists.findings(shown_text["sentence"])))
    assert sentence in lines, f"the French sentence {sentence!r} is not in the image:\n{text}"
    # The jurisdiction is named in words, as the filter bar names it, never by its id.
    _assert_provenance(lines, snapshot, "fr", filters="Filtres : Administration : Canada")
    tab.assert_healthy()


@pytest.mark.parametrize("path, chart", CHARTS[:2])
def test_png_is_drawn_at_print_resolution(shown, path, chart):
    tab = shown(path)
    _name, svg = download(tab, chart, "svg")
    css_width, css_height = (float(v) for v in ET.fromstring(svg).get("viewBox").split()[2:])
    name, png = download(tab, chart, "png")
    assert name.endswith(".png"), name
    width, height = png_size(png)
    assert width >= PRINT_SCALE * css_width and height >= PRINT_SCALE * css_height, (width, height, css_width)
    assert css_width >= card_text(tab, chart)["width"], "the image is narrower than the chart on screen"
    tab.assert_healthy()


def test_markup_in_the_view_stays_text_in_the_image(open_tab):
    """Words searched with Plotly's markup and an entity in them are printed as typed, never drawn as markup."""
    typed = "<b>x</b> &amp; <br>"
    tab = open_tab()
    tab.goto("/commitments?" + urlencode({"q": typed}))
    _name, svg = download(tab, "commitments-heatmap", "svg")
    lines = svg_lines(svg)  # the SVG still parses
    foot = next((line for line in lines if line.startswith("Snapshot")), "")
    assert f"Filters: Words searched: “{typed}”" in foot, f"the words searched are not printed as typed: {foot}"
    tab.assert_healthy()
