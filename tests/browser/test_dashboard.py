"""What only a browser can show: pages drawn with data, URL-held state, clicks, downloads, language."""

from __future__ import annotations

import io
import re
from collections import Counter
from urllib.parse import urlencode

import pandas as pd
import pytest

from dashboard.i18n import _

from . import harness

pytestmark = pytest.mark.browser

FILTER = "#filters-jurisdiction"
CHARTLESS = {"/data"}  # sources, licences and the data dictionary: text and tables only
CHART_DATA_JS = "() => [...document.querySelectorAll('.js-plotly-plot')].map(g => JSON.stringify(g.data))"


@pytest.fixture(scope="session")
def commitment_id(live_data_dir) -> str:
    return harness.busiest_commitment(live_data_dir)


@pytest.fixture(scope="session")
def jurisdiction(live_data_dir) -> str:
    return harness.busiest_jurisdiction(live_data_dir)


def all_pages() -> list[str]:
    return harness.page_paths() + ["/commitments/{commitment}"]


def charts_with_data(tab) -> list[dict]:
    return [g for g in tab.graphs() if any(trace["points"] for trace in g["traces"])]


def chart_data(tab) -> list[str]:
    return tab.page.evaluate(CHART_DATA_JS)


def pick_jurisdiction(tab, value: str) -> str:
    """Choose one jurisdiction in the global filter bar, as a user would; return the option's label."""
    tab.page.locator(FILTER).click()
    option = tab.page.locator(f"[role=option]:has(input[value='{value}'])")
    label = option.inner_text().strip()
    option.click()
    tab.page.keyboard.press("Escape")
    return label


def filtered(tab, value: str) -> str:
    """Filter the open page to one jurisdiction and wait for it to redraw; return the option's label."""
    label = pick_jurisdiction(tab, value)
    tab.page.wait_for_url(re.compile(rf"[?&]jurisdiction={re.escape(value)}(&|$)"))
    tab.settle()
    return label


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", all_pages())
def test_every_page_draws_charts_with_data(shown, commitment_id, path, lang):
    page_path = path.format(commitment=commitment_id)
    tab = shown(page_path + ("?lang=fr" if lang == "fr" else ""))
    assert tab.response.status == 200
    assert tab.page.locator("main h1").first.inner_text().strip()
    if path not in CHARTLESS:
        assert charts_with_data(tab), f"{page_path} draws no chart with data: {tab.graphs()}"
    tab.assert_healthy()


@pytest.mark.parametrize("path", harness.page_paths())
def test_pages_log_no_console_errors(shown, path):
    """Dash reports a callback output its component refuses (an invalid prop) only in the console."""
    tab = shown(path)
    assert not tab.console_errors, "\n".join(tab.console_errors)


def test_filter_updates_url_and_charts(tab, jurisdiction):
    tab.goto("/commitments")
    before = chart_data(tab)
    filtered(tab, jurisdiction)
    assert tab.path == "/commitments"
    assert tab.query == {"jurisdiction": jurisdiction}
    after = chart_data(tab)
    assert after and after != before
    assert charts_with_data(tab)
    tab.assert_healthy()


def test_url_round_trip_restores_the_view(tab, open_tab, jurisdiction):
    tab.goto("/commitments")
    label = filtered(tab, jurisdiction)
    shared = tab.page.url.removeprefix(tab.server.url)

    fresh = open_tab()
    fresh.goto(shared)
    assert fresh.query == tab.query == {"jurisdiction": jurisdiction}
    assert label in fresh.page.locator(FILTER).inner_text()
    assert chart_data(fresh) == chart_data(tab)
    fresh.assert_healthy()
    tab.assert_healthy()


def test_back_and_forward_restore_each_view(tab, jurisdiction):
    tab.goto("/commitments")
    unfiltered = chart_data(tab)
    label = filtered(tab, jurisdiction)
    filtered_data = chart_data(tab)
    assert filtered_data != unfiltered

    tab.page.go_back()
    tab.page.wait_for_url(lambda url: "jurisdiction=" not in url)
    tab.settle()
    assert tab.path == "/commitments"
    assert chart_data(tab) == unfiltered
    assert label not in tab.page.locator(FILTER).inner_text()

    tab.page.go_forward()
    tab.page.wait_for_url(re.compile(f"jurisdiction={re.escape(jurisdiction)}"))
    tab.settle()
    assert chart_data(tab) == filtered_data
    assert label in tab.page.locator(FILTER).inner_text()
    tab.assert_healthy()


