"""Slides for a room in a real Chromium at 1920x1080 (issue 17, part 1): every slide of the default playlist, in English
and French, gives its plotting area at least 45 % of the screen's height, draws axis text of 18 px or more, and has a
note with no web instructions; the heatmap slide shows at most progress.ROOM_MEMBERS members and states the rule; the
navigation leads to /present."""

from __future__ import annotations

import os
import re

import pytest

from dashboard import config, playlists, progress

pytestmark = pytest.mark.browser

MIN_PLOT_SHARE = 0.45  # of the viewport's height, for the plotting area (Plotly's drag layer, .nsewdrag)
MIN_AXIS_PX = 18  # tick labels and axis titles, at 1080p

MEASURE_JS = """
() => {
    const graph = document.querySelector('#present-graph');
    const drags = [...graph.querySelectorAll('.nsewdrag')].map(d => d.getBoundingClientRect());
    const sizes = sel => [...graph.querySelectorAll(sel)].filter(e => e.textContent.trim() !== '')
        .map(e => parseFloat(getComputedStyle(e).fontSize));
    const plot = graph.querySelector('.js-plotly-plot');
    return {
        plotHeight: drags.length ? Math.max(...drags.map(r => r.height)) : 0,
        viewport: window.innerHeight,
        scrollHeight: document.documentElement.scrollHeight,
        ticks: [...sizes('.xtick text'), ...sizes('.ytick text')],
        titles: [...sizes('.g-xtitle text'), ...sizes('.g-ytitle text')],
        yticks: graph.querySelectorAll('.ytick').length,
        members: plot && plot.data ? [...new Set(plot.data.flatMap(t => t.type === 'heatmap' ? (t.y || []) : []))].length : 0,
        note: document.querySelector('#present-sentence').innerText,
        rule: document.querySelector('#present-rule').innerText,
        title: document.querySelector('#present-title').innerText,
    };
}
"""

def _default_slides() -> list:
    """(number, chart id) of every slide of the default playlist, read without the charts registry."""
    import tomllib

    doc = tomllib.loads((config.PLAYLISTS_DIR / "default.toml").read_text(encoding="utf-8"))
    return [(n, slide["chart"]) for n, slide in enumerate(doc["slide"], start=1)]


@pytest.fixture(scope="module")
def room(browser, live_server):
    """One 1920x1080 page per language, shared by the slides' tests (each slide is a page load)."""
    pages = {}
    contexts = []
    for lang in ("en", "fr"):
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-CA")
        contexts.append(context)
        pages[lang] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


def _show(page, server, number: int, lang: str) -> dict:
    from . import harness

    page.goto(f"{server.url}/present?playlist=default&slide={number}&paused=1&lang={lang}")
    harness.wait_for_dash(page)
    page.wait_for_function("() => document.querySelector('#present-graph .nsewdrag')"
                           " && document.querySelector('#present-sentence').innerText.trim() !== ''")
    return page.evaluate(MEASURE_JS)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number, chart", _default_slides())
def test_every_slide_fills_the_stage_with_readable_text_and_no_web_instructions(room, live_server, number, chart,
                                                                                 lang):
    shown = _show(room[lang], live_server, number, lang)
    share = shown["plotHeight"] / shown["viewport"]
    assert share >= MIN_PLOT_SHARE, f"slide {number} ({chart}, {lang}): plotting area {share:.1%} of the height"
    assert shown["scrollHeight"] <= shown["viewport"], f"slide {number} ({lang}) scrolls: {shown['scrollHeight']} px"
    assert shown["ticks"], f"slide {number} ({chart}) draws no axis labels"
    assert min(shown["ticks"]) >= MIN_AXIS_PX, (chart, lang, sorted(set(shown["ticks"])))
    assert not shown["titles"] or min(shown["titles"]) >= MIN_AXIS_PX, (chart, lang, shown["titles"])
    assert shown["note"].strip(), f"slide {number} ({chart}, {lang}) has no note"
    assert playlists.instructions_in(shown["note"]) == [], (chart, lang, shown["note"])


def test_the_heatmap_slide_shows_at_most_n_members_and_states_the_rule(room, live_server):
    number = next(n for n, chart in _default_slides() if chart == "commitments-heatmap")
    for lang in ("en", "fr"):
        shown = _show(room[lang], live_server, number, lang)
        assert 0 < shown["members"] <= progress.ROOM_MEMBERS, shown["members"]
        assert shown["yticks"] == shown["members"]  # every member's label drawn: none dropped for lack of room
        # The generated volume has more members than a room reads: the slide says which it kept, of how many.
        found = re.search(r"(\d[\d\s\u00a0\u202f,]*)$", shown["rule"])
        assert found, shown["rule"]
        total = int(re.sub(r"\D", "", found.group(1)))
        assert total > progress.ROOM_MEMBERS
        assert shown["rule"] == progress.room_rule(progress.ROOM_MEMBERS, total, lang)
        assert shown["members"] == progress.ROOM_MEMBERS


@pytest.mark.parametrize("lang, label", [("en", "Present"), ("fr", "Présenter")])
def test_the_navigation_leads_to_the_presentation(open_tab, lang, label):
    tab = open_tab()
    tab.goto("/commitments" + ("?lang=fr" if lang == "fr" else ""))
    link = tab.page.locator("#nav-links a[href^='/present']")
    assert link.count() == 1
    assert link.inner_text().strip() == label
    link.click()
    tab.page.wait_for_url(re.compile(r"/present"))
    tab.settle()
    assert tab.page.locator(".present-mode").get_attribute("lang") == lang
    assert tab.page.locator("#present-graph .nsewdrag").count() >= 1
    tab.assert_healthy()


def test_the_offline_bundle_names_the_snapshot_it_was_exported_from(browser, live_data_dir, tmp_path):
    import subprocess

    from dashboard import snapshots

    from . import harness

    site = tmp_path / "site"
    done = subprocess.run(harness.ogdash_command() + ["export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                                                      "--out", str(site)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "OGDASH_DATA_DIR": str(live_data_dir)})
    assert done.returncode == 0, done.stderr[-3000:]
    snapshot = snapshots.newest_good(live_data_dir).id
    assert f"ogdash: exported snapshot {snapshot} from {live_data_dir.resolve()}" in done.stderr
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, offline=True)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri() + "?interval=600")
        page.wait_for_function("() => document.querySelector('#present-graph .nsewdrag')")
        assert snapshot in page.inner_text("#present-caption")
        assert snapshot in page.inner_text("#present-provenance")
        drag = page.evaluate("() => document.querySelector('#present-graph .nsewdrag').getBoundingClientRect().height")
        assert drag / 1080 >= MIN_PLOT_SHARE
    finally:
        context.close()
