"""The analysts' notebook runs top to bottom on a tiny snapshot and prints what the dashboard's query returns."""

from __future__ import annotations

import datetime as dt
import json

import nbformat
import pytest
from nbclient import NotebookClient

from dashboard import data
from dashboard.progress import MIN_ASSESSED

from helpers import REPO, make_snapshot

NOTEBOOK = REPO / "notebooks" / "completion_rate.ipynb"

JURISDICTIONS = [
    {"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"},
    {"jurisdiction_id": "ca-qc", "name_en": "Quebec", "name_fr": "Québec", "level": "subnational"},
]


def _commitment(cid, jur, cycle, progress, rank, synthetic=False):
    start, end = (int(y) for y in cycle.split("-"))
    return {"commitment_id": cid, "jurisdiction_id": jur, "cycle": cycle, "cycle_start": start,
            "cycle_end": end, "progress": progress, "progress_rank": rank, "synthetic": synthetic}


OLDER = [_commitment("ca-1", "ca", "2018-2020", "limited", 1)]
NEWER = [
    _commitment("ca-1", "ca", "2018-2020", "complete", 3),
    _commitment("ca-2", "ca", "2018-2020", "limited", 1),
    _commitment("ca-3", "ca", "2018-2020", "withdrawn", None),
    _commitment("qc-1", "ca-qc", "2022-2024", "substantial", 2, synthetic=True),
]


@pytest.fixture
def data_dir(tmp_path):
    # Two snapshots, so opening anything but the newest shows in the result.
    make_snapshot(tmp_path, {"jurisdictions": JURISDICTIONS, "commitments": OLDER}, snapshot_id="20250101T000000Z")
    make_snapshot(tmp_path, {"jurisdictions": JURISDICTIONS, "commitments": NEWER}, snapshot_id="20250201T000000Z")
    return tmp_path


def _execute(monkeypatch, data_dir) -> nbformat.NotebookNode:
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))  # the kernel inherits this environment
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # kernel "python3" launched as "python" resolves to this interpreter (jupyter_client
    # swaps in sys.executable), so the kernel sees the same venv as the test.
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    return nb


def _stdout(cell) -> str:
    return "".join(o["text"] for o in cell.get("outputs", []) if o.get("name") == "stdout")


def test_notebook_prints_the_dashboard_query_result(monkeypatch, data_dir):
    nb = _execute(monkeypatch, data_dir)

    expected = data.query("completion_by_jurisdiction_cycle", data_dir=data_dir,
                          jurisdictions=[], levels=[], cycles=[], min_assessed=MIN_ASSESSED)
    assert expected["commitments"].tolist() == [3, 1]  # the newest snapshot's rows

    [result_cell] = [c for c in nb.cells if "result" in c.get("metadata", {}).get("tags", [])]
    assert _stdout(result_cell) == expected.to_string(index=False) + "\n"

    # The last cell shows the frame as a table; its layout depends on display width, so the
    # exact comparison is the printed one above.
    last = nb.cells[-1]["outputs"]
    assert [o["output_type"] for o in last] == ["execute_result"]
    assert "<table" in last[0]["data"]["text/html"]

    opened = "".join(_stdout(c) for c in nb.cells if c.cell_type == "code")
    assert "snapshot 20250201T000000Z" in opened


def test_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
