"""Shared fixtures: an app on a tiny hand-written snapshot, the real files in ../shared/data, a fresh query cache.

Helpers that are not fixtures (paths, the snapshot writer, page modules, tree readers) are in tests/helpers/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from dashboard import schema
from dashboard.app import create_app
from helpers import SHARED_DATA


@pytest.fixture(scope="module")
def app_on(tmp_path_factory) -> Callable[[str, Callable[[Path], Any]], dict]:
    """Return app_on(name, write): an app serving the tiny snapshot `write(data_dir)` writes into a new folder.

    The folder is named after `name`; $OGDASH_DATA_DIR points to it until the test module ends. It
    returns {"app", "snapshot" (what `write` returned), "data_dir", "client" (a Flask test client)}.
    """
    with pytest.MonkeyPatch.context() as mp:
        def build(name: str, write: Callable[[Path], Any]) -> dict:
            data_dir = tmp_path_factory.mktemp(name)
            snap = write(data_dir)
            mp.setenv("OGDASH_DATA_DIR", str(data_dir))
            app = create_app(data_dir)
            return {"app": app, "snapshot": snap, "data_dir": data_dir, "client": app.server.test_client()}

        yield build


@pytest.fixture
def shared_data() -> Path:
    """The real public files; tests that need them skip when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the checkout, not in it)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _fresh_query_cache():
    from dashboard import data

    data.clear_cache()
    yield
    data.clear_cache()


assert set(schema.TABLES) == set(schema.PRIMARY_KEYS) == set(schema.SORT_KEYS)
