"""A view's downloads: the CSV states its provenance in '# ' lines, its JSON twin holds the same rows, French CSVs.

/download/view/<name>.csv and .json (dashboard/downloads.py), read as a notebook and a spreadsheet would.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from helpers import commitments_data, find_all
from dashboard import charts, downloads, publish, state
from dashboard.ingest.common import Source, build_table

SNAP = "20240401T000000Z"
# A name with the CSV's separators and pandas' comment character inside: quoting keeps it one value.
ODD_NAME = "Ville #1; Test, Inc"
SOURCES = [{"name": "tracker", "kind": "nap-tracker", "rows": {"commitments": 10}, "data_date": "2024-03-31",
            "data_date_basis": "stated"}]
CHARTS = ["overview-progress", "commitments-heatmap", "commitments-progress-cycle", "datasets-by-jurisdiction",
          "datasets-releases", "datasets-publishers", "training-by-period", "commitments-overdue"]


def _write(data_dir):
    src = Source(name="tracker", kind="nap-tracker")
    tables = {}
    for name, rows in commitments_data.TABLES.items():
        full = [{"source": "tracker", "synthetic": False, **r} for r in rows]
        if name == "jurisdictions":
            full = [{**r, "name_en": ODD_NAME} if r["jurisdiction_id"] == "xx" else r for r in full]
        tables[name] = build_table(name, full, source=src, file=f"fixture:{name}")
    return publish.write_snapshot(data_dir, tables, SOURCES, snapshot_id=SNAP)


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("downloads-formats", _write)


def _get(app_env, url: str) -> str:
    response = app_env["client"].get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _preamble(text: str) -> list[list[str]]:
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.startswith("# ")]
    sep = ";" if lines and lines[0].startswith("# vue") else ","
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))


def _as_text(value) -> str:
    """Return a JSON cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(map(str, value))
    return str(value)


# ---------------------------------------------------------------- the JSON twin

@pytest.mark.parametrize("name", CHARTS)
def test_json_twin_holds_the_csv_rows_in_the_same_order(app_env, name):
    search = "?jurisdiction=ca,xx"
    table = pd.read_csv(io.StringIO(_get(app_env, f"/download/view/{name}.csv{search}")), comment="#", dtype=str,
                        keep_default_na=False)
    twin = json.loads(_get(app_env, f"/download/view/{name}.json{search}"))
    assert list(table.columns) == [c["name"] for c in twin["columns"]]
    assert len(twin["rows"]) == len(table) > 0, name
    as_csv = [[_as_text(row[c]) for c in table.columns] for row in twin["rows"]]
    assert as_csv == table.values.tolist()  # row for row, cell for cell
    rows, _file = charts.download_rows(name, search)
    assert len(rows) == len(table)


def test_json_twin_states_snapshot_filters_sources_and_data_date(app_env):
    twin = json.loads(_get(app_env, "/download/view/overview-progress.json?jurisdiction=ca&cycle=2018-2020"))
    assert twin["snapshot"] == SNAP and twin["view"] == "overview-progress" and twin["lang"] == "en"
    assert twin["filters"] == [{"filter": "Jurisdiction", "value": "Canada"},
                               {"filter": "Action-plan cycle", "value": "2018-2020"}]
    assert twin["filter_keys"] == {"jurisdiction": "ca", "cycle": "2018-2020"}
    assert [(s["name"], s["licence"], s["licence_url"], s["data_date"]) for s in twin["sources"]] == [
        ("tracker", "Open Government Licence – Canada", "https://open.canada.ca/en/open-government-licence-canada",
         "2024-03-31")]
    assert twin["data_date"] == "2024-03-31"
    assert {(r["progress"], r["commitments"]) for r in twin["rows"]} == {("complete", 1), ("substantial", 1),
                                                                         ("limited", 1)}


def test_json_response_is_json(app_env):
    response = app_env["client"].get("/download/view/overview-progress.json")
    assert response.headers["Content-Type"] == "application/json"  # UTF-8 by definition (RFC 8259)
    assert response.headers["Content-Disposition"] == f'attachment; filename="overview-progress_{SNAP}.json"'
    assert app_env["client"].get("/download/view/no-such-chart.json").status_code == 404


def test_the_json_link_sits_beside_the_csv_link(app_env):
    card = charts.chart_card("overview-progress", state.parse("?lang=fr&jurisdiction=ca"))
    links = {n.children: n.href for n in find_all(card, lambda n: type(n).__name__ == "A")}
    assert links["CSV"] == "/download/view/overview-progress.csv?lang=fr&jurisdiction=ca"
    assert links["JSON"] == "/download/view/overview-progress.json?lang=fr&jurisdiction=ca"


# ---------------------------------------------------------------- the CSV's provenance

