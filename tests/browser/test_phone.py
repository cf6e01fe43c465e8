"""A phone at 390 x 844, in French, on real data (the bundled sources and OGP's export): the filter bar folds behind
a Filters button, wide charts say that they scroll, countries are named in French, Plotly's mode bar is out of the
tab order, and a chart's filters are reached from the keyboard through its data table (issue 17, section 6)."""

from __future__ import annotations

import re
import tomllib
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.i18n import _

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.shared]

PHONE = {"width": 390, "height": 844}
OGP_EXPORT = harness.REPO.parent / "shared" / "data" / "ogp" / "ogp_commitments_export_2024-07.csv"
MAX_TABS = 300

FOCUS_JS = """
() => {
    const e = document.activeElement;
    if (!e || e === document.body) { return null; }
    const card = e.closest('.chart-card');
    const fig = card && card.querySelector('figure.chart-figure');
    return {
        tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'), text: (e.innerText || '').trim(),
        inModebar: !!e.closest('.modebar'),
        chart: fig ? [...fig.classList].find(c => c.startsWith('chart-') && c !== 'chart-figure').slice(6) : null,
        inLinks: !!e.closest('.chart-links'),
    };
}
"""


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """`ogdash serve` over the bundled real sources and OGP's real export (skipped where the export is absent)."""
    if not OGP_EXPORT.is_file():
        pytest.skip(f"real data folder {OGP_EXPORT.parent} is absent (it sits beside the checkout, not in it)")
    data_dir = tmp_path_factory.mktemp("phone-real")
    entries = [dict(e) for e in tomllib.loads(harness.SOURCES.read_text(encoding="utf-8"))["source"]]
    entries.insert(1, {"name": "ogp", "kind": "ogp-export", "path": str(OGP_EXPORT), "on_duplicate": "skip"})
    config = harness._write_sources(harness.SOURCES, entries, data_dir / "sources.toml")
    harness.build_snapshot(data_dir, config)
    with harness.serve(data_dir, log=data_dir / "serve.log") as server:
        yield server


@pytest.fixture
def phone(browser, real_server):
    contexts = []

    def open_page(path: str, viewport: dict = PHONE):
        context = browser.new_context(viewport=viewport, locale="fr-CA")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(real_server.url + path)
        harness.wait_for_dash(page)
        page.errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def query_of(url: str) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_filter_bar_folds_behind_a_filters_button(phone):
    page = phone("/commitments?lang=fr&jurisdiction=deu,chl")
    button, body = page.locator("#filters-toggle"), page.locator("#filters-body")
    assert button.is_visible() and not body.is_visible()
    assert button.inner_text().startswith(_("Filters", "fr"))
    assert button.locator(".badge").inner_text() == "2"  # two jurisdictions chosen
    assert button.get_attribute("aria-expanded") == "false"
    # From the keyboard: focus the button, press Enter, the bar opens; again, it closes.
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#filters-toggle').getAttribute('aria-expanded') === 'true'")
    assert body.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#filters-toggle').getAttribute('aria-expanded') === 'false'")
    assert not body.is_visible()
    assert not page.errors


def test_the_filter_bar_stays_open_on_a_wide_screen(phone):
    page = phone("/commitments?lang=fr", viewport={"width": 1920, "height": 1080})
    assert not page.locator("#filters-toggle").is_visible()
    assert page.locator("#filters-body").is_visible()


def test_countries_are_named_in_french(phone):
    page = phone("/commitments?lang=fr&jurisdiction=deu,chl")
    names = set(page.locator("#commitments-list tbody tr td:nth-child(3)").all_inner_texts())
    assert names == {"Allemagne", "Chili"}, names
    page.locator("#filters-toggle").click()
    assert "Allemagne" in page.locator("#filters-jurisdiction").inner_text()


def test_the_commitments_list_leaves_its_width_to_the_titles(phone):
    page = phone("/commitments?lang=fr")
    widths = page.evaluate("""() => {
        const row = document.querySelector('#commitments-list tbody tr');
        const id = row.querySelector('th[scope=row]'), title = row.querySelector('td');
        return {id: id.getBoundingClientRect().width, idText: id.querySelector('a').getBoundingClientRect().width,
                title: title.getBoundingClientRect().width, rem: parseFloat(getComputedStyle(document.body).fontSize)};
    }""")
    # The short id is as wide as it needs (its link plus the cell's padding); the title gets a readable 13rem.
    assert widths["id"] <= widths["idText"] + 2 * widths["rem"], widths
    assert widths["title"] >= 13 * widths["rem"] - 1, widths


