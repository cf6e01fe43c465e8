"""Browser fixtures: one bundled snapshot served by `ogdash serve`, and a fresh headless Chromium tab per test."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from . import harness

VIEWPORT = {"width": 1920, "height": 1080}


@pytest.fixture(scope="session")
def live_data_dir(tmp_path_factory) -> Path:
    """A data folder holding the bundled sources plus generated volume, and an earlier snapshot to compare it with."""
    data_dir = tmp_path_factory.mktemp("live-data")
    try:
        harness.build_history(data_dir, demo=True)  # the bundled sources are real only: volume is opt-in
    except RuntimeError as exc:
        pytest.fail(f"could not build the bundled snapshot: {exc}", pytrace=False)
    return data_dir


@pytest.fixture(scope="session")
def live_server(live_data_dir, tmp_path_factory):
    """The dashboard served by a real `ogdash serve` subprocess on 127.0.0.1 and a free port."""
    log = tmp_path_factory.mktemp("live-server") / "serve.log"
    try:
        with harness.serve(live_data_dir, log=log) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = harness.launch_chromium(playwright)
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield chromium
        chromium.close()


class Tab:
    """One page of a fresh browser context, watching for what a user must never meet."""

    def __init__(self, page, server: harness.Server):
        self.page = page
        self.server = server
        self.problems: list[str] = []
        self.console_errors: list[str] = []  # checked by their own test, so one noisy bug does not fail them all
        self.begin()
        page.set_default_timeout(20_000)
        page.on("response", self._on_response)
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error: {exc}"))
        page.on("dialog", self._on_dialog)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text[:500]))

    def begin(self) -> None:
        """Start a test's watch of the server log here (a shared tab is reused by several tests)."""
        self._log_start = len(self.server.log_text())

    def _on_response(self, response) -> None:
        if response.status >= 500 or ("/_dash-" in response.url and response.status >= 400):
            self.problems.append(f"HTTP {response.status} from {response.url}")

    def _on_dialog(self, dialog) -> None:
        self.problems.append(f"a dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def goto(self, path: str):
        """Open `path` (with its query string) and wait until Dash has rendered it; return the response."""
        self.response = self.page.goto(self.server.url + path)
        self.settle()
        return self.response

    def settle(self) -> None:
        harness.wait_for_dash(self.page)

    def graphs(self) -> list[dict]:
        return harness.graphs(self.page)

    def figure(self, chart_id: str) -> dict:
        """Return {data, layout} of the chart drawn in `figure.chart-<chart_id>`."""
        return self.page.evaluate(
            """id => { const g = document.querySelector('.chart-' + id + ' .js-plotly-plot');
                       return g ? {data: g.data, layout: g.layout} : null; }""",
            chart_id,
        )

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.page.url).query, keep_blank_values=True).items()}

    def assert_healthy(self) -> None:
        """Fail on any callback error, JavaScript error, dialog, Dash error overlay or server traceback."""
        overlay = self.page.locator(".dash-fe-error__title, .dash-error-card")
        if overlay.count():
            self.problems.append(f"Dash error overlay: {overlay.first.inner_text()[:300]}")
        log = self.server.log_text()[self._log_start:]
        if "Traceback" in log:
            self.problems.append("server traceback:\n" + log[log.index("Traceback"):][:3000])
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def open_tab(browser, live_server):
    """Factory: a Tab in a new browser context (no shared cookies, storage or history)."""
    contexts = []

    def make(**options) -> Tab:
        context = browser.new_context(**{"viewport": VIEWPORT, "accept_downloads": True, "locale": "en-CA",
                                         **options})
        contexts.append(context)
        return Tab(context.new_page(), live_server)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab) -> Tab:
    return open_tab()


@pytest.fixture(scope="session")
def shown(browser, live_server):
    """Factory: a Tab showing `path`, loaded once per session and shared by the tests that only look at it.

    Pages take seconds to settle, so read-only checks (charts drawn, accessibility, CSV downloads)
    share one load of each page instead of paying for their own.
    """
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="en-CA")
    tabs: dict[str, Tab] = {}

    def show(path: str) -> Tab:
        if path in tabs:
            tabs[path].begin()
        else:
            tabs[path] = Tab(context.new_page(), live_server)
            tabs[path].goto(path)
        return tabs[path]

    yield show
    context.close()
