"""`ogdash query NAME --param key=value --format csv|json|parquet`: any named query on a snapshot, values bound."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from helpers import make_snapshot, run_cli
from dashboard import data

D = dt.date.fromisoformat

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational", "parent_id": "ca"},
]


def _dataset(did, jur, published, *, portal="open.canada.ca"):
    return {"dataset_id": did, "portal": portal, "jurisdiction_id": jur, "organization": "org",
            "title_en": f"Dataset {did}", "published": D(published), "published_basis": "date_published",
            "catalogue_load": False, "formats": ["CSV"]}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("query-cli")
    make_snapshot(folder, {
        "jurisdictions": JURISDICTIONS,
        "datasets": [_dataset("a", "ca", "2022-03-01"), _dataset("b", "ca", "2023-05-02"),
                     _dataset("c", "ca", "2023-07-09"), _dataset("d", "ca-qc", "2023-01-15", portal="donneesquebec.ca")],
    }, snapshot_id="20240101T000000Z")
    return folder


ARGS = ["--param", "grain=year", "--param", "date_from=", "--param", "date_to=", "--param", "levels="]
# Datasets released per year: Canada alone (2022: a; 2023: b, c), and with Quebec (2023: d).
CANADA = [(2022, 1, 1), (2023, 2, 3)]
BOTH = [(2022, 1, 1), (2023, 3, 4)]


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [(int(r.year), int(r.datasets), int(r.cumulative_datasets)) for r in frame.itertuples()]


def test_csv_exact_rows(data_dir, capsys):
    code, out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param", "jurisdictions=ca",
                             "--data-dir", str(data_dir))
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns) == ["year", "datasets", "catalogue_load_datasets", "cumulative_datasets",
                                   "synthetic_rows"]
    assert _rows(frame) == CANADA


def test_a_list_parameter_takes_commas_or_repeats(data_dir, capsys):
    for given in (["--param", "jurisdictions=ca,ca-qc"], ["--param", "jurisdictions=ca", "--param", "jurisdictions=ca-qc"],
                  ["--param", "jurisdictions="]):  # an empty list: no filter
        code, out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, *given, "--data-dir", str(data_dir))
        assert code == 0, err
        assert _rows(pd.read_csv(io.StringIO(out))) == BOTH


def test_json_exact_rows_with_snapshot_and_params(data_dir, capsys, tmp_path):
    target = tmp_path / "rows.json"
    code, _out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param", "jurisdictions=ca",
                              "--format", "json", "--output", str(target), "--data-dir", str(data_dir))
    assert code == 0, err
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["query"] == "releases_by_period" and doc["snapshot"] == "20240101T000000Z"
    assert doc["params"] == {"grain": "year", "date_from": None, "date_to": None, "levels": [], "jurisdictions": ["ca"]}
    assert [(r["year"], r["datasets"], r["cumulative_datasets"]) for r in doc["rows"]] == CANADA
    assert doc["columns"] == list(doc["rows"][0])


def test_parquet_exact_rows(data_dir, capsys, tmp_path):
    target = tmp_path / "rows.parquet"
    code, _out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param", "jurisdictions=ca",
                              "--format", "parquet", "--output", str(target), "--snapshot", "20240101T000000Z",
                              "--data-dir", str(data_dir))
    assert code == 0, err
    assert _rows(pd.read_parquet(target)) == CANADA
    code, _out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param", "jurisdictions=ca",
                              "--format", "parquet", "--data-dir", str(data_dir))
    assert code == 2 and "--output" in err


def test_dates_are_typed(data_dir, capsys):
    code, out, err = run_cli(capsys, "query", "releases_by_period", "--param", "grain=year", "--param",
                             "date_from=2023-01-01", "--param", "date_to=2023-06-30", "--param", "levels=",
                             "--param", "jurisdictions=", "--data-dir", str(data_dir))
    assert code == 0, err
    assert _rows(pd.read_csv(io.StringIO(out))) == [(2023, 2, 3)]  # d and b released; a (2022) counts in the total


def test_unknown_query_lists_the_queries(data_dir, capsys):
    code, out, err = run_cli(capsys, "query", "no_such_query", "--data-dir", str(data_dir))
    assert code == 2 and out == ""
    assert "no query named 'no_such_query'" in err and "releases_by_period" in err and "filter_options" in err


def test_unknown_parameter_lists_the_parameters(data_dir, capsys):
    code, _out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param", "jurisdictions=",
                              "--param", "colour=red", "--data-dir", str(data_dir))
    assert code == 2
    assert "takes no parameter 'colour'" in err
    assert "grain, date_from, date_to, jurisdictions (list), levels (list)" in err


def test_missing_parameter_is_named(data_dir, capsys):
    code, _out, err = run_cli(capsys, "query", "releases_by_period", "--param", "grain=year",
                              "--data-dir", str(data_dir))
    assert code == 2 and "needs parameter(s) date_from, date_to, jurisdictions, levels" in err


def test_a_value_that_is_not_key_value_is_a_usage_error(data_dir, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "query", "releases_by_period", "--param", "grain", "--data-dir", str(data_dir))
    assert exit_.value.code == 2


def test_a_snapshot_that_does_not_exist_fails(data_dir, capsys):
    code, _out, err = run_cli(capsys, "query", "filter_options", "--snapshot", "20990101T000000Z",
                              "--data-dir", str(data_dir))
    assert code == 1 and "20990101T000000Z" in err


def test_values_are_bound_never_spliced(data_dir, capsys):
    code, out, err = run_cli(capsys, "query", "releases_by_period", *ARGS, "--param",
                             "jurisdictions=ca') or 1=1 --", "--data-dir", str(data_dir))
    assert code == 0, err
    assert _rows(pd.read_csv(io.StringIO(out))) == []


@pytest.mark.parametrize("text, value", [("", None), ("null", None), ("2024-01-31", D("2024-01-31")), ("12", 12),
                                         ("-1.5", -1.5), ("true", True), ("month", "month"), ("'2024'", "2024"),
                                         ('"null"', "null")])
def test_typed_value(text, value):
    assert data.typed_value(text) == value and type(data.typed_value(text)) is type(value)


def test_every_filtered_query_takes_its_filters_as_lists():
    for name in data.query_names():
        sql = data.sql_text(name)
        assert {"jurisdictions", "levels", "cycles", "statuses"} & set(data.parameters(sql)) <= \
            data.list_parameters(sql), name
