"""Snapshot lifecycle through the CLI: build, refuse a bad source without touching earlier snapshots, verify, list."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard import config, publish, snapshots
from helpers import run_cli as _run, tree_hashes as _hash_tree

REPO = Path(__file__).resolve().parent.parent
REFERENCE = config.BUNDLED_DIR / "reference"

SOURCES = """
[[source]]
name = "facts"
kind = "reference"
path = "reference"

[[source]]
name = "demo"
kind = "synthetic"
scale = "small"
seed = 11
as_of = 2026-11-22
"""


def _staging(data_dir: Path) -> list[Path]:
    return list(snapshots.snapshots_dir(data_dir).glob(".staging-*"))


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A sources file beside a private copy of the reference folder, which tests may break."""
    shutil.copytree(REFERENCE, tmp_path / "reference")
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    return tmp_path


@pytest.fixture
def built(workspace, capsys) -> tuple[Path, str]:
    """The workspace with one good snapshot in workspace/data."""
    code, out, err = _run(capsys, "snapshot", "build", "--config", str(workspace / "sources.toml"),
                          "--data-dir", str(workspace / "data"))
    assert code == 0, err
    return workspace, out.strip()


def _clone(data_dir: Path, snapshot_id: str, new_id: str) -> Path:
    """Copy a snapshot under a new id, its manifest naming that id (verify refuses a manifest naming another)."""
    root = snapshots.snapshots_dir(data_dir)
    shutil.copytree(root / snapshot_id, root / new_id)
    manifest = json.loads((root / new_id / "manifest.json").read_text())
    (root / new_id / "manifest.json").write_text(json.dumps({**manifest, "snapshot_id": new_id}))
    return root / new_id


# ---------------------------------------------------------------- building

def test_bundled_sources_build_end_to_end_and_quickly(tmp_path, capsys):
    started = time.perf_counter()
    code, out, err = _run(capsys, "snapshot", "build", "--config", str(config.DEFAULT_SOURCES),
                          "--data-dir", str(tmp_path))
    elapsed = time.perf_counter() - started
    assert code == 0, err
    assert elapsed < 10, f"bundled build took {elapsed:.1f} s"
    snap = snapshots.verify(tmp_path, out.strip())
    # The bundled sources are real public data only (generated volume is opt-in: tests/browser/harness.py demo_sources).
    assert snap.synthetic_rows == 0
    read = {s["name"]: s["rows"] for s in snap.manifest["sources"]}
    expected = {
        "reference": {"jurisdictions": 2, "commitments": 75, "milestones": 18, "indicators": 16,
                      "milestone_status": 3, "learning_events": 4, "portal_metrics": 1},
        "canada-nap": {"commitments": 19, "milestones": 94, "indicators": 306, "jurisdictions": 1},
        "quebec-municipal-on-open-canada": {"datasets": 285, "jurisdictions": 1},
        "open-canada-metrics": {"portal_metrics": 7147},
    }
    assert list(read) == list(expected)
    for name, tables in expected.items():
        assert {table: read[name].get(table) for table in tables} == tables, name
    assert [s["path"] for s in snap.manifest["sources"]] == [
        "reference", "sources/canada-nap", "sources/open-canada/freshness_tree_municipal_user.json",
        "sources/open-canada/corporate_report.csv"]
    assert snap.manifest["tables"]["datasets"]["rows"] == 285
    assert snap.manifest["tables"]["portal_metrics"]["rows"] == 7147 + 1
    assert "reference (reference): jurisdictions 2, commitments 75" in err


def test_build_without_config_uses_the_bundled_sources_and_data_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OGDASH_DATA_DIR", raising=False)
    assert config.DEFAULT_SOURCES == config.BUNDLED_DIR / "sources.toml" and config.DEFAULT_SOURCES.is_file()
    monkeypatch.chdir(tmp_path)  # the default data folder is ./data in the current folder, wherever that is
    assert config.data_dir() == tmp_path.resolve() / "data"
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    code, out, err = _run(capsys, "snapshot", "build")
    assert code == 0, err
    assert snapshots.list_snapshots(tmp_path) == [out.strip()]
    assert snapshots.verify(tmp_path, out.strip()).manifest["sources"][1]["name"] == "canada-nap"