def test_the_sources_table_on_data_is_not_squeezed_into_tall_rows(phone):
    page = phone("/data?lang=fr")
    rows = page.evaluate("""() => {
        const line = parseFloat(getComputedStyle(document.body).lineHeight);
        return [...document.querySelectorAll('table.data-sources tbody tr')].map(
            tr => ({source: tr.cells[0].innerText, lines: tr.getBoundingClientRect().height / line}));
    }""")
    assert rows
    # Its list of rows per table wrapped one word a line at 144 px (a 10-line row); the table scrolls sideways instead.
    assert all(row["lines"] <= 6 for row in rows), rows


def test_wide_charts_fit_or_say_that_they_scroll(phone):
    for path in ("/?lang=fr", "/commitments?lang=fr"):
        page = phone(path)
        page.wait_for_timeout(300)  # scrollcue.js marks boxes 120 ms after the page settles
        fit = page.evaluate(harness.OVERFLOW_JS)
        assert fit["scrollWidth"] <= fit["width"], f"{path} scrolls sideways: {fit['culprits']}"
        boxes = page.evaluate("""() => [...document.querySelectorAll('.chart-figure')].map(f => ({
            chart: f.className, wide: f.scrollWidth > f.clientWidth + 2, cue: f.getAttribute('data-cue'),
            hint: getComputedStyle(f, '::before').content}))""")
        assert boxes, path
        for box in boxes:
            if box["wide"]:
                assert box["cue"] == "more", box
                assert box["hint"] == f'"{_("Scroll sideways →", "fr")}"', box
            else:
                assert box["cue"] is None, box
        assert any(box["wide"] for box in boxes), "a phone keeps the wide grids at a readable width"
    # Scrolled to its end, a box says there is more to its left only.
    figure = page.locator("figure.chart-figure[data-cue]").first
    figure.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    page.wait_for_function("f => f.getAttribute('data-cue') === 'less'", arg=figure.element_handle())


def test_modebar_buttons_are_not_in_the_tab_order(phone):
    page = phone("/?lang=fr")
    assert page.locator(".modebar-btn").count() > 0
    assert page.locator(".modebar-btn:not([tabindex='-1'])").count() == 0
    seen = 0
    for _step in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUS_JS)
        assert not (now and now["inModebar"]), f"Tab reached the mode bar: {now}"
        if seen and now and now["id"] == "skip-link":
            break  # round the page and back to its first stop
        seen += 1 if now else 0
    assert seen > 10


def test_a_charts_filter_is_reached_from_the_keyboard(phone):
    page = phone("/?lang=fr")
    # Tab to the progress chart's "Data table" and open it with Enter.
    for _step in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUS_JS)
        if now and now["tag"] == "summary" and now["chart"] == "overview-progress":
            break
    else:
        pytest.fail("Tab never reached the progress chart's data table")
    assert now["text"] == _("Data table", "fr")
    page.keyboard.press("Enter")
    page.locator(".chart-overview-progress").locator("xpath=ancestor::section[1]").locator(
        ".chart-links a").first.wait_for()
    page.keyboard.press("Tab")
    link = page.evaluate(FOCUS_JS)
    assert link["inLinks"] and link["href"].startswith("/commitments?"), link
    label = link["text"]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/commitments\?"))
    by_keyboard = query_of(page.url)
    assert by_keyboard["status"] and by_keyboard["lang"] == ["fr"]

    # A click on the same bar gives the same filter.
    page = phone("/?lang=fr")
    box = page.evaluate("""label => {
        const gd = document.querySelector('.chart-overview-progress .js-plotly-plot');
        const curve = gd.data.findIndex(t => (t.y || []).includes(label));
        const bar = gd.querySelectorAll('.barlayer .trace')[curve].querySelector('.point path');
        bar.scrollIntoView({block: 'center', behavior: 'instant'});
        const r = bar.getBoundingClientRect();
        return {x: r.left + Math.max(r.width, 2) / 2, y: r.top + r.height / 2};
    }""", label)
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(re.compile(r"/commitments\?"))
    assert query_of(page.url) == by_keyboard
    assert not page.errors


@pytest.fixture(scope="module")
def axe_source() -> str:
    axe = harness.REPO / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), "axe-core is missing: run `npm ci` (./scripts/test does)"
    return axe.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/?lang=fr", "/commitments?lang=fr"])
def test_the_phone_layout_has_no_serious_accessibility_violations(phone, axe_source, path):
    page = phone(path)
    page.locator("#filters-toggle").click()  # the bar open, and a data table with its links
    page.locator("details.chart-table summary").first.click()
    page.wait_for_timeout(500)
    page.evaluate(axe_source)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    serious = [f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes'][0]['target']}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
