"""What a chart image (PNG/SVG) carries besides its plot, from the server (dashboard/provenance.py): chart_image and the
export_image callback, called directly on a tiny snapshot. The browser test (tests/browser/test_image_export.py)
checks the drawn image."""

from __future__ import annotations

import contextvars

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from helpers import commitments_data
from dashboard import i18n, playlists, provenance, publish
from dashboard.ingest.common import Source, build_table

SNAP = "20240401T000000Z"
SOURCES = [{"name": "tracker", "kind": "nap-tracker", "rows": {"commitments": 10}, "data_date": "2024-03-31",
            "data_date_basis": "stated"}]


def _write(data_dir):
    src = Source(name="tracker", kind="nap-tracker")
    tables = {name: build_table(name, [{"source": "tracker", "synthetic": False, **r} for r in rows], source=src,
                                file=f"fixture:{name}")
              for name, rows in commitments_data.TABLES.items()}
    return publish.write_snapshot(data_dir, tables, SOURCES, snapshot_id=SNAP)


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("chart-image", _write)


def _built(app_env, lang: str) -> str:
    return i18n.fmt_date(app_env["snapshot"].created_at, lang)


def test_an_image_states_title_sentence_snapshot_filters_sources_and_data_date(app_env):
    image = provenance.chart_image("commitments-heatmap", "jurisdiction=ca&level=national")
    assert image["title"] == "Canada, plan by plan"  # the card's own heading for one jurisdiction
    assert image["sentence"].startswith("Canada, plan by plan: 2 action plans, 50% (n = 4)")
    assert image["lines"] == [
        f"Snapshot {SNAP}, built {_built(app_env, 'en')}",
        "Filters: Jurisdiction: Canada; Level: National",
        "Sources: tracker (Open Government Licence – Canada; data as of March 31, 2024)",
        "Data as of March 31, 2024",
    ]
    assert image["filename"] == f"commitments-heatmap_{SNAP}_en"
    assert (image["width"], image["height"], image["scale"]) == (1920, 1080, 2)  # 3840 x 2160 px: print resolution


def test_an_image_in_french_speaks_french_and_names_filters_in_words(app_env):
    image = provenance.chart_image("commitments-progress-cycle", "lang=fr&jurisdiction=ca")
    assert image["title"] == "Avancement des engagements, plan par plan"
    assert image["sentence"].startswith("Dans le 2e plan d’action (2022-2024), 0\u00a0% (n = 1)")
    assert image["lines"] == [
        f"Instantané {SNAP}, produit le {_built(app_env, 'fr')}",
        "Filtres : Administration\u00a0: Canada",
        "Sources : tracker (Licence du gouvernement ouvert – Canada ; données au 31 mars 2024)",
        "Données au 31 mars 2024",
    ]
    assert image["filename"] == f"commitments-progress-cycle_{SNAP}_fr"


def test_an_image_keeps_the_findings_and_leaves_out_web_instructions(app_env):
    from dashboard import charts

    _fig, sentence, *_rest = charts.render("commitments-heatmap", "")
    assert playlists.instructions_in(str(sentence)), "the page's sentence tells a reader what to click"
    image = provenance.chart_image("commitments-heatmap", "")
    assert image["sentence"] == " ".join(playlists.findings(str(sentence)))
    assert image["sentence"].startswith("Across 3 jurisdictions and 4 action plans, 50% of the 6 assessed")
    assert not playlists.instructions_in(image["sentence"])


def _press(chart: str, kind: str, png_clicks, svg_clicks, store):
    """Call export_image as Dash would when the card's `kind` button is pressed (in a copied context: nothing leaks)."""
    def run():
        context_value.set(AttributeDict(triggered_inputs=[
            {"prop_id": f'{{"chart":"{chart}","type":"chart-{kind}"}}.n_clicks', "value": 1}]))
        return provenance.export_image(png_clicks, svg_clicks, store)

    return contextvars.copy_context().run(run)


def test_the_export_callback_answers_a_button_with_its_format_and_a_new_request(app_env):
    first = _press("commitments-heatmap", "svg", None, 1, {"search": "lang=fr"})
    assert first == {**provenance.chart_image("commitments-heatmap", "lang=fr"), "format": "svg", "request": 1}
    second = _press("commitments-heatmap", "png", 1, 1, {"search": "lang=fr"})
    # Each press changes the store, so the clientside callback draws the image again.
    assert (second["format"], second["request"]) == ("png", 2)


@pytest.mark.parametrize("chart, store", [
    ("no-such-chart", {"search": ""}),  # a card id this app never drew
    ("commitments-heatmap", {"search": "", "key": "CA0001"}),  # a key on a chart that takes none
])
def test_the_export_callback_refuses_a_tampered_request(app_env, chart, store):
    with pytest.raises(PreventUpdate):
        _press(chart, "png", 1, None, store)
