"""SQL defined once: the filters queries share are macros (queries/macros/), the comparison queries read one diff
(queries/comparisons/), and definitions that read each other are bound in the order their SQL gives."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from dashboard import config, data

from helpers import make_snapshot

D = dt.date.fromisoformat
JUR = [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]
HOSTILE = ["' or 1=1 --", "ca') or ('1'='1", "ca; drop table jurisdictions; --", "ca\x00"]

# A rule of queries/macros/ written out again instead of called.
SPELLED_OUT = {
    "in_filters": r"list_contains\(\s*\$(jurisdictions|levels|cycles)\b",
    "in_date_range": r"\bdate_(from|to) is null or\b",
    "counts_as_release": r"\bnot [\w.]*catalogue_load or\b",
}


def _definitions() -> list:
    return sorted(p for p in config.QUERIES_DIR.rglob("*.sql") if p.parent.name != data.MACROS)


@pytest.mark.parametrize("path", _definitions(), ids=lambda p: p.relative_to(config.QUERIES_DIR).as_posix())
def test_no_query_spells_out_a_shared_filter(path):
    sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
    for macro, pattern in SPELLED_OUT.items():
        assert not re.search(pattern, sql), f"{path.name} writes out the rule of macro {macro}: call it instead"


def test_the_comparison_queries_read_the_one_diff():
    for name in data.query_names():
        sql = re.sub(r"--[^\n]*", "", data.sql_text(name))
        if "base." in sql or name.startswith(("compare_", "snapshot_diff_")):
            assert "full outer join" not in sql and "anti join" not in sql and "base." not in sql, (
                f"{name} compares the snapshots itself: read the views of queries/{data.COMPARISONS}/")
    for name in data.comparison_names():
        assert data.comparison_sql(name).startswith("-- "), name


# ---------------------------------------------------------------- the macros, value by value

@pytest.fixture
def queries(tmp_path, monkeypatch):
    """A data folder with one snapshot and a queries folder holding the macros and the test's own query."""
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")
    folder = tmp_path / "queries"
    shutil.copytree(config.QUERIES_DIR / data.MACROS, folder / data.MACROS)
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", folder)

    def run(sql: str, **params) -> list:
        name = f"q{abs(hash(sql)) % 10**8}"
        (folder / f"{name}.sql").write_text(sql, encoding="utf-8")
        return data.query(name, data_dir=data_dir, **params)["kept"].tolist()

    return run


PLACES = """select t.kept
from (values
    ('ca', 'national', '2018-2020'),
    ('qc', 'subnational', null),
    ('mtl', 'local', '2022-2024')
) as t(kept, level, cycle)
where in_filters($jurisdictions, $levels, t.kept, t.level{cycles})
order by t.kept"""


def test_in_filters_keeps_what_is_chosen_and_everything_when_nothing_is(queries):
    with_cycles = PLACES.format(cycles=", $cycles, t.cycle")
    assert queries(with_cycles, jurisdictions=[], levels=[], cycles=[]) == ["ca", "mtl", "qc"]
    assert queries(with_cycles, jurisdictions=["qc", "mtl"], levels=[], cycles=[]) == ["mtl", "qc"]
    assert queries(with_cycles, jurisdictions=[], levels=["national", "local"], cycles=[]) == ["ca", "mtl"]
    assert queries(with_cycles, jurisdictions=[], levels=[], cycles=["2018-2020"]) == ["ca"]  # qc has no cycle
    assert queries(with_cycles, jurisdictions=["ca"], levels=["local"], cycles=[]) == []
    # Without cycles the row's cycle is not looked at.
    assert queries(PLACES.format(cycles=""), jurisdictions=[], levels=["subnational"]) == ["qc"]
    for value in HOSTILE:
        assert queries(with_cycles, jurisdictions=[value], levels=[], cycles=[]) == []
        assert queries(with_cycles, jurisdictions=[], levels=[], cycles=[value]) == []


DATES = """select t.kept
from (values ('before', date '2023-12-31'), ('first', date '2024-01-01'), ('last', date '2024-06-30'),
             ('after', date '2024-07-01'), ('undated', null)) as t(kept, day)
where in_date_range(t.day, cast($date_from as date), cast($date_to as date))
order by t.kept"""


def test_in_date_range_is_inclusive_and_a_null_end_is_open(queries):
    assert queries(DATES, date_from=D("2024-01-01"), date_to=D("2024-06-30")) == ["first", "last"]
    assert queries(DATES, date_from=D("2024-01-01"), date_to=None) == ["after", "first", "last"]
    assert queries(DATES, date_from=None, date_to=D("2024-01-01")) == ["before", "first"]
    assert queries(DATES, date_from=None, date_to=None) == ["after", "before", "first", "last", "undated"]


RELEASES = """select t.kept
from (values ('released', false), ('loaded', true), ('unsaid', null)) as t(kept, catalogue_load)
where counts_as_release(t.catalogue_load, cast($date_from as date), cast($date_to as date))
order by t.kept"""


def test_counts_as_release_leaves_catalogue_loads_out_of_a_period(queries):
    assert queries(RELEASES, date_from=None, date_to=None) == ["loaded", "released", "unsaid"]
    assert queries(RELEASES, date_from=D("2024-01-01"), date_to=None) == ["released"]
    assert queries(RELEASES, date_from=None, date_to=D("2024-01-01")) == ["released"]


def test_a_macro_file_defines_the_macro_it_is_named_for(queries, tmp_path):
    (tmp_path / "queries" / data.MACROS / "misnamed.sql").write_text(
        "-- Named for another.\ncreate macro other(x) as x\n", encoding="utf-8")
    with pytest.raises(data.QueryError, match="must define one macro, named misnamed"):
        data.sql_macros()


# ---------------------------------------------------------------- the order definitions are bound in

def test_rollups_are_bound_in_the_order_their_sql_reads(tmp_path, monkeypatch):
    folder = tmp_path / "queries"
    (folder / data.ROLLUPS).mkdir(parents=True)
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", folder)
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")  # built with no rollups
    # Named so that sorting by name puts each before the one it reads: computed on the fly, in reading order.
    (folder / data.ROLLUPS / "a_third.sql").write_text("select y + 1 as z from b_second", encoding="utf-8")
    (folder / data.ROLLUPS / "b_second.sql").write_text("select x * 10 as y from c_first", encoding="utf-8")
    (folder / data.ROLLUPS / "c_first.sql").write_text("select count(*) as x from jurisdictions", encoding="utf-8")
    (folder / "third.sql").write_text("select z from a_third", encoding="utf-8")
    assert data.query("third", data_dir=data_dir)["z"].tolist() == [11]


def test_rollups_that_read_each_other_are_refused(tmp_path, monkeypatch):
    folder = tmp_path / "queries"
    (folder / data.ROLLUPS).mkdir(parents=True)
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", folder)
    data_dir = tmp_path / "data"
    make_snapshot(data_dir, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")
    (folder / data.ROLLUPS / "one.sql").write_text("select * from two", encoding="utf-8")
    (folder / data.ROLLUPS / "two.sql").write_text("select * from one", encoding="utf-8")
    (folder / "any.sql").write_text("select count(*) as n from jurisdictions", encoding="utf-8")
    with pytest.raises(data.QueryError, match="read each other"):
        data.query("any", data_dir=data_dir)
