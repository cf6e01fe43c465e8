"""The strict Content-Security-Policy holds in a real browser: headless Chromium loads every page of
`ogdash serve --prod` (on demo data), exports a chart, and sees no CSP violation, while every
callback the page fires is accepted (the callback-shape check refuses nothing a browser sends)."""

from __future__ import annotations

import pytest

from bench import loadtest, servers

pytestmark = pytest.mark.browser

PAGES = ("/", "/commitments", "/datasets", "/training", "/compare", "/data", "/?lang=fr",
         "/commitments?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&level=national")

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
"""


# The browser is the session's (tests/browser/conftest.py): one Playwright per process.


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = loadtest.demo_data("small", tmp_path_factory.mktemp("csp-data"))
    port = servers.free_port()
    with open(tmp_path_factory.mktemp("csp-log") / "server.log", "w") as log_file:
        proc = servers.start_server(data_dir, port, log_file=log_file, env={"OGDASH_WORKERS": "2"})
        try:
            servers.wait_healthy(f"http://127.0.0.1:{port}", proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            servers.stop_server(proc)


def _visit(browser, url: str):
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(90_000)  # a busy CI machine draws slowly; the test is about the policy
    console, refused = [], []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    return context, page, console, refused


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_no_csp_violation(browser, server, path):
    context, page, console, refused = _visit(browser, server + path)
    try:
        assert page.locator("h1").count() >= 1
        violations = page.evaluate("window.__csp")
        assert violations == [], violations
        assert not [m for m in console if "Content Security Policy" in m], console
        assert not [r for r in refused if "_dash-update-component" in r or "_dash-component-suites" in r], refused
        if path.startswith(("/commitments", "/datasets", "/training")):
            page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
        assert "alert(1)" not in page.evaluate("Array.from(document.scripts).map(s => s.textContent).join('')")
    finally:
        context.close()


def test_chart_exports_work_under_the_policy(browser, server):
    context, page, console, refused = _visit(browser, server + "/commitments")
    try:
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
        card = page.locator(".chart-card").first
        with page.expect_download() as png:
            card.get_by_role("button", name="PNG", exact=True).click()
        assert png.value.suggested_filename.endswith(".png")
        with page.expect_download() as csv:
            card.get_by_role("link", name="CSV", exact=True).click()
        assert csv.value.suggested_filename.endswith(".csv")
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
