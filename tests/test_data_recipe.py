"""The DuckDB recipe printed on /data runs exactly as printed, for the data folder being served, from any folder."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers import find_all, make_snapshot, page_module, text_of
from helpers.recipe import run_recipe
from dashboard import data, state

SNAP = "20250301T000000Z"
DATASETS = [
    {"dataset_id": "a", "portal": "open.canada.ca", "jurisdiction_id": "ca", "title_en": "A",
     "published": dt.date(2023, 5, 2), "published_basis": "date_published", "catalogue_load": False},
    {"dataset_id": "b", "portal": "open.canada.ca", "jurisdiction_id": "ca", "title_en": "B",
     "published": dt.date(2024, 7, 9), "published_basis": "date_published", "catalogue_load": False},
    {"dataset_id": "c", "portal": "open.canada.ca", "jurisdiction_id": "ca", "title_en": "C",
     "published": dt.date(2024, 8, 1), "published_basis": "date_published", "catalogue_load": False},
]
JURISDICTIONS = [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]

@pytest.fixture(scope="module")
def app_env(app_on):
    # A data folder of the test's own (as `ogdash serve --data-dir` gives), not ./data.
    return app_on("recipe", lambda d: make_snapshot(d, {"jurisdictions": JURISDICTIONS, "datasets": DATASETS},
                                                    snapshot_id=SNAP))


def _recipe(app_env) -> str:
    layout = page_module("data_page").layout()
    blocks = find_all(layout, lambda n: type(n).__name__ == "Pre" and "import duckdb" in text_of(n))
    assert len(blocks) == 1
    return text_of(blocks[0])


def test_the_recipe_names_the_served_snapshot_by_its_absolute_path(app_env):
    recipe = _recipe(app_env)
    folder = (app_env["data_dir"] / "snapshots" / SNAP).resolve()
    assert f"snapshot = {str(folder)!r}" in recipe
    assert "data/snapshots" not in recipe.replace(str(folder), "")


def test_the_recipe_runs_as_printed_from_another_folder(app_env, tmp_path):
    rows = run_recipe(_recipe(app_env), cwd=tmp_path)
    assert [(r["year"], r["datasets"], r["cumulative_datasets"]) for r in rows] == [(2023, 1, 1), (2024, 2, 3)]
    expected = data.query("releases_by_period", snapshot=SNAP, data_dir=app_env["data_dir"], grain="year",
                          jurisdictions=[], levels=[], date_from=None, date_to=None)
    assert rows == json.loads(expected.to_json(orient="records"))  # what the dashboard's query layer returns


def test_the_recipe_runs_on_a_snapshot_built_before_a_rollup_existed(app_env, tmp_path):
    """A rollup with no file of its current definition is computed from its SQL, after the rollups it reads."""
    snap = data.current_snapshot(app_env["data_dir"])
    rollups = dict(snap.manifest["rollups"])
    stale = {name: {**entry, "definition_sha256": "old"} for name, entry in rollups.items()}
    older = type(snap)(snap.id, snap.path, {**snap.manifest, "rollups": stale})
    sources = data.rollup_sources(older)
    assert all(file is None for _name, file in sources) and {n for n, _ in sources} == set(rollups)
    recipe = _recipe(app_env).replace(repr(data.rollup_sources(snap)), repr(sources))
    assert repr(sources) in recipe
    rows = run_recipe(recipe, cwd=tmp_path)
    assert [(r["year"], r["datasets"]) for r in rows] == [(2023, 1), (2024, 2)]


def test_the_recipe_is_the_same_in_french_but_its_words(app_env):
    french = page_module("data_page").layout(lang="fr")
    blocks = find_all(french, lambda n: type(n).__name__ == "Pre" and "import duckdb" in text_of(n))
    assert text_of(blocks[0]) == _recipe(app_env)
    assert state.parse("?lang=fr").lang == "fr"
