"""The system's Chromium, driven by Playwright: whether this machine can print, one page printed to PDF, and the
print slots a server's workers share.

No browser is ever downloaded: the Chromium is the machine's own ($OGDASH_CHROMIUM, else Debian's path, else
one on PATH). What a print enforces (the page's content is not trusted):
- Chromium loads only the origin it prints from: every other request, a redirect elsewhere, a WebSocket
  and a service worker are refused by Playwright's request interception;
- a print stops after PRINT_TIMEOUT_MS, whatever the page does;
- at most PRINT_SLOTS print at once per server (print_slot, shared by all its workers).
Used by the briefing route (dashboard/brief.py) and by `ogdash brief` (dashboard/printing.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import html
import importlib.util
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from dashboard import config

try:
    import fcntl  # the print slots are lock files where there is flock (Unix)
except ImportError:
    fcntl = None

log = logging.getLogger(__name__)

# Where a system Chromium is looked for when $OGDASH_CHROMIUM is not set: Debian's path, then these names on PATH.
CHROMIUM_PATHS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
INSTALL_CHROMIUM = ("install Chromium (Debian and Ubuntu: apt-get install chromium; Fedora: dnf install chromium; "
                    "macOS: brew install --cask chromium), or set OGDASH_CHROMIUM to a Chromium or Chrome executable")
# Briefings printed at once by one server, all its workers together: each is a Chromium (a few hundred MB
# and a CPU while it draws). A request beyond them is answered 503 at once rather than queued.
PRINT_SLOTS = 2
# A print's whole time: starting Chromium, loading the briefing (the server draws every chart of the page)
# and drawing its figures. A world-scale briefing took 7-12 s here (2 CPUs shared, load 8); a page that
# never finishes is dropped after this, and its slot freed.
PRINT_TIMEOUT_MS = 45_000


def find_chromium() -> Path | None:
    """Return the system Chromium that prints briefings: $OGDASH_CHROMIUM, else /usr/bin/chromium, else one on PATH.

    Looked up each time (a few stat calls): a Chromium installed while the server runs is used at once.
    """
    configured = config.chromium()
    for candidate in ([configured] if configured else CHROMIUM_PATHS):
        found = shutil.which(candidate)
        if found:
            return Path(found)
    return None


def print_problem() -> str | None:
    """Return why this machine cannot print briefings (naming what to install), or None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: pip install playwright (it drives the system's Chromium; " \
               "no browser download is needed)"
    if find_chromium() is None:
        configured = config.chromium()
        if configured:
            return f"OGDASH_CHROMIUM={configured} is not an executable file: set it to a Chromium or Chrome executable"
        return f"no Chromium found ({', '.join(CHROMIUM_PATHS)}): {INSTALL_CHROMIUM}"
    return None


class BriefFailed(RuntimeError):
    """A briefing that could not be printed; the message says why."""


class BriefUnavailable(BriefFailed):
    """This machine cannot print briefings; the message says what to install."""


def launch_chromium(playwright, *, timeout_ms: float = PRINT_TIMEOUT_MS):
    """Return the system Chromium, launched headless through Playwright (never a downloaded browser)."""
    chromium = find_chromium()
    if chromium is None or print_problem():
        raise BriefUnavailable(print_problem() or "no Chromium found")
    return playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
                                      timeout=timeout_ms)


