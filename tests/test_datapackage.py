"""Every snapshot has a Frictionless datapackage.json: its tables with their schema, its sources and licences.

Checked against the Data Package spec's required shape (v1: `resources`; each resource `name` and `path`;
tabular resources a `schema` with `fields`; `licenses` entries with a `name` or `path`; names lower case).
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest

from helpers import make_snapshot, tree_hashes
from dashboard import datapackage, publish, schema, snapshots
from dashboard.ingest.common import IngestError, Source, build_table

SNAP = "20240501T000000Z"
NAME_RE = re.compile(r"^[-a-z0-9._/]+$")
TABLE_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
                      "yearmonth", "duration", "geopoint", "geojson", "any"}
SOURCES = [
    {"name": "tracker", "kind": "nap-tracker", "url": "https://open.canada.ca/data/api/action/package_show",
     "rows": {"jurisdictions": 1}, "data_date": "2024-03-31", "data_date_basis": "stated"},
    {"name": "facts", "kind": "reference", "path": "../../private/reference", "rows": {"commitments": 1},
     "data_date": "2023-06-30", "data_date_basis": "newest record"},
]


def _tables():
    src = Source(name="tracker", kind="nap-tracker")
    return {
        "jurisdictions": build_table("jurisdictions", [{"jurisdiction_id": "ca", "name_en": "Canada", "level": "national",
                                                        "source": "tracker", "synthetic": False}], source=src, file="x"),
        "commitments": build_table("commitments", [{"commitment_id": "C1", "jurisdiction_id": "ca", "cycle": "2018-2020",
                                                    "cycle_start": 2018, "cycle_end": 2020, "source": "facts",
                                                    "synthetic": False}], source=src, file="x"),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("datapackage")
    snap = publish.write_snapshot(data_dir, _tables(), SOURCES, snapshot_id=SNAP)
    return data_dir, snap


def _package(snap) -> dict:
    return json.loads((snap.path / datapackage.FILE).read_text(encoding="utf-8"))


def test_every_new_snapshot_has_a_datapackage_its_manifest_checks(built):
    data_dir, snap = built
    entry = snap.manifest["files"][datapackage.FILE]
    assert entry == {"file": "datapackage.json", "sha256": snapshots.sha256_file(snap.path / "datapackage.json")}
    assert snapshots.verify(data_dir, SNAP).id == SNAP


def test_the_package_has_the_spec_s_required_shape(built):
    _data_dir, snap = built
    package = _package(snap)
    assert NAME_RE.match(package["name"]) and package["id"] == SNAP
    assert package["profile"] == "tabular-data-package"
    assert isinstance(package["resources"], list) and package["resources"]
    for resource in package["resources"]:
        assert NAME_RE.match(resource["name"]) and resource["profile"] == "tabular-data-resource"
        assert (snap.path / resource["path"]).is_file()  # relative to the descriptor
        assert resource["hash"] == "sha256:" + snapshots.sha256_file(snap.path / resource["path"])
        fields = resource["schema"]["fields"]
        assert fields and all(f["name"] and f["type"] in TABLE_SCHEMA_TYPES for f in fields)
        assert set(resource["schema"]["primaryKey"]) <= {f["name"] for f in fields}
    assert package["licenses"] and all(lic.get("name") or lic.get("path") for lic in package["licenses"])
    assert all(src.get("title") for src in package["sources"])


def test_the_package_lists_every_table_with_its_declared_schema(built):
    _data_dir, snap = built
    resources = {r["name"]: r for r in _package(snap)["resources"]}
    assert list(resources) == list(schema.TABLES)
    commitments = resources["commitments"]
    assert commitments["path"] == "commitments.parquet" and commitments["rows"] == 1
    fields = {f["name"]: f for f in commitments["schema"]["fields"]}
    assert list(fields) == schema.TABLES["commitments"].names
    assert fields["commitment_id"]["type"] == "string" and fields["commitment_id"]["constraints"] == {"required": True}
    assert fields["cycle_start"]["type"] == "integer" and fields["start_date"]["type"] == "date"
    assert fields["policy_areas"]["type"] == "array" and fields["starred"]["type"] == "boolean"
    assert "constraints" not in fields["title_en"]
    assert resources["datasets"]["schema"]["primaryKey"] == ["portal", "dataset_id"]
    assert {f["name"]: f["type"] for f in resources["datasets"]["schema"]["fields"]}["modified"] == "datetime"
    assert {f["name"]: f["type"] for f in resources["portal_metrics"]["schema"]["fields"]}["value"] == "number"
    # Descriptions from the data dictionary (dashboard/bundled/README.md).
    assert commitments["description"].startswith("One row per commitment")
    assert fields["cycle"]["description"].startswith("action plan cycle")


def test_sources_licences_and_dates_come_from_the_manifest(built):
    _data_dir, snap = built
    package = _package(snap)
    assert package["created"] == snap.manifest["created_at"] and package["data_date"] == "2024-03-31"
    assert [(s["title"], s["kind"], s.get("path"), s["data_date"]) for s in package["sources"]] == [
        ("tracker", "nap-tracker", "https://open.canada.ca/data/api/action/package_show", "2024-03-31"),
        ("facts", "reference", None, "2023-06-30")]  # a build machine's path is never published
    assert package["sources"][0]["licence"] == "Open Government Licence – Canada"
    assert package["licenses"] == [
        {"name": "OGL-Canada-2.0", "title": "Open Government Licence – Canada",
         "path": "https://open.canada.ca/en/open-government-licence-canada"},
        {"name": "reference-terms", "title": "Cited facts: every row names the document it comes from"}]


def test_field_types_follow_arrow_types():
    assert datapackage.field_type(pa.int16()) == {"type": "integer"}
    assert datapackage.field_type(pa.float64()) == {"type": "number"}
    assert datapackage.field_type(pa.timestamp("us")) == {"type": "datetime"}
    assert datapackage.field_type(pa.list_(pa.string())) == {"type": "array"}


def test_an_altered_datapackage_fails_verification(tmp_path):
    snap = make_snapshot(tmp_path, {}, snapshot_id=SNAP)
    path = snap.path / datapackage.FILE
    path.write_text(path.read_text(encoding="utf-8").replace("Open Government Monitor", "Someone"), encoding="utf-8")
    with pytest.raises(snapshots.SnapshotError, match="checksum mismatch in datapackage.json"):
        snapshots.verify(tmp_path, SNAP)
    path.unlink()
    with pytest.raises(snapshots.SnapshotError, match="datapackage.json is missing"):
        snapshots.verify(tmp_path, SNAP)


def test_a_failed_build_leaves_earlier_snapshots_byte_identical(tmp_path, monkeypatch):
    make_snapshot(tmp_path, {}, snapshot_id=SNAP)
    before = tree_hashes(tmp_path)

    def broken(*args, **kwargs):
        raise OSError("the descriptor could not be written")

    monkeypatch.setattr(datapackage, "describe", broken)
    with pytest.raises(OSError):
        publish.write_snapshot(tmp_path, {}, [], snapshot_id="20240601T000000Z")
    monkeypatch.undo()
    bad = {"commitments": pa.table({"commitment_id": [None]})}
    with pytest.raises(IngestError):
        publish.write_snapshot(tmp_path, bad, [], snapshot_id="20240602T000000Z")
    assert tree_hashes(tmp_path) == before
    assert snapshots.list_snapshots(tmp_path) == [SNAP]


@pytest.fixture(scope="module")
def served(app_on):
    def write(data_dir):
        new = publish.write_snapshot(data_dir, _tables(), SOURCES, snapshot_id=SNAP)
        # A snapshot built before datapackage.json existed: no file, no "files" in its manifest.
        old = publish.write_snapshot(data_dir, _tables(), SOURCES, snapshot_id="20240101T000000Z")
        (old.path / datapackage.FILE).unlink()
        manifest = {k: v for k, v in old.manifest.items() if k != "files"}
        (old.path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        return new
    return app_on("datapackage-served", write)


def test_the_server_serves_the_written_package(served):
    response = served["client"].get(f"/download/{SNAP}/datapackage.json")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.get_json() == _package(served["snapshot"])


def test_a_snapshot_built_before_is_served_one_made_the_same_way(served):
    old = snapshots.verify(served["data_dir"], "20240101T000000Z")  # still verifies: nothing of it changed
    assert "files" not in old.manifest and not (old.path / datapackage.FILE).exists()
    response = served["client"].get("/download/20240101T000000Z/datapackage.json")
    assert response.status_code == 200
    assert response.get_json() == datapackage.describe(old.id, old.manifest, old.path)
    assert [r["name"] for r in response.get_json()["resources"]] == list(schema.TABLES)
    assert served["client"].get("/download/20990101T000000Z/datapackage.json").status_code == 404