def _break_missing_file(ref: Path) -> dict:
    (ref / "milestones.csv").unlink()
    return {"file": "milestones.csv", "says": "missing file milestones.csv"}


def _break_empty_file(ref: Path) -> dict:
    (ref / "commitments.csv").write_bytes(b"")
    return {"file": "commitments.csv", "says": "empty file"}


def _break_wrong_column(ref: Path) -> dict:
    path = ref / "learning_events.csv"
    text = path.read_text(encoding="utf-8")
    header = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("period,"))
    path.write_text(text.replace(",learners,", ",attendees,", 1), encoding="utf-8")
    return {"file": "learning_events.csv", "row": header, "column": "attendees", "value": "attendees",
            "says": "unknown column"}


def _break_duplicate_id(ref: Path) -> dict:
    path = ref / "milestones.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    duplicate = next(line for line in lines if line.startswith("CA0073-10.5,"))
    path.write_text("\n".join(lines + [duplicate]) + "\n", encoding="utf-8")
    return {"file": "milestones.csv", "row": len(lines) + 1, "column": "milestone_id", "value": "CA0073-10.5",
            "says": "duplicate id"}


def _break_bad_value(ref: Path) -> dict:
    path = ref / "learning_events.csv"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if ",34,1800,26," in row)
    path.write_text(text.replace(",34,1800,26,", ",34,about 1800,26,", 1), encoding="utf-8")
    return {"file": "learning_events.csv", "row": line, "column": "learners", "value": "about 1800",
            "says": "not a whole number"}


@pytest.mark.parametrize("breakage", [_break_missing_file, _break_empty_file, _break_wrong_column,
                                      _break_duplicate_id, _break_bad_value])
def test_a_failing_source_is_refused_and_touches_nothing(built, capsys, breakage):
    workspace, good_id = built
    data_dir = workspace / "data"
    before = _hash_tree(data_dir)
    expected = breakage(workspace / "reference")

    code, out, err = _run(capsys, "snapshot", "build", "--config", str(workspace / "sources.toml"),
                          "--data-dir", str(data_dir))

    assert code != 0
    assert out == ""
    assert "snapshot not built" in err
    assert "source 'facts' (reference)" in err
    assert str(workspace / "reference" / expected["file"]) in err
    assert expected["says"] in err
    if "row" in expected:
        assert f"row {expected['row']}" in err
        assert f"column {expected['column']!r}" in err
        assert f"value {expected['value']!r}" in err
    assert _hash_tree(data_dir) == before  # every earlier snapshot byte-identical
    assert snapshots.list_snapshots(data_dir) == [good_id]
    assert _staging(data_dir) == []


def test_a_crash_while_writing_leaves_no_staging_folder_and_no_snapshot(built, monkeypatch):
    workspace, good_id = built
    data_dir = workspace / "data"
    before = _hash_tree(data_dir)
    real_write = pq.write_table
    calls = []

    def failing_write(table, where, **kwargs):
        calls.append(where)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing_write)
    with pytest.raises(OSError, match="disk full"):
        publish.build(workspace / "sources.toml", data_dir, force=True)  # unchanged sources: forced to write
    assert _hash_tree(data_dir) == before
    assert snapshots.list_snapshots(data_dir) == [good_id]
    assert _staging(data_dir) == []


# ---------------------------------------------------------------- verifying and listing

def _truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _flip_bit(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0x10
    path.write_bytes(bytes(raw))


def test_truncated_and_bit_flipped_parquet_are_caught(built, capsys):
    workspace, good_id = built
    data_dir = workspace / "data"
    flipped = _clone(data_dir, good_id, "20990101T000000Z")
    truncated = _clone(data_dir, good_id, "20990102T000000Z")
    _flip_bit(flipped / "datasets.parquet")
    _truncate(truncated / "milestone_status.parquet")

    for broken, file in ((flipped, "datasets.parquet"), (truncated, "milestone_status.parquet")):
        code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir), broken.name)
        assert code == 1
        assert "FAILED" in err and "checksum mismatch" in err and file in err
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir))
    assert code == 1
    assert f"{good_id}: ok" in out

    code, out, err = _run(capsys, "snapshot", "list", "--data-dir", str(data_dir))
    assert code == 0
    listed = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(listed) == {good_id, "20990101T000000Z", "20990102T000000Z"}
    assert listed[good_id].endswith("ok")
    assert "BROKEN" in listed["20990101T000000Z"] and "BROKEN" in listed["20990102T000000Z"]

    refused = {}
    assert snapshots.newest_good(data_dir, on_refused=refused.__setitem__).id == good_id
    assert set(refused) == {"20990101T000000Z", "20990102T000000Z"}