HEATMAP_CELL_JS = """
() => {
    const g = [...document.querySelectorAll('.js-plotly-plot')].find(p => (p.data || []).some(t => t.type === 'heatmap'));
    if (!g) { return null; }
    const trace = g.data.find(t => t.type === 'heatmap');
    g.scrollIntoView({block: 'center'});
    for (let i = 0; i < trace.z.length; i++) {
        for (let j = 0; j < trace.z[i].length; j++) {
            if (trace.z[i][j] === null || trace.z[i][j] === undefined) { continue; }
            const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis, box = g.getBoundingClientRect();
            return {
                x: box.left + xa._offset + xa.d2p(trace.x[j]),
                y: box.top + ya._offset + ya.d2p(trace.y[i]),
                // Columns are places in each member's sequence (1st plan ...): the cell's cycle is in its customdata.
                cycle: trace.customdata ? trace.customdata[i][j][4] : trace.x[j],
                custom: trace.customdata ? trace.customdata[i][j] : null,
            };
        }
    }
    return null;
}
"""


def test_clicking_a_heatmap_cell_filters_by_its_jurisdiction_and_cycle(tab):
    tab.goto("/commitments")
    cell = tab.page.evaluate(HEATMAP_CELL_JS)
    assert cell, "no heatmap cell with a value on /commitments"
    tab.page.mouse.click(cell["x"], cell["y"])
    tab.page.wait_for_url(re.compile(r"jurisdiction=.*cycle=|cycle=.*jurisdiction="))
    tab.settle()
    assert tab.query["cycle"] == cell["cycle"]
    if cell["custom"]:
        assert tab.query["jurisdiction"] == cell["custom"][0]
    assert charts_with_data(tab)
    tab.assert_healthy()


def test_drill_down_reaches_a_commitment_page(tab):
    tab.goto("/commitments")
    link = tab.page.locator("#_pages_content a[href^='/commitments/']").first
    href = link.get_attribute("href")
    commitment = re.match(r"/commitments/([^?#/]+)", href).group(1)
    link.scroll_into_view_if_needed()
    link.click()
    tab.page.wait_for_url(re.compile(rf"/commitments/{re.escape(commitment)}(\?|$)"))
    tab.settle()
    assert commitment in tab.page.locator("main").inner_text()
    assert charts_with_data(tab)
    tab.assert_healthy()


# ---------------------------------------------------------------- CSV downloads match the chart

def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _key(value: float) -> float:
    return round(value, 6)


def measures(trace: dict) -> list[float]:
    """Return the numbers a trace encodes as size or colour (bars' lengths, line heights, cell colours)."""
    if trace.get("type") == "heatmap":
        values = [v for row in trace.get("z") or [] for v in row]
    elif trace.get("type") == "pie":
        values = trace.get("values") or []
    elif trace.get("orientation") == "h":
        values = trace.get("x") or []
    else:
        values = trace.get("y") or []
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return [float(v) for v in numbers if v != 0]


def csv_columns(text: str) -> dict[str, Counter]:
    """Return each numeric column of a CSV as a multiset of its non-zero values."""
    # The provenance preamble's lines start with '# ', as the README tells a reader: pandas' comment='#' skips them.
    frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), comment="#", dtype=str, keep_default_na=False)
    rows = frame.to_dict("records")
    columns = {}
    for name in rows[0] if rows else []:
        numbers = [_number(r[name]) for r in rows if r[name] not in ("", None)]
        if numbers and all(n is not None for n in numbers):
            columns[name] = Counter(_key(n) for n in numbers if n != 0)
    return columns


def column_holding(values: list[float], columns: dict[str, Counter]) -> str | None:
    """Return a CSV column that holds every value (as is, or as a percentage of it), or None."""
    for scale in (1, 100, 0.01):
        wanted = Counter(_key(v / scale) for v in values)
        for name, held in columns.items():
            if not wanted - held:
                return name
    return None


def chart_ids_with_csv(tab) -> list[str]:
    return [g["chart"] for g in charts_with_data(tab) if g["chart"]]


