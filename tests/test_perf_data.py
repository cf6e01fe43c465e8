"""The speed-ups keep their answers: rollups equal their definition, cached frames cannot be changed by callers, the theme template is the one plotly would merge."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pyarrow.parquet as pq
import pytest

from helpers import make_snapshot
from dashboard import data, snapshots

JUR = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational"},
]
DATASETS = [
    {"dataset_id": "a", "portal": "open.canada.ca", "jurisdiction_id": "ca", "organization": "tbs",
     "organization_title_en": "Treasury Board", "published": dt.date(2024, 1, 5), "licence": "OGL", "formats": ["CSV", " csv"]},
    {"dataset_id": "b", "portal": "open.canada.ca", "jurisdiction_id": "ca", "organization": "tbs",
     "organization_title_en": "Treasury Board", "published": dt.date(2024, 1, 5), "licence": "OGL", "formats": ["JSON"]},
    {"dataset_id": "c", "portal": "donneesquebec.ca", "jurisdiction_id": "ca-qc", "organization": None,
     "published": None, "licence": None, "formats": []},
]


@pytest.fixture
def built(tmp_path):
    return tmp_path, make_snapshot(tmp_path, {"jurisdictions": JUR, "datasets": DATASETS})


def test_a_snapshot_lists_its_rollups_and_verifies_them(built):
    data_dir, snap = built
    rollups = snap.manifest["rollups"]
    assert set(rollups) == set(data.rollup_names())
    assert rollups["datasets_by_day"]["rows"] == 2  # (ca, 2024-01-05) and (ca-qc, undated)
    assert rollups["dataset_formats_by_day"]["rows"] == 2  # CSV once for "a", JSON for "b"
    (snap.path / rollups["datasets_by_day"]["file"]).write_bytes(b"not parquet")
    with pytest.raises(snapshots.SnapshotError, match="rollup datasets_by_day: checksum mismatch"):
        snapshots.verify(data_dir, snap.id)


@pytest.mark.parametrize("name", ["datasets_by_day", "datasets_by_publisher_day", "dataset_formats_by_day"])
def test_a_rollup_file_holds_what_its_definition_computes(built, name, monkeypatch):
    data_dir, snap = built
    written = pq.read_table(snap.path / snap.manifest["rollups"][name]["file"]).to_pandas(date_as_object=False)
    # A snapshot whose manifest names no rollups (one built before them) gets each computed on the fly.
    manifest = {k: v for k, v in snap.manifest.items() if k != "rollups"}
    monkeypatch.setattr(data._served, "get", lambda d, i: dataclasses.replace(snap, manifest=manifest))
    queries = data_dir / "queries"
    (queries / "rollups").mkdir(parents=True)
    (queries / "rollup_now.sql").write_text(f"select * from {name}")
    for definition in (data.config.QUERIES_DIR / "rollups").glob("*.sql"):
        (queries / "rollups" / definition.name).write_text(definition.read_text())
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", queries)
    computed = data.query("rollup_now", data_dir=data_dir, snapshot=snap.id)
    assert list(computed.columns) == list(written.columns)
    assert _records(computed) == _records(written)


def _records(frame: pd.DataFrame) -> list[tuple]:
    plain = frame.astype(object).where(frame.notna(), None)
    return [tuple(v.tolist() if hasattr(v, "tolist") else pd.Timestamp(v).date() if "published" == c and v else v
                  for c, v in zip(frame.columns, row)) for row in plain.itertuples(index=False, name=None)]


def test_a_cached_result_cannot_be_changed_by_the_caller(built):
    data_dir, _ = built
    first = data.query("filter_options", data_dir=data_dir)
    first["value"] = "changed"
    first.loc[first.index[0], "kind"] = "changed"
    again = data.query("filter_options", data_dir=data_dir)
    assert "ca" in again["value"].tolist() and "changed" not in again["value"].tolist() + again["kind"].tolist()


def test_the_result_cache_is_bounded_in_bytes():
    cache = data._ResultCache(max_bytes=10_000, max_entries=100)
    frame = pd.DataFrame({"x": range(200)})  # 1.6 kB of values
    for i in range(20):
        cache.put(("q", i), frame)
    assert cache.get(("q", 19)) is not None and cache.get(("q", 0)) is None
    assert cache._bytes <= 10_000
    cache.put(("big",), pd.DataFrame({"x": range(10_000)}))  # over a quarter of the bound: not kept
    assert cache.get(("big",)) is None


def test_the_theme_template_is_valid_and_is_plotly_white_with_the_theme_over_it():
    """Cut to the trace types and 2-D axes the figures use: the figures render as before."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from dashboard.figures import base

    validated = go.layout.Template(base.theme_template_json()).to_plotly_json()  # raises on an invalid property
    merged = pio.templates.merge_templates(pio.templates["plotly_white"],
                                           go.layout.Template(layout=base.THEME)).to_plotly_json()
    merged["data"] = {kind: v for kind, v in merged["data"].items() if kind in base.TRACE_TYPES}
    merged["layout"] = {key: v for key, v in merged["layout"].items() if key not in base.UNUSED_SUBPLOTS}
    assert validated == merged
    assert pio.templates[pio.templates.default].to_plotly_json() == merged
    assert go.Figure().to_plotly_json()["layout"]["template"] == merged


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    from dashboard import publish

    root = tmp_path_factory.mktemp("perf-small")
    publish.write_scale_snapshot(root, "small")
    return root


@pytest.mark.parametrize("where", [
    {"jurisdictions": [], "levels": [], "cycles": []},
    {"jurisdictions": ["ca", "fra", "ken"], "levels": [], "cycles": []},
    {"jurisdictions": [], "levels": ["national"], "cycles": ["2018-2020", "2020-2022"]},
])
def test_attention_counts_are_what_overdue_milestones_lists(small_demo, where):
    common = {"as_of": dt.date(2026, 11, 22), "stale_periods": 3, "horizon_days": 60, **where}
    counts = data.query("attention_counts", data_dir=small_demo, **common)
    rows = data.query("overdue_milestones", data_dir=small_demo, limit=None, **common)
    listed = rows.groupby("reason").agg(milestones=("milestone_id", "size"), synthetic_rows=("synthetic", "sum"))
    assert counts.set_index("reason")[["milestones", "synthetic_rows"]].to_dict() == listed.to_dict()
    assert counts["milestones"].sum() == len(rows) > 0 or not len(rows)


def test_threads_share_one_database_and_bind_each_snapshot_once(tmp_path, monkeypatch):
    import threading

    make_snapshot(tmp_path, {"jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada",
                                                "level": "national", "parent_id": None, "source": "t",
                                                "synthetic": False}]})
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    data.clear_cache()
    data.warm(tmp_path)
    db = data._database(tmp_path.resolve())
    assert list(db.schemas.values()) == ["snap_" + data.current_snapshot(tmp_path).id]
    cursors, errors = [], []

    def work():
        try:
            cursors.append(data._connection(tmp_path.resolve())["conn"])
            assert not data.query("filter_options", data_dir=tmp_path).empty
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len({id(c) for c in cursors}) == 4  # a cursor per thread
    assert len(db.schemas) == 1  # the snapshot's views were bound once, for all of them
