"""The notebook recipe on /data, copied from the page as a reader sees it, runs and answers what the dashboard answers."""

from __future__ import annotations

import json

import pytest

from dashboard import data
from helpers.recipe import run_recipe

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_recipe_copied_from_the_page_runs_on_the_served_snapshot(shown, live_data_dir, tmp_path, lang):
    tab = shown(f"/data?lang={lang}")
    block = tab.page.locator("pre", has_text="import duckdb")
    assert block.count() == 1
    recipe = block.inner_text()  # what a reader selects and copies: the text as rendered
    served = data.current_snapshot(live_data_dir)
    assert str((live_data_dir / "snapshots" / served.id).resolve()) in recipe

    rows = run_recipe(recipe, cwd=tmp_path)  # another folder than the server's or the checkout's
    expected = data.query("releases_by_period", snapshot=served.id, data_dir=live_data_dir, grain="year",
                          jurisdictions=[], levels=[], date_from=None, date_to=None)
    assert rows and rows == json.loads(expected.to_json(orient="records"))
    tab.assert_healthy()
