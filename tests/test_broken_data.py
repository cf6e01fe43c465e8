"""Broken data: each damaged or half-written snapshot is refused and logged, and service continues on
the last good one, with a visible notice; a new snapshot is picked up without a restart.

Checked three ways: data.current_snapshot(), the app's /healthz, and pages through the test client.
"""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from dashboard import data, snapshots

from helpers import make_snapshot

GOOD = "20260101T000000Z"
BROKEN = "20260201T000000Z"
CALLBACK = "/_dash-update-component"
NOTICE = "failed its integrity check"

TABLES = {
    "jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}],
    "commitments": [{"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
                     "cycle_end": 2020, "title_en": "Open contracts", "progress": "complete", "progress_rank": 3}],
}


def _truncate(snap):
    path = snap.table_path("commitments")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _bit_flip(snap):
    path = snap.table_path("commitments")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x10
    path.write_bytes(bytes(raw))


def _empty_folder(snap):
    shutil.rmtree(snap.path)
    snap.path.mkdir()


def _missing_table_file(snap):
    snap.table_path("commitments").unlink()


def _manifest_names_a_missing_table(snap):
    manifest = json.loads((snap.path / snapshots.MANIFEST).read_text())
    del manifest["tables"]["milestones"]
    (snap.path / snapshots.MANIFEST).write_text(json.dumps(manifest))


def _manifest_names_a_file_that_is_not_there(snap):
    manifest = json.loads((snap.path / snapshots.MANIFEST).read_text())
    manifest["tables"]["commitments"]["file"] = "commitments-v2.parquet"
    (snap.path / snapshots.MANIFEST).write_text(json.dumps(manifest))


def _only_some_files(snap):
    # Copied in file by file and caught half-way: the manifest and two tables have landed.
    keep = {snapshots.MANIFEST, "jurisdictions.parquet", "commitments.parquet"}
    for f in snap.path.iterdir():
        if f.name not in keep:
            f.unlink()


def _no_manifest(snap):
    (snap.path / snapshots.MANIFEST).unlink()


def _half_written_manifest(snap):
    path = snap.path / snapshots.MANIFEST
    path.write_bytes(path.read_bytes()[:40])


REFUSED = {
    "truncated parquet": (_truncate, "checksum mismatch"),
    "bit-flipped parquet": (_bit_flip, "checksum mismatch"),
    "empty snapshot folder": (_empty_folder, "no manifest.json"),
    "table file deleted": (_missing_table_file, "file commitments.parquet is missing"),
    "manifest lacks a table": (_manifest_names_a_missing_table, "manifest has no table milestones"),
    "manifest names an absent file": (_manifest_names_a_file_that_is_not_there,
                                      "file commitments-v2.parquet is missing"),
    "only some files copied": (_only_some_files, "is missing"),
    "no manifest": (_no_manifest, "no manifest.json"),
    "half-written manifest": (_half_written_manifest, "unreadable manifest.json"),
}


@pytest.fixture
def good_and_broken(tmp_path):
    """A data folder with a good snapshot and, newer, one the test damages."""
    good = make_snapshot(tmp_path, TABLES, snapshot_id=GOOD)
    newer = make_snapshot(tmp_path, TABLES, snapshot_id=BROKEN)
    return tmp_path, good, newer


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    """One app for the module; each test points OGDASH_DATA_DIR at its own data folder."""
    first = tmp_path_factory.mktemp("first")
    make_snapshot(first, TABLES, snapshot_id=GOOD)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(first))
        from dashboard.app import create_app

        app = create_app(first)
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        client.deps = client.get("/_dash-dependencies").get_json()
        yield client


