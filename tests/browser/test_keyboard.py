"""Keyboard only: filter the commitments page and drill down to one commitment without touching the mouse."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import _

from . import harness

pytestmark = pytest.mark.browser

MAX_TABS = 250  # more stops than /commitments has before its list's last link

# What the keyboard is on, and whether it shows: a visible outline or a box-shadow ring.
FOCUSED_JS = """
() => {
    const e = document.activeElement;
    if (!e || e === document.body) { return null; }
    const s = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    return {
        tag: e.tagName.toLowerCase(),
        id: e.id,
        href: e.getAttribute('href'),
        text: (e.innerText || e.value || '').trim(),
        option: e.closest('[role=option]') ? e.closest('[role=option]').innerText.trim() : null,
        inList: !!e.closest('#commitments-list'),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
        ring: s.boxShadow !== 'none' && !/^rgba\\(0, 0, 0, 0\\)/.test(s.boxShadow),
        visible: box.width > 0 && box.height > 0,
    };
}
"""

LIST_JS = """
() => [...document.querySelectorAll('#commitments-list tbody tr')].map(tr => ({
    id: tr.querySelector('th').innerText.trim(),
    title: tr.querySelectorAll('td')[0].innerText.trim(),
    jurisdiction: tr.querySelectorAll('td')[1].innerText.trim(),
}))
"""


@pytest.fixture(scope="session")
def jurisdiction(live_data_dir) -> str:
    return harness.busiest_jurisdiction(live_data_dir)


def focused(tab) -> dict | None:
    return tab.page.evaluate(FOCUSED_JS)


def tab_to(tab, wanted, *, key: str = "Tab") -> dict:
    """Press Tab (or `key`) until the focused element satisfies `wanted`; return it, or fail."""
    for _ in range(MAX_TABS):
        tab.page.keyboard.press(key)
        now = focused(tab)
        if now and wanted(now):
            return now
    pytest.fail(f"{MAX_TABS} presses of {key} never reached the element wanted; focus ended on {focused(tab)}")


def assert_focus_shows(element: dict) -> None:
    assert element["visible"], f"the focused element is not on screen: {element}"
    assert element["outline"] or element["ring"], f"no visible focus indicator on {element}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_keyboard_filters_the_commitments_and_drills_down(open_tab, jurisdiction, lang):
    tab = open_tab()
    query = "?lang=fr" if lang == "fr" else ""
    tab.goto("/commitments" + query)
    before = tab.page.evaluate(LIST_JS)
    assert before, "the commitments list shows no rows"
    page = tab.page

    # The first Tab reaches the skip link, which shows itself.
    skip = tab_to(tab, lambda e: e["id"] == "skip-link")
    assert_focus_shows(skip)
    assert skip["text"] == _("Skip to main content", lang)

    # Open the jurisdiction filter, type part of its name, take the first match.
    assert_focus_shows(tab_to(tab, lambda e: e["id"] == "filters-jurisdiction"))
    page.keyboard.press("Enter")
    page.locator(".dash-dropdown-search").wait_for(state="visible")
    label = page.locator(f"[role=option]:has(input[value='{jurisdiction}'])").inner_text().strip()
    name = label.split(" · ")[0]
    page.keyboard.type(name)
    page.wait_for_function("""name => [...document.querySelectorAll('[role=listbox] [role=option]')]
                                     .every(o => o.innerText.includes(name))""", arg=name)
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('[role=option]')")
    option = focused(tab)
    assert_focus_shows(option)
    assert option["option"] == label
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"[?&]jurisdiction={re.escape(jurisdiction)}(&|$)"))
    page.keyboard.press("Escape")
    closed = focused(tab)
    assert closed and closed["id"] == "filters-jurisdiction", "Escape gives focus back to the filter"
    tab.settle()
    assert tab.query == {**({"lang": "fr"} if lang == "fr" else {}), "jurisdiction": jurisdiction}
    assert name in page.locator("#filters-jurisdiction").inner_text()
    after = tab.page.evaluate(LIST_JS)
    assert after and after != before
    assert {row["jurisdiction"] for row in after} == {name}, "the list shows only the chosen jurisdiction"

    # Tab on into the list and open its first commitment with Enter.
    link = tab_to(tab, lambda e: e["inList"] and (e["href"] or "").startswith("/commitments/"))
    assert_focus_shows(link)
    commitment = re.match(r"/commitments/([^?#/]+)", link["href"]).group(1)
    assert link["text"] == commitment
    row = next(r for r in after if r["id"] == commitment)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/commitments/{re.escape(commitment)}(\?|$)"))
    tab.settle()
    assert tab.query.get("lang") == ("fr" if lang == "fr" else None)
    assert page.locator("main .commitment-id").inner_text().strip() == commitment
    heading = page.locator("main h1").inner_text().strip()
    assert heading and heading in row["title"]
    tab.assert_healthy()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_keyboard_presses_a_status_tile_and_back_again(open_tab, lang):
    tab = open_tab()
    query = "?lang=fr" if lang == "fr" else ""
    tab.goto("/commitments" + query)
    page = tab.page
    total = page.locator("#commitments-list-body p").first.inner_text()

    tile = tab_to(tab, lambda e: e["id"].startswith("{") and "commitments-status-tile" in e["id"])
    assert_focus_shows(tile)
    status = re.search(r'"status":"([a-z_]+)"', tile["id"]).group(1)
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(rf"[?&]status={status}(&|$)"))
    tab.settle()
    assert tab.query == {**({"lang": "fr"} if lang == "fr" else {}), "status": status}
    pressed = page.locator("[aria-pressed=true].status-tile")
    assert pressed.count() == 1
    assert page.locator("#commitments-list-body p").first.inner_text() != total

    # The redrawn tiles are new elements: find the pressed one again and release it with Enter.
    tab_to(tab, lambda e: e["id"].startswith("{") and f'"status":"{status}"' in e["id"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "status=" not in url)
    tab.settle()
    assert page.locator("#commitments-list-body p").first.inner_text() == total
    tab.assert_healthy()


PERIOD = {
    "en": ("yyyy-mm-dd", "from January 1, 2024 to November 22, 2026"),
    "fr": ("aaaa-mm-jj", "du 1 janvier 2024 au 22 novembre 2026"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_period_is_typed_the_languages_way_and_read_back_in_words(open_tab, lang):
    """An English-speaking browser still shows the French period in French: the boxes are not the browser's date input."""
    tab = open_tab(locale="en-US")
    prefix = "lang=fr&" if lang == "fr" else ""
    tab.goto("/datasets?" + prefix.rstrip("&"))
    page = tab.page
    hint_format, in_words = PERIOD[lang]
    assert page.get_attribute("#filters-from", "placeholder") == hint_format
    assert hint_format in page.locator("#filters-from-label").inner_text()

    assert_focus_shows(tab_to(tab, lambda e: e["id"] == "filters-from"))
    # Typed at once while the page redraws: the boxes must not scramble keys that arrive together.
    page.keyboard.type("2024-01-01")
    page.keyboard.press("Tab")  # leaving the box commits it
    page.wait_for_url(re.compile(r"[?&]from=2024-01-01(&|$)"))
    assert focused(tab)["id"] == "filters-to"
    page.keyboard.type("2026/11/22")  # another way of writing it, shown back as the URL holds it
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]to=2026-11-22(&|$)"))
    tab.settle()
    assert tab.query == {**({"lang": "fr"} if lang == "fr" else {}), "from": "2024-01-01", "to": "2026-11-22"}
    assert page.locator("#filters-period-hint").inner_text() == in_words
    assert page.input_value("#filters-to") == "2026-11-22"

    page.keyboard.press("Control+a")
    page.keyboard.type("2026-13-01")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#filters-period-hint').classList.contains('text-danger')")
    assert "2026-13-01" in page.locator("#filters-period-hint").inner_text()
    assert hint_format in page.locator("#filters-period-hint").inner_text()
    assert page.locator(".is-invalid:has(#filters-to)").count() == 1
    assert tab.query["to"] == "2026-11-22", "a date that is not one leaves the URL's period alone"
    tab.assert_healthy()
