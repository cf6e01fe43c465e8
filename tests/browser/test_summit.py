"""Summit mode in a real Chromium: the presentation plays, pauses and switches language; briefings print; the bundle plays offline."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dashboard import config

pytestmark = pytest.mark.browser


def _slide(tab) -> int:
    return int(tab.page.get_attribute(".present-mode", "data-slide"))


def test_presentation_advances_pauses_steps_and_switches_language(tab):
    tab.goto("/present?playlist=default&interval=2")
    page = tab.page
    assert page.locator(".present-mode").is_visible()
    for chrome in ("#shell-header", "#shell-footer", "#filter-bar"):
        assert not page.locator(chrome).is_visible(), f"{chrome} shows in presentation mode"
    assert page.locator("#present-graph .js-plotly-plot .main-svg").count()
    # The 2-second timer may already be redrawing the next slide: wait until its words are drawn, then check them.
    page.wait_for_function("() => document.querySelector('#present-caption').innerText.includes('Snapshot')"
                           " && document.querySelector('#present-sentence').innerText.trim() !== ''", timeout=10_000)
    assert page.inner_text("#present-sentence").strip()
    assert "Snapshot" in page.inner_text("#present-caption")
    page.wait_for_function("() => +document.querySelector('.present-mode').dataset.slide >= 2", timeout=30_000)
    tab.settle()
    assert int(tab.query["slide"]) >= 2  # the timer moved it on

    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.present-mode').dataset.paused === '1'")
    tab.settle()
    assert tab.query["paused"] == "1"
    paused_on = _slide(tab)
    page.wait_for_timeout(3500)  # longer than the interval: a paused show stays put
    assert _slide(tab) == paused_on
    assert page.inner_text("#present-status") == "Paused"

    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('.present-mode').dataset.slide === '{paused_on + 1}'")
    tab.settle()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('.present-mode').dataset.slide === '{paused_on}'")
    tab.settle()
    english = page.inner_text("#present-title")

    page.keyboard.press("l")
    page.wait_for_function("() => document.querySelector('.present-mode').lang === 'fr'")
    tab.settle()
    assert tab.query["lang"] == "fr" and tab.query["slide"] == str(paused_on)
    assert page.inner_text("#present-status") == "En pause"
    assert page.inner_text("#present-title") != english
    assert "produit le" in page.inner_text("#present-caption")  # the build time, called the build time
    assert page.locator("#present-graph .js-plotly-plot .main-svg").count()

    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('.present-mode').dataset.paused === '0'")
    tab.settle()
    assert "paused" not in tab.query
    tab.assert_healthy()


def test_a_broken_playlist_says_so(tab):
    tab.goto("/present?playlist=no-such-list")
    assert "cannot be played" in tab.page.inner_text(".present-error")
    assert "no-such-list.toml" in tab.page.inner_text(".present-error")
    tab.assert_healthy()


def _pdf_text(path) -> tuple[int, str]:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils)", pytrace=False)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, " ".join(text.split())


def _snapshot_id(live_data_dir) -> str:
    from dashboard import snapshots

    return snapshots.newest_good(live_data_dir).id


def test_briefing_pdf_from_the_command_in_french(live_server, live_data_dir, tmp_path):
    import subprocess

    from . import harness

    out = tmp_path / "brief-fr.pdf"
    done = subprocess.run(harness.ogdash_command() + ["brief", "--url", live_server.url + "/commitments?cycle=2018-2020",
                                                      "--lang", "fr", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=harness.REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    pages, text = _pdf_text(out)
    assert pages >= 2
    snapshot = _snapshot_id(live_data_dir)
    for expected in ("Note d’information : Engagements", f"Instantané {snapshot}", "Sources et licences",
                     "Cycle du plan d’action : 2018-2020", "/commitments?lang=fr&cycle=2018-2020",
                     "engagements évalués sont achevés ou substantiels"):
        assert expected in text, expected


def test_briefing_pdf_download_in_english(live_server, live_data_dir, tmp_path):
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/brief/training/pdf", timeout=300) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        snapshot = _snapshot_id(live_data_dir)
        assert f"briefing_training_en_{snapshot}.pdf" in response.headers["Content-Disposition"]
        (tmp_path / "brief.pdf").write_bytes(response.read())
    pages, text = _pdf_text(tmp_path / "brief.pdf")
    assert pages >= 2
    for expected in ("Briefing: Training reach", f"Snapshot {snapshot}", "Sources and licences",
                     "No filters: everything in the snapshot.", "SHA-256"):
        assert expected in text, expected


def test_the_header_links_to_the_briefing_of_the_view(shown):
    tab = shown("/commitments?cycle=2018-2020")
    link = tab.page.locator("#brief-link")
    assert link.inner_text() == "Briefing (PDF)"
    search = "?" + urlsplit(tab.page.url).query if urlsplit(tab.page.url).query else ""
    assert link.get_attribute("href") == "/brief/commitments/pdf" + search


def test_the_offline_bundle_plays_from_file_without_network(browser, live_data_dir, tmp_path):
    import subprocess

    from . import harness

    site = tmp_path / "site"
    done = subprocess.run(harness.ogdash_command() + ["export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                                                      "--out", str(site), "--data-dir", str(live_data_dir)],
                          capture_output=True, text=True, timeout=300, cwd=harness.REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, offline=True)
    asked: list[str] = []
    problems: list[str] = []

    def refuse(route):
        asked.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith("file://"), refuse)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        page.goto((site / "index.html").as_uri() + "?interval=600")
        # plotly.js 3 draws a trace as a `g.trace` (a heatmap as a `g.hm`); it has no `.plot` layer any more.
        marks = ".js-plotly-plot .main-svg .trace, .js-plotly-plot .main-svg .hm"
        drawn = f"() => document.querySelectorAll('{marks}').length > 0"
        page.wait_for_function(drawn)
        assert page.get_attribute(".present-mode", "data-slide") == "1"
        english = page.inner_text("#present-title")
        assert "Slide 1 of" in page.inner_text("#present-counter")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.present-mode').dataset.slide === '2'")
        page.wait_for_function(drawn)
        page.keyboard.press("l")
        page.wait_for_function("() => document.querySelector('.present-mode').lang === 'fr'")
        assert "Diapositive 2 sur" in page.inner_text("#present-counter")
        assert page.inner_text("#present-title") not in (english, "")
        assert "produit le" in page.inner_text("#present-caption")
        page.keyboard.press("Space")
        page.wait_for_function("() => document.querySelector('.present-mode').dataset.paused === '1'")
        assert page.inner_text("#present-status") == "En pause"
        assert page.locator(marks).count() > 0
        assert not asked, f"the bundle asked the network for {asked}"
        assert not problems, problems
    finally:
        context.close()