@pytest.mark.parametrize("path", ["/commitments", "/datasets", "/training"])
def test_each_downloaded_csv_holds_the_numbers_its_chart_draws(shown, path):
    tab = shown(path)
    charts = chart_ids_with_csv(tab)
    assert charts, f"{path} has no chart with data and a CSV button"
    for chart in charts:
        card = tab.page.locator(".chart-card", has=tab.page.locator(f"figure.chart-{chart}"))
        with tab.page.expect_download() as download:
            card.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename.startswith(chart) and download.value.suggested_filename.endswith(".csv")
        text = open(download.value.path(), encoding="utf-8").read()
        assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark so Excel reads accents"
        columns = csv_columns(text)
        figure = tab.figure(chart)
        checked = 0
        for trace in figure["data"]:
            values = measures(trace)
            if not values:
                continue
            name = column_holding(values, columns)
            assert name, (f"{chart}: trace {trace.get('name')!r} draws {sorted(values)[:20]} "
                          f"which no CSV column holds; columns: {list(columns)}")
            checked += 1
        assert checked, f"{chart}: no trace with numbers to compare"
    tab.assert_healthy()


# ---------------------------------------------------------------- bad links, language

BAD_QUERY = {
    "bogus": "1",
    "cycle": "notacycle",
    "jurisdiction": "<script>alert(1)</script>",
    "from": "2024-13-45",
    "lang": "xx",
}


def test_bad_parameters_show_a_notice_and_never_an_error(tab):
    response = tab.goto("/commitments?" + urlencode(BAD_QUERY))
    assert response.status == 200
    notice = tab.page.locator(".url-notice")
    notice.wait_for(state="visible")
    text = notice.inner_text()
    for key in BAD_QUERY:
        assert key in text
    assert "<script>alert(1)</script>" in text, "the bad value is shown as text"
    assert tab.page.locator(".url-notice script").count() == 0
    assert charts_with_data(tab), "the page still draws its charts with the defaults"
    tab.assert_healthy()  # includes: no dialog opened


def test_language_toggle_switches_to_french_and_keeps_the_filters(tab, jurisdiction):
    tab.goto(f"/commitments?jurisdiction={jurisdiction}")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.query == {"jurisdiction": jurisdiction}
    tab.page.locator("#lang-toggle").click()
    tab.page.wait_for_url(re.compile(r"lang=fr"))
    tab.settle()
    assert tab.path == "/commitments"
    assert tab.query == {"lang": "fr", "jurisdiction": jurisdiction}
    tab.page.wait_for_function("() => document.documentElement.lang === 'fr'")
    nav = tab.page.locator("#nav-links").inner_text()
    for label in ("Overview", "Commitments", "Datasets"):
        assert _(label, "fr") != label and _(label, "fr") in nav
    assert tab.page.locator(FILTER).inner_text() not in ("", _("All jurisdictions", "fr"))
    assert charts_with_data(tab)
    tab.assert_healthy()


# ---------------------------------------------------------------- phone screens

@pytest.mark.parametrize("path", harness.page_paths())
def test_pages_fit_a_phone_screen_in_french(open_tab, path):
    """At 390 px, the longer language still fits: nothing makes the page scroll sideways."""
    tab = open_tab(viewport={"width": 390, "height": 844})
    tab.goto(path + "?lang=fr")
    fit = tab.page.evaluate(harness.OVERFLOW_JS)
    assert fit["scrollWidth"] <= fit["width"], f"{path}?lang=fr is {fit['scrollWidth']} px wide: {fit['culprits']}"
    tab.assert_healthy()


# ---------------------------------------------------------------- accessibility

@pytest.fixture(scope="session")
def axe_source() -> str:
    axe = harness.REPO / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), "axe-core is missing: run `npm ci` (./scripts/test does)"
    return axe.read_text(encoding="utf-8")


# Every page, a real commitment with an English-only title (so the language marker is checked too), and summit mode.
AXE_PAGES = all_pages() + ["/commitments/CA0047", "/present"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_pages_have_no_serious_accessibility_violations(shown, axe_source, commitment_id, path, lang):
    tab = shown(path.format(commitment=commitment_id) + ("?lang=fr" if lang == "fr" else ""))
    assert tab.page.evaluate("() => document.documentElement.lang") == lang
    tab.page.evaluate(axe_source)  # evaluated through the driver, so the app's CSP does not refuse it
    result = tab.page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}: {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['target']}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