def origin_of(url: str) -> str:
    """Return the origin of `url` (scheme://host:port, the port always written), lowercased."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def _only_from(origin: str, refused: list[str], left):
    """Return a Playwright route handler that lets requests to `origin` through and aborts every other one.

    An allowed request is fetched without following redirects and its answer handed to the page: a
    redirect is then a new request that comes back here (the browser follows a redirect of a request it
    was told to continue without asking again, which would let the origin send it anywhere).
    """
    def handle(route) -> None:
        url = route.request.url
        if origin_of(url) != origin:
            refused.append(url)
            route.abort("blockedbyclient")
            return
        try:
            route.fulfill(response=route.fetch(max_redirects=0, timeout=left()))
        except Exception:  # the server went away or the print is stopping: the page sees a failed request
            with contextlib.suppress(Exception):
                route.abort("failed")
    return handle


def print_pdf(url: str, out: Path, *, timeout_ms: int | None = None) -> Path:
    """Print the briefing page at `url` to the PDF `out` with headless Chromium; return `out`.

    Chromium may load nothing but `url`'s own origin, and the whole print (start, load, draw) stops after
    `timeout_ms` (PRINT_TIMEOUT_MS) with BriefFailed.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print_pdf(url, out, timeout_ms=timeout_ms)
    # Playwright's sync API refuses to run where an event loop runs (a notebook, or a process already driving
    # a browser through it): print from a thread of its own, which has none.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ogdash-print") as pool:
        return pool.submit(_print_pdf, url, out, timeout_ms=timeout_ms).result()


def _print_pdf(url: str, out: Path, *, timeout_ms: int | None = None) -> Path:
    problem = print_problem()
    if problem:
        raise BriefUnavailable(problem)
    # Imported when a print starts: a server without Playwright still serves (print_problem says what to install).
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    timeout_ms = PRINT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000

    def left() -> float:  # milliseconds left of the print's time, at least one
        return max(1.0, (deadline - time.monotonic()) * 1000)

    out = Path(out)
    origin, refused = origin_of(url), []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, timeout_ms=left())
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 1400}, service_workers="block",
                                          accept_downloads=False)
            context.route("**/*", _only_from(origin, refused, left))
            context.route_web_socket(re.compile(".*"), lambda ws: ws.close())
            page = context.new_page()
            try:
                response = page.goto(url, timeout=left())
                if response is None or response.status != 200:  # not a briefing: say so now, not after the timeout
                    raise BriefFailed(f"{url} answered {response.status if response else 'nothing'}")
                page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=left())
            except PlaywrightError as exc:
                raise BriefFailed(f"{url} was not ready within {timeout_ms / 1000:g} s: "
                                  f"{str(exc).splitlines()[0]}") from exc
            footer = (f'<div style="font-size:8px;width:100%;text-align:center;color:#444">'
                      f'{html.escape(page.title(), quote=True)} · <span class="pageNumber"></span>/<span class="totalPages"></span></div>')
            out.parent.mkdir(parents=True, exist_ok=True)
            page.set_default_timeout(left())
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer,
                     margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    if refused:
        log.warning("briefing %s: refused %d request(s) to other origins: %s", url, len(refused),
                    ", ".join(refused[:5]))
    return out


# ---------------------------------------------------------------- one or two prints at a time

_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_slots_lock = threading.Lock()


def _slot_folder() -> Path | None:
    """Return this user's folder of print-slot lock files (created 0700), or None where there can be none."""
    if not hasattr(os, "getuid"):
        return None
    folder = Path(tempfile.gettempdir()) / f"ogdash-print-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():  # someone else's, or a link
        return None
    return folder


@contextlib.contextmanager
def print_slot(server: str) -> Iterator[bool]:
    """Hold one of the PRINT_SLOTS print slots of `server` (its print address) for the block, yielding True;
    yield False at once when every slot is taken.

    The slots are lock files (flock), so that every worker process of one server shares them and a worker
    that dies frees its slot; where there are none (not Unix), each process has its own PRINT_SLOTS.
    """
    folder = _slot_folder() if fcntl is not None else None
    if folder is None:
        with _local_slots_lock:
            slots = _local_slots.setdefault(server, threading.BoundedSemaphore(PRINT_SLOTS))
        held = slots.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                slots.release()
        return
    tag = hashlib.sha256(server.encode()).hexdigest()[:16]
    for number in range(PRINT_SLOTS):
        try:
            fd = os.open(folder / f"{tag}-{number}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
        except OSError as exc:  # not a file of ours: counted as taken, and said
            log.warning("print slot %s-%d cannot be opened in %s: %s", tag, number, folder, exc)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # taken
            os.close(fd)
            continue
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    yield False
