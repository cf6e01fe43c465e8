"""One home per concept (issue 16): the vocabulary lives in dashboard/progress.py, SQL compares ranks through its
macros, page modules stay thin glue, and the page list is the page registry."""

from __future__ import annotations

import re

from dashboard import charts, config, progress, sitemap
from helpers import REPO

PACKAGE = REPO / "dashboard"


def test_status_swatches_are_drawn_in_the_vocabularys_colours():
    css = (config.ASSETS_DIR / "20-commitments.css").read_text(encoding="utf-8")
    drawn = dict(re.findall(r"\.swatch-([a-z_]+) \{ background-color: (#[0-9A-Fa-f]{6})", css))
    assert drawn == {**progress.PROGRESS_COLOURS, "none": progress.NOT_ASSESSED_COLOUR}


def test_the_vocabulary_is_written_in_one_module():
    words = ('N_("Not started")', 'N_("Subnational")', 'N_("Transformative")', 'N_("No data (ND)")',
             'N_("Overdue")', 'N_("IRM completion")', 'N_("Visits to date")')
    elsewhere = [f"{path.relative_to(REPO)}: {word}" for path in sorted(PACKAGE.rglob("*.py"))
                 if path.name != "progress.py" for word in words if word in path.read_text(encoding="utf-8")]
    assert elsewhere == []


def test_no_query_compares_a_rank_with_a_number():
    """Rank limits reach SQL as the macros substantial_rank() and complete_rank(), never as literals."""
    literal = re.compile(r"progress_rank(?:\s*,\s*-?\d+\s*\))?\s*(?:[<>]=?|=)\s*-?\d")
    offenders = []
    for path in sorted(config.QUERIES_DIR.rglob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in literal.finditer(text)]
    assert offenders == []


def test_page_modules_are_thin():
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines())
               for path in sorted((PACKAGE / "pages").glob("*.py"))}
    assert {name: n for name, n in lengths.items() if n > 400} == {}


def test_navigation_briefings_and_playlists_come_from_the_page_registry():
    assert [path for path, _name in sitemap.NAV] == ["/", "/commitments", "/datasets", "/training", "/compare", "/data",
                                                     "/present"]
    assert dict(sitemap.BRIEFINGS) == {"overview": "/", "commitments": "/commitments", "datasets": "/datasets",
                                       "training": "/training", "compare": "/compare"}
    assert dict(sitemap.RECORD_BRIEFINGS) == {"commitment": ("/commitments/", "commitment-")}
    assert dict(sitemap.CHART_PAGES) == {path: topic + "-" for topic, path in sitemap.BRIEFINGS.items()}
    topics = {p["topic"] for p in sitemap.pages() if p.get("topic")}
    for topic in topics:  # what a page shows is its topic's spec module
        assert (PACKAGE / "specs" / f"{topic}.py").is_file(), topic
    assert all(chart_id.split("-")[0] in topics for chart_id in charts.REGISTRY), sorted(charts.REGISTRY)