def test_truncated_file_with_matching_checksum_is_still_refused(built):
    """A file cut short and its manifest checksum rewritten to match: the footer check catches it."""
    workspace, good_id = built
    data_dir = workspace / "data"
    snap = _clone(data_dir, good_id, "20990103T000000Z")
    _truncate(snap / "commitments.parquet")
    manifest = json.loads((snap / "manifest.json").read_text())
    manifest["tables"]["commitments"]["sha256"] = snapshots.sha256_file(snap / "commitments.parquet")
    (snap / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(snapshots.SnapshotError, match="unreadable parquet"):
        snapshots.verify(data_dir, snap.name)


def test_empty_snapshot_folder_is_refused(built, capsys):
    workspace, good_id = built
    data_dir = workspace / "data"
    (snapshots.snapshots_dir(data_dir) / "20990101T000000Z").mkdir()
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir), "20990101T000000Z")
    assert code == 1 and "no manifest.json" in err
    assert snapshots.newest_good(data_dir).id == good_id


def test_manifest_naming_a_missing_table_is_refused(built, capsys):
    workspace, good_id = built
    data_dir = workspace / "data"
    lost_file = _clone(data_dir, good_id, "20990101T000000Z")
    (lost_file / "indicators.parquet").unlink()
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir), lost_file.name)
    assert code == 1 and "table indicators: file indicators.parquet is missing" in err

    lost_entry = _clone(data_dir, good_id, "20990102T000000Z")
    manifest = json.loads((lost_entry / "manifest.json").read_text())
    del manifest["tables"]["learning_events"]
    (lost_entry / "manifest.json").write_text(json.dumps(manifest))
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir), lost_entry.name)
    assert code == 1 and "manifest has no table learning_events" in err
    assert snapshots.newest_good(data_dir).id == good_id


def test_a_half_written_snapshot_is_never_listed(built, capsys):
    workspace, good_id = built
    data_dir = workspace / "data"
    staging = snapshots.snapshots_dir(data_dir) / ".staging-20990101T000000Z-abc123"
    shutil.copytree(snapshots.snapshots_dir(data_dir) / good_id, staging)
    (staging / "manifest.json").unlink()
    assert snapshots.list_snapshots(data_dir) == [good_id]
    assert snapshots.newest_good(data_dir).id == good_id
    code, out, err = _run(capsys, "snapshot", "list", "--data-dir", str(data_dir))
    assert "staging" not in out and good_id in out


# ---------------------------------------------------------------- the example sources file

EXAMPLE = config.BUNDLED_DIR / "sources.example.toml"


def test_example_sources_show_every_kind():
    from dashboard.ingest import KINDS, load_sources

    sources = load_sources(EXAMPLE)
    assert {s.kind for s in sources} == set(KINDS)
    ckan = [s for s in sources if s.kind == "ckan"]
    assert {bool(s.url) for s in ckan} == {True, False}  # one over the API, one from a dump


@pytest.mark.shared
def test_example_sources_build_offline(shared_data, tmp_path):
    """Every example source but the one that needs the network builds into one snapshot."""
    import re

    blocks = EXAMPLE.read_text(encoding="utf-8").split("[[source]]")
    offline = "[[source]]".join(b for b in blocks if "\nurl = " not in b)
    # the copy lives elsewhere, so its relative paths become absolute ones resolved as the example's
    offline = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{(EXAMPLE.parent / m[1]).resolve()}"', offline,
                     flags=re.MULTILINE)
    config_file = tmp_path / "sources.toml"
    config_file.write_text(offline, encoding="utf-8")
    snap = publish.build(config_file, tmp_path / "data")
    tables = snapshots.verify(tmp_path / "data", snap.id).manifest["tables"]
    assert all(t["rows"] > 0 for t in tables.values())
    assert tables["portal_metrics"]["synthetic_rows"] == 0
