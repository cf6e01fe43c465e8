"""Save full-page screenshots of every page, in English and French, at desktop and phone sizes."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402

SIZES = {"desktop": (1920, 1080), "phone": (390, 844)}


def shots(data_dir: Path, out: Path, langs: list[str], sizes: list[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    commitment = harness.busiest_commitment(data_dir)
    paths = harness.page_paths() + [f"/commitments/{commitment}"]
    saved = []
    with harness.serve(data_dir, log=out / "serve.log") as server, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        for size in sizes:
            width, height = SIZES[size]
            # Not is_mobile: a mobile viewport widens itself to fit content, which would hide overflow.
            context = browser.new_context(viewport={"width": width, "height": height}, has_touch=size == "phone")
            page = context.new_page()
            for path in paths:
                for lang in langs:
                    name = (path.strip("/").replace("/", "-") or "overview") + f"-{lang}-{width}x{height}.png"
                    started = time.monotonic()
                    page.goto(server.url + path + ("?lang=fr" if lang == "fr" else ""))
                    try:
                        harness.wait_for_dash(page)
                    except Exception as exc:  # a page that never settles is still worth seeing
                        print(f"{name}: did not settle: {str(exc).splitlines()[0]}", file=sys.stderr)
                    fit = page.evaluate(harness.OVERFLOW_JS)
                    page.screenshot(path=str(out / name), full_page=True)
                    print(f"{out / name}  ({time.monotonic() - started:.1f} s)")
                    if fit["scrollWidth"] > fit["width"]:
                        print(f"  scrolls sideways: {fit['scrollWidth']} px wide; {fit['culprits']}")
                    saved.append(out / name)
            context.close()
        browser.close()
    if "Traceback" in (out / "serve.log").read_text(errors="replace"):
        print(f"the server logged a traceback: see {out / 'serve.log'}", file=sys.stderr)
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="serve this data folder instead of a fresh bundled snapshot")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--lang", action="append", choices=("en", "fr"), help="default: both")
    parser.add_argument("--size", action="append", choices=tuple(SIZES), help="default: both")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ogdash-shots-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp)
            harness.build_history(data_dir)
        shots(data_dir.resolve(), args.out, args.lang or ["en", "fr"], args.size or list(SIZES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
