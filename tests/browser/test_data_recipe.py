"""The notebook recipe on /data, copied from the page as a reader sees it, runs and answers what the dashboard answers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import data

pytestmark = pytest.mark.browser

# Runs a recipe as copied, then prints its last expression (the query's rows) as JSON records.
RUNNER = """
import ast, sys
recipe = sys.stdin.read()
tree = ast.parse(recipe)
last = tree.body.pop()
namespace = {}
exec(compile(tree, "<recipe>", "exec"), namespace)
frame = eval(compile(ast.Expression(last.value), "<recipe>", "eval"), namespace)
print(frame.to_json(orient="records"))
"""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_recipe_copied_from_the_page_runs_on_the_served_snapshot(shown, live_data_dir, tmp_path, lang):
    tab = shown(f"/data?lang={lang}")
    block = tab.page.locator("pre", has_text="import duckdb")
    assert block.count() == 1
    recipe = block.inner_text()  # what a reader selects and copies: the text as rendered
    served = data.current_snapshot(live_data_dir)
    assert str((live_data_dir / "snapshots" / served.id).resolve()) in recipe

    done = subprocess.run([sys.executable, "-c", RUNNER], input=recipe, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)  # another folder than the server's or the checkout's
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)
    expected = data.query("releases_by_period", snapshot=served.id, data_dir=live_data_dir, grain="year",
                          jurisdictions=[], levels=[], date_from=None, date_to=None)
    assert rows and rows == json.loads(expected.to_json(orient="records"))
    tab.assert_healthy()
