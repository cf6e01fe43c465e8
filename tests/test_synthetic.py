"""The generator: deterministic for a seed, every row synthetic, ids apart from real ones, exact sizes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow.compute as pc
import pytest

from dashboard import linking, progress, publish, schema, snapshots
from dashboard.ingest import synthetic
from dashboard.ingest.common import IngestError, Source

AS_OF = dt.date(2026, 11, 22)
# Every table but those the linking step fills from several real sources (nothing generated is linked).
GENERATED = [name for name in schema.TABLES if name not in linking.TABLES]


@pytest.fixture(scope="module")
def small() -> dict:
    return synthetic.generate("small", seed=2026, as_of=AS_OF)


def test_same_seed_same_tables_other_seed_other_tables(small):
    again = synthetic.generate("small", seed=2026, as_of=AS_OF)
    other = synthetic.generate("small", seed=7, as_of=AS_OF)
    for name in GENERATED:
        assert small[name].equals(again[name]), name
    assert not small["commitments"].equals(other["commitments"])
    assert not small["milestone_status"].equals(other["milestone_status"])


def test_every_table_is_filled_and_every_row_synthetic(small):
    assert set(small) == set(GENERATED)
    for name, table in small.items():
        assert table.num_rows > 0, name
        assert table.schema.equals(schema.TABLES[name]), name
        assert pc.all(table["synthetic"]).as_py() is True, name
        assert set(table["source"].unique().to_pylist()) == {"synthetic"}, name


def test_small_scale_counts(small):
    size = synthetic.SCALES["small"]
    assert small["commitments"].num_rows == size.commitments
    assert small["milestones"].num_rows == size.milestones
    assert small["milestone_status"].num_rows == size.status_rows
    assert small["datasets"].num_rows == size.datasets
    assert small["learning_events"].num_rows == size.learning_rows


def test_world_scale_counts_are_exact():
    world = synthetic.generate("world", seed=2026, as_of=AS_OF)
    rows = {name: t.num_rows for name, t in world.items()}
    assert (rows["commitments"], rows["milestones"], rows["milestone_status"], rows["datasets"],
            rows["learning_events"]) == (6_000, 30_000, 120_000, 100_000, 50_000)
    for name, table in world.items():
        assert table.schema.equals(schema.TABLES[name]), name
        assert pc.all(table["synthetic"]).as_py() is True, name


def test_generated_ids_never_collide_with_reference_ids(small):
    commitments = small["commitments"]
    assert pc.all(pc.starts_with(commitments["commitment_id"], "SYN-")).as_py()
    assert not set(commitments["jurisdiction_id"].to_pylist()) & set(synthetic.REFERENCE_JURISDICTIONS)
    for name in ("milestones", "milestone_status", "indicators"):
        assert pc.all(pc.starts_with(small[name]["commitment_id"], "SYN-")).as_py(), name
    assert pc.all(pc.starts_with(small["milestone_status"]["milestone_id"], "SYN-")).as_py()
    assert pc.all(pc.starts_with(small["datasets"]["dataset_id"], "syn-")).as_py()
    linked = [c for c in small["learning_events"]["commitment_id"].to_pylist() if c]
    assert linked and all(c.startswith("SYN-") for c in linked)


def test_status_vocabularies_and_scale_agree(small):
    assert set(small["commitments"]["status_vocab"].drop_null().to_pylist()) == {"irm"}
    assert set(small["milestones"]["status_vocab"].to_pylist()) == {"ogp-tracker", "nap"}
    for name in ("commitments", "milestones", "milestone_status"):
        seen = set(zip(*(small[name][c].to_pylist() for c in ("status_code", "status_vocab", "progress",
                                                                "progress_rank"))))
        for code, vocab, scale_value, rank in seen:
            if code is None:
                assert (vocab, scale_value, rank) == (None, None, None)
                continue
            reading = progress.normalise(code, vocab)
            assert (reading.progress, reading.rank) == (scale_value, rank), (name, code, vocab)


def test_irm_missing_values_keep_nd_nr_na_apart(small):
    c = small["commitments"]
    for field in ("potential_impact", "completion_midterm", "completion_end_term", "starred", "opened_government"):
        value, missing = c[field], c[f"{field}_missing"]
        # exactly one of value / reason is present on every row
        assert pc.all(pc.xor(pc.is_valid(value), pc.is_valid(missing))).as_py(), field
        assert set(missing.drop_null().to_pylist()) <= {"ND", "NR", "NA"}, field
    codes = set(c["completion_midterm_missing"].drop_null().to_pylist())
    assert {"NA", "ND"} <= codes  # NA after the 2021 IRM refresh; ND for a random few
    assert "NR" in set(c["completion_end_term_missing"].drop_null().to_pylist())


def test_history_uses_the_as_of_date_not_the_clock(small):
    status = small["milestone_status"]
    assert pc.max(status["period_date"]).as_py() <= AS_OF
    assert pc.max(status["record_modified"]).as_py() < dt.datetime(2026, 11, 23)
    assert pc.max(small["datasets"]["published"]).as_py() <= AS_OF
    assert pc.max(small["portal_metrics"]["date"]).as_py() == AS_OF
    earlier = synthetic.generate("small", seed=2026, as_of=dt.date(2024, 6, 30))
    assert pc.max(earlier["milestone_status"]["period_date"]).as_py() <= dt.date(2024, 6, 30)
    assert pc.max(earlier["portal_metrics"]["date"]).as_py() == dt.date(2024, 6, 30)


def test_there_are_overdue_and_unchanged_milestones_to_find(small):
    m = small["milestones"].to_pandas()
    overdue = m[(m.due_date < AS_OF) & (m.progress_rank < 3)]
    assert len(overdue) > 50
    s = small["milestone_status"].to_pandas().sort_values(["milestone_id", "period_date"])
    tail = s.groupby("milestone_id").tail(3)
    unchanged = tail.groupby("milestone_id").agg(n=("status_code", "size"), codes=("status_code", "nunique"),
                                                 rank=("progress_rank", "max"))
    stale = unchanged[(unchanged.n == 3) & (unchanged.codes == 1) & (unchanged["rank"] < 3)]
    assert len(stale) > 20
    # quarterly periods, consecutive per milestone
    months = s.period_date.map(lambda d: d.year * 12 + d.month - 1)
    assert set(s.period_date.map(lambda d: d.month)) <= {1, 4, 7, 10}
    steps = months.groupby(s.milestone_id).diff().dropna()
    assert set(steps) == {3}


def test_portal_metrics_flag_a_few_outliers(small):
    pm = small["portal_metrics"]
    flagged = pm.filter(pm["is_outlier"])
    series = len(set(zip(pm["portal"].to_pylist(), pm["metric"].to_pylist())))
    assert flagged.num_rows == 4 * series
    assert pc.all(pc.is_valid(flagged["outlier_reason"])).as_py()
    assert pm.filter(pc.invert(pm["is_outlier"]))["outlier_reason"].null_count == pm.num_rows - flagged.num_rows
    assert {"open.canada.ca", "donneesquebec.ca"} <= set(small["datasets"]["portal"].to_pylist())


def test_datasets_grow_over_the_years(small):
    years = np.array([d.year for d in small["datasets"]["published"].to_pylist()])
    per_year = [int((years == y).sum()) for y in range(2015, 2026)]
    assert per_year == sorted(per_year) and per_year[0] > 0


def test_read_takes_its_options_from_the_source():
    source = Source(name="demo", kind="synthetic",
                    options={"seed": 3, "scale": "small", "as_of": dt.date(2025, 1, 31), "tables": ["commitments"]})
    tables = synthetic.read(source)
    assert list(tables) == ["commitments"]
    assert set(tables["commitments"]["source"].to_pylist()) == {"demo"}
    assert tables["commitments"].equals(
        synthetic.generate("small", seed=3, as_of=dt.date(2025, 1, 31), source_name="demo")["commitments"])
    for bad, column in (({"scale": "huge"}, "scale"), ({"seed": "x"}, "seed"), ({"as_of": "soon"}, "as_of"), ({"as_of": dt.date(2012, 1, 1)}, "as_of"),
                        ({"tables": ["nope"]}, "tables")):
        with pytest.raises(IngestError) as err:
            synthetic.read(Source(name="demo", kind="synthetic", options=bad))
        assert err.value.column == column


def test_scale_snapshot_holds_reference_and_generated_rows(tmp_path):
    snap = publish.write_scale_snapshot(tmp_path, "small", seed=2026)
    assert snapshots.verify(tmp_path, snap.id).id == snap.id
    assert "scale small" in snap.manifest["note"] and "seed 2026" in snap.manifest["note"]
    tables = snap.manifest["tables"]
    size = synthetic.SCALES["small"]
    assert tables["commitments"]["synthetic_rows"] == size.commitments
    assert tables["commitments"]["rows"] == size.commitments + 75
    assert tables["milestone_status"]["rows"] - tables["milestone_status"]["synthetic_rows"] == 3
    import pyarrow.parquet as pq

    jur = pq.read_table(snap.table_path("jurisdictions")).to_pylist()
    ca = [j for j in jur if j["jurisdiction_id"] == "ca"]
    assert len(ca) == 1 and ca[0]["synthetic"] is False  # the real row wins over the generated one
    with pytest.raises(synthetic.UnknownScale, match="world-x20"):
        publish.write_scale_snapshot(tmp_path, "galaxy")