def test_csv_states_its_provenance_before_the_header(app_env):
    text = _get(app_env, "/download/view/commitments-heatmap.csv?jurisdiction=ca,xx")
    assert text.startswith("\ufeff# view,")
    lines = {row[0]: row[1:] for row in _preamble(text)}
    assert lines["# view"] == ["Share complete or substantial, by jurisdiction and action plan"]
    assert lines["# snapshot"][0] == SNAP
    assert lines["# filters"] == [f"Jurisdiction: Canada, {ODD_NAME}"]
    assert lines["# filter keys"] == ["jurisdiction=ca,xx"]
    assert lines["# source"] == ["tracker", "Open Government Licence – Canada",
                                 "https://open.canada.ca/en/open-government-licence-canada", "2024-03-31"]
    assert lines["# data date"] == ["2024-03-31", "Data as of March 31, 2024"]
    header = [line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("# ")][0]
    assert header.startswith('"jurisdiction_id","jurisdiction_name_en",')  # English: the column names, quoted


def test_a_hash_or_separator_inside_a_value_does_not_break_the_rows(app_env):
    frame = pd.read_csv(io.StringIO(_get(app_env, "/download/view/commitments-heatmap.csv")), comment="#")
    assert ODD_NAME in frame["jurisdiction_name_en"].tolist()
    rows, _file = charts.download_rows("commitments-heatmap", "")
    assert frame.shape == rows.shape
    assert frame["commitments"].tolist() == rows["commitments"].tolist()


def test_without_filters_the_csv_says_so(app_env):
    lines = {row[0]: row[1:] for row in _preamble(_get(app_env, "/download/view/overview-progress.csv"))}
    assert lines["# filters"] == ["Filters: none, everything in the snapshot"] and lines["# filter keys"] == []


def test_preamble_values_are_neutralised(app_env):
    text = _get(app_env, "/download/view/commitments-heatmap.csv?q=%3DHYPERLINK(%22http://x%22)%2C%3D1%2B1")
    cells = [cell for row in _preamble(text) for cell in row[1:]]
    assert cells and not [c for c in cells if c.startswith(downloads.FORMULA_TRIGGERS)]


# ---------------------------------------------------------------- French spreadsheets

def test_french_csv_splits_on_semicolons_with_decimal_commas_and_french_headers(app_env):
    text = _get(app_env, "/download/view/commitments-heatmap.csv?lang=fr&jurisdiction=ca")
    body = [line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("# ")]
    header = next(csv.reader([body[0]], delimiter=";"))
    assert len(header) >= 2 and "," not in body[0].replace('"', "").split(";")[0]
    assert header[:4] == ["Identifiant de l’administration", "Administration", "Administration (français)",
                          "Ordre de gouvernement"]
    assert "Proportion" in header and "Engagements" in header
    share = header.index("Proportion")
    cells = [next(csv.reader([line], delimiter=";"))[share] for line in body[1:]]
    assert cells[:2] == ["0,6666666666666666", "0,0"]  # 2018-2020: 2 of 3 assessed; 2022-2024: 0 of 1
    frame = pd.read_csv(io.StringIO(text), comment="#", sep=";", decimal=",")
    assert frame["Proportion"].dropna().tolist() == pytest.approx(
        charts.download_rows("commitments-heatmap", "?lang=fr&jurisdiction=ca")[0]["share"].dropna().tolist())
    lines = {row[0]: row[1:] for row in _preamble(text)}
    assert lines["# instantané"][0] == SNAP and lines["# filtres"] == ["Administration\u00a0: Canada"]
    assert lines["# source"][1] == "Licence du gouvernement ouvert – Canada"


def test_english_csv_keeps_its_columns_and_values(app_env):
    text = _get(app_env, "/download/view/commitments-heatmap.csv?jurisdiction=ca")
    frame = pd.read_csv(io.StringIO(text), comment="#")
    rows, _file = charts.download_rows("commitments-heatmap", "?jurisdiction=ca")
    assert list(frame.columns) == list(rows.columns)
    assert frame["share"].tolist() == pytest.approx(rows["share"].astype(float).tolist(), nan_ok=True)
    assert ",0.6666666666666666," in text and ",0.0," in text


def test_every_column_of_every_view_has_a_french_header(app_env):
    untranslated = {}
    for name in CHARTS:
        rows, _file = charts.download_rows(name, "?lang=fr")
        headers = downloads.csv_headers(name, rows.columns, "fr")
        same = [c for c, h in zip(rows.columns, headers) if c == h]
        if same:
            untranslated[name] = same
    assert untranslated == {}


def test_whole_table_downloads_stay_plain_english_csv(app_env):
    text = _get(app_env, f"/download/{SNAP}/jurisdictions.csv?lang=fr")
    assert text.startswith("\ufeffjurisdiction_id,name_en,")


def test_json_records_write_list_cells_as_lists():
    # DuckDB returns a list column (a chart's sources) as numpy arrays; one of two elements has no scalar item().
    import numpy as np
    from dashboard import data

    frame = pd.DataFrame({"sources": [np.array(["ogp", "reference"]), np.array(["ogp"]), np.array([]), None],
                          "n": np.array([1, 2, 3, 4], dtype="int64")})
    assert data.json_records(frame) == [{"sources": ["ogp", "reference"], "n": 1}, {"sources": ["ogp"], "n": 2},
                                        {"sources": [], "n": 3}, {"sources": None, "n": 4}]
