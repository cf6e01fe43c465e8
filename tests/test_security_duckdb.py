"""The locked-down DuckDB behind every query: read-only, confined to the snapshot folder, configuration
locked, memory and threads capped, and each query stopped at its time limit."""

from __future__ import annotations

import time

import pytest

from dashboard import data, snapshots

from helpers import make_snapshot

JUR = [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A data folder with one snapshot, and an empty queries folder the test fills with hostile SQL."""
    data_dir = tmp_path / "data"
    snap = make_snapshot(data_dir, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")
    queries = tmp_path / "queries"
    queries.mkdir()
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", queries)

    def run(sql: str, **params):
        name = f"q{abs(hash(sql)) % 10**8}"
        (queries / f"{name}.sql").write_text(sql, encoding="utf-8")
        return data.query(name, data_dir=data_dir, **params)

    run.data_dir = data_dir
    run.snapshot = snap
    run.folder = snapshots.snapshots_dir(data_dir)
    yield run


def _tree(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


@pytest.mark.parametrize("sql", [
    "copy (select 1 as a) to '{folder}/20260101T000000Z/evil.csv'",
    "copy (select 1 as a) to '{folder}/evil.parquet' (format parquet)",
    "copy jurisdictions to '{folder}/20260101T000000Z/jurisdictions.parquet' (format parquet)",
    "attach '{folder}/evil.duckdb' as evil",
    "export database '{folder}/dump'",
    "install httpfs",
    "load httpfs",
    "create table t as select 1 as a",
    "select 1; copy (select 1) to '{folder}/evil.csv'",
])
def test_nothing_but_a_select_runs_so_the_snapshot_folder_cannot_be_written(served, sql):
    before = _tree(served.folder)
    with pytest.raises(data.QueryError, match="must be one SELECT statement"):
        served(sql.format(folder=served.folder))
    assert _tree(served.folder) == before
    assert snapshots.verify(served.data_dir, served.snapshot.id)


@pytest.mark.parametrize("sql", [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "select * from glob('/etc/*')",
    "select * from read_parquet('{folder}/../../outside.parquet')",
])
def test_reads_outside_the_snapshot_folder_are_refused(served, sql, tmp_path):
    (tmp_path / "outside.parquet").write_bytes(b"PAR1")
    with pytest.raises(Exception, match="(?i)permission|disabled by configuration"):
        served(sql.format(folder=served.folder))


def test_reads_inside_the_snapshot_folder_work(served):
    rows = served("select name_en from jurisdictions")
    assert rows["name_en"].tolist() == ["Canada"]


@pytest.mark.parametrize("setting", [
    "enable_external_access = true",
    "allowed_directories = ['/']",
    "memory_limit = '64GB'",
    "threads = 64",
    "lock_configuration = false",
])
def test_configuration_is_locked(served, setting):
    # SET is not a SELECT, so the query layer refuses it first; the connection itself refuses it too.
    with pytest.raises(data.QueryError, match="must be one SELECT"):
        served(f"set {setting}")
    conn = data._connection(served.data_dir.resolve())["conn"]
    with pytest.raises(Exception, match="configuration has been locked"):
        conn.execute(f"set {setting}")


def test_memory_and_thread_limits_are_set(served, monkeypatch):
    got = served("select current_setting('memory_limit') as memory, current_setting('threads') as threads, "
                 "current_setting('enable_external_access') as external, "
                 "current_setting('lock_configuration') as locked")
    row = got.iloc[0]
    assert row["memory"] in ("488.2 MiB", "512.0 MiB", "512MB")  # DuckDB reports 512MB in MiB
    assert int(row["threads"]) == 1
    assert not row["external"] and row["locked"]


def test_memory_limit_stops_a_greedy_query_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("OGDASH_DUCKDB_MEMORY", "32MB")
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {"jurisdictions": JUR})
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "greedy.sql").write_text(
        "-- One string of twenty million numbers: it cannot be spilled to disk, so it must fit.\n"
        "select length(string_agg(i::varchar, ',')) as n from range(20000000) t(i)")
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", queries)
    with pytest.raises(data.QueryError, match=r"needed more than the 32MB memory limit and was stopped"):
        data.query("greedy", data_dir=data_dir)


def test_a_slow_query_is_interrupted_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("OGDASH_QUERY_TIMEOUT", "0.5")
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {"jurisdictions": JUR})
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "slow.sql").write_text(
        "-- Deliberately slow: a sum over ten billion generated rows.\n"
        "select sum(i) as total from range(10000000000) t(i)")
    (queries / "quick.sql").write_text("select count(*) as n from jurisdictions")
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", queries)
    started = time.perf_counter()
    with pytest.raises(data.QueryError, match=r"^query slow took longer than 0.5 s and was stopped$"):
        data.query("slow", data_dir=data_dir)
    assert time.perf_counter() - started < 5
    # The same thread's connection serves the next query normally.
    assert data.query("quick", data_dir=data_dir)["n"].tolist() == [1]
