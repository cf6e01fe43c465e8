"""Keyboard only: filter the commitments page and drill down to one commitment without touching the mouse."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t

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
    assert skip["text"] == t("Skip to main content", lang)

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
