"""Shared fixtures: tiny hand-written snapshots, and the path to the real files in ../shared/data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard import schema, snapshots
from dashboard.ingest.common import Source, build_table

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def make_snapshot(data_dir: Path, tables: dict[str, list[dict[str, Any]]], *,
                  snapshot_id: str | None = None) -> snapshots.Snapshot:
    """Write a snapshot of hand-written rows; `source` and `synthetic` default to "test" and False."""
    src = Source(name="test", kind="reference")
    built = {}
    for name, rows in tables.items():
        full = [{"source": "test", "synthetic": False, **r} for r in rows]
        built[name] = build_table(name, full, source=src, file=f"fixture:{name}")
    return snapshots.write_snapshot(data_dir, built, [{"name": "test", "kind": "reference", "rows": {}}],
                                    snapshot_id=snapshot_id)


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