def _callback(client, *outputs_with):
    """POST the server callback whose output names all of `outputs_with`, for the overview URL."""
    dep = next(d for d in client.deps if all(o in d["output"] for o in outputs_with) and not d.get("clientside_function"))
    parts = dep["output"][2:-2].split("...") if dep["output"].startswith("..") else [dep["output"]]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]
    body = {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**i, "value": "/" if i["property"] == "pathname" else ""} for i in dep["inputs"]],
        "state": [{**st, "value": None} for st in dep.get("state", [])],
        "changedPropIds": [],
    }
    response = client.post(CALLBACK, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _footer(client) -> str:
    return json.dumps(_callback(client, "shell-footer.children")["shell-footer"], ensure_ascii=False)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_damaged_snapshot_is_refused_and_logged_and_the_last_good_one_served(good_and_broken, case, caplog):
    data_dir, good, newer = good_and_broken
    damage, why = REFUSED[case]
    damage(newer)
    with caplog.at_level(logging.ERROR, logger="dashboard.data"):
        served = data.current_snapshot(data_dir)
    assert served.id == GOOD
    assert why in data.refused_snapshots()[BROKEN]
    assert any(f"refusing snapshot {BROKEN}" in r.getMessage() and why in r.getMessage() for r in caplog.records)
    # Queries keep answering from the good snapshot.
    assert data.query("filter_options", data_dir=data_dir).shape[0] > 0


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_app_keeps_serving_the_good_snapshot_with_a_notice(app_client, good_and_broken, case, monkeypatch):
    data_dir, good, newer = good_and_broken
    REFUSED[case][0](newer)
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    health = app_client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["snapshot_id"] == GOOD
    assert health.get_json()["refused_snapshots"] == [BROKEN]
    assert app_client.get("/commitments").status_code == 200
    footer = _footer(app_client)
    assert NOTICE in footer and BROKEN in footer and GOOD in footer
    options = _callback(app_client, "filters-jurisdiction.options")
    assert [o["value"] for o in options["filters-jurisdiction"]["options"]] == ["ca"]


def test_a_staging_folder_is_not_a_snapshot_and_raises_no_alarm(tmp_path, app_client, monkeypatch):
    make_snapshot(tmp_path, TABLES, snapshot_id=GOOD)
    staging = snapshots.snapshots_dir(tmp_path) / f".staging-{BROKEN}-abc123"
    staging.mkdir()
    (staging / "jurisdictions.parquet").write_bytes(b"PAR1 half a file")
    assert data.current_snapshot(tmp_path).id == GOOD
    assert data.refused_snapshots() == {}
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    assert app_client.get("/healthz").get_json()["refused_snapshots"] == []
    assert NOTICE not in _footer(app_client)


def test_an_empty_snapshots_folder_is_reported_and_nothing_crashes(tmp_path, app_client, monkeypatch):
    snapshots.snapshots_dir(tmp_path).mkdir(parents=True)
    with pytest.raises(data.NoSnapshot):
        data.current_snapshot(tmp_path)
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    health = app_client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
    assert app_client.get("/").status_code == 200
    assert "No verified snapshot is available" in _footer(app_client)
    assert "_pages_content" in _callback(app_client, "_pages_content.children")  # the page itself still renders


def test_new_snapshots_are_picked_up_without_a_restart(tmp_path, app_client, monkeypatch):
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    make_snapshot(tmp_path, TABLES, snapshot_id=GOOD)
    assert app_client.get("/healthz").get_json()["snapshot_id"] == GOOD

    # A new good snapshot is served on the next request.
    make_snapshot(tmp_path, TABLES, snapshot_id="20260301T000000Z")
    assert app_client.get("/healthz").get_json()["snapshot_id"] == "20260301T000000Z"
    assert "20260301T000000Z" in _footer(app_client)

    # A newer broken one is refused; the new good one stays, and the footer says so.
    _bit_flip(make_snapshot(tmp_path, TABLES, snapshot_id="20260401T000000Z"))
    health = app_client.get("/healthz").get_json()
    assert (health["snapshot_id"], health["refused_snapshots"]) == ("20260301T000000Z", ["20260401T000000Z"])
    assert NOTICE in _footer(app_client)


def test_a_snapshot_copied_in_file_by_file_is_served_once_complete(tmp_path, app_client, monkeypatch):
    """Not published by rename (someone ran cp -r): refused while partial, served once the last file lands."""
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    make_snapshot(tmp_path, TABLES, snapshot_id=GOOD)
    source = make_snapshot(tmp_path / "elsewhere", TABLES, snapshot_id="20260501T000000Z")
    target = snapshots.snapshots_dir(tmp_path) / source.id
    target.mkdir()
    files = sorted(source.path.iterdir())
    for f in files[:3]:
        shutil.copy(f, target / f.name)
    health = app_client.get("/healthz").get_json()
    assert (health["snapshot_id"], health["refused_snapshots"]) == (GOOD, [source.id])
    for f in files[3:]:
        shutil.copy(f, target / f.name)
    health = app_client.get("/healthz").get_json()
    assert (health["snapshot_id"], health["refused_snapshots"]) == (source.id, [])
    assert NOTICE not in _footer(app_client)
