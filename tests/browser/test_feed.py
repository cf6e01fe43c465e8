"""The change feed in a browser: the commitments page offers the Atom feed of its filters, and the feed lists a status change."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from helpers import feed_data

from . import harness

pytestmark = pytest.mark.browser

A = "{http://www.w3.org/2005/Atom}"
ALTERNATE = 'link[rel="alternate"][type="application/atom+xml"]'


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory):
    """`ogdash serve` on the two tiny snapshots of helpers.feed_data (a milestone's status changes between them)."""
    data_dir = tmp_path_factory.mktemp("feed-live")
    feed_data.write(data_dir)
    with harness.serve(data_dir, log=tmp_path_factory.mktemp("feed-serve") / "serve.log") as server:
        yield server


@pytest.fixture
def page(browser, feed_server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-CA")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def alternate_href(page) -> str:
    links = page.locator(ALTERNATE)
    assert links.count() == 1  # the page's own link; the one its HTML head carried for readers is gone
    return links.first.get_attribute("href")


def test_the_commitments_page_offers_the_feed_of_its_filters_and_the_feed_lists_the_status_change(page, feed_server):
    page.goto(feed_server.url + "/commitments?jurisdiction=ca")
    harness.wait_for_dash(page)
    href = alternate_href(page)
    assert href == "/feed/commitments.atom?jurisdiction=ca"
    assert page.locator("a.feed-link").get_attribute("href") == href
    response = page.request.get(feed_server.url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert "Milestone status changed: Publish the inventory (Limited → Complete)" in titles
    assert not any("Choose a licence" in t for t in titles)  # Quebec's change is another jurisdiction's

    # A filter changed on the page changes the feed it offers.
    page.locator("#commitments-status-tiles button.status-tile", has_text="Limited").click()
    page.wait_for_url("**status=limited**")
    harness.wait_for_dash(page)
    assert alternate_href(page) == "/feed/commitments.atom?jurisdiction=ca&status=limited"


def test_the_french_page_offers_the_french_feed(page, feed_server):
    page.goto(feed_server.url + "/commitments?lang=fr")
    harness.wait_for_dash(page)
    href = alternate_href(page)
    assert href == "/feed/commitments.atom?lang=fr"
    assert page.locator("a.feed-link").inner_text() == "Fil des changements"
    root = ET.fromstring(page.request.get(feed_server.url + href).body())
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert "État du jalon modifié\u00a0: Publier l'inventaire (Limité → Achevé)" in titles
    page.goto(feed_server.url + "/commitments/CA1?lang=fr")
    harness.wait_for_dash(page)
    assert alternate_href(page) == "/feed/commitments/CA1.atom?lang=fr"
