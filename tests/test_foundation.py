"""Exact behaviour of the snapshot writer, verifier and query layer on a tiny snapshot."""

from __future__ import annotations

import pytest

from dashboard import data, progress, publish, snapshots
from dashboard.ingest.common import IngestError

from helpers import make_snapshot

JUR = [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}]


def test_progress_scale_maps_every_vocabulary():
    assert progress.normalise("SP", "nap").progress == "substantial"
    assert progress.normalise("Finished", "ogp-tracker").rank == 3
    assert progress.normalise("Not Started", "irm").rank == 0
    assert progress.normalise("Stuck", "ogp-tracker").progress == "stuck"
    with pytest.raises(progress.UnknownStatus, match="'XX' is not a nap status"):
        progress.normalise("XX", "nap")


def test_write_verify_and_query(tmp_path):
    snap = make_snapshot(tmp_path, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")
    assert snapshots.verify(tmp_path, snap.id).manifest["tables"]["jurisdictions"]["rows"] == 1
    assert snapshots.list_snapshots(tmp_path) == ["20260101T000000Z"]


def test_duplicate_ids_are_refused_with_row_and_value(tmp_path):
    with pytest.raises(IngestError) as err:
        make_snapshot(tmp_path, {"jurisdictions": JUR + JUR})
    msg = str(err.value)
    assert "duplicate id" in msg and "row 2" in msg and "'ca'" in msg and "jurisdiction_id" in msg
    assert snapshots.list_snapshots(tmp_path) == []


def test_bit_flip_is_caught_and_newest_good_falls_back(tmp_path):
    make_snapshot(tmp_path, {"jurisdictions": JUR}, snapshot_id="20260101T000000Z")
    newer = make_snapshot(tmp_path, {"jurisdictions": JUR}, snapshot_id="20260102T000000Z")
    path = newer.table_path("jurisdictions")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(snapshots.SnapshotError, match="checksum mismatch"):
        snapshots.verify(tmp_path, newer.id)
    refused = {}
    assert snapshots.newest_good(tmp_path, on_refused=refused.__setitem__).id == "20260101T000000Z"
    assert "20260102T000000Z" in refused


def test_query_layer_refuses_files_outside_the_snapshot_folder(tmp_path, monkeypatch):
    make_snapshot(tmp_path, {"jurisdictions": JUR})
    qdir = tmp_path / "q"
    qdir.mkdir()
    (qdir / "escape.sql").write_text("select * from read_csv('/etc/passwd')")
    (qdir / "names.sql").write_text("-- Params: $level\nselect name_en from jurisdictions where level = $level")
    monkeypatch.setattr("dashboard.config.QUERIES_DIR", qdir)
    with pytest.raises(Exception, match="(?i)permission|disabled"):
        data.query("escape", data_dir=tmp_path)
    assert data.query("names", data_dir=tmp_path, level="national")["name_en"].tolist() == ["Canada"]
    assert data.query("names", data_dir=tmp_path, level="' or 1=1 --").empty


def test_a_source_that_yields_skips_ids_an_earlier_source_gave():
    import pyarrow as pa

    from dashboard.ingest.common import Source, build_table

    def commitments(source, ids):
        rows = [{"commitment_id": i, "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
                 "cycle_end": 2020, "title_en": f"{source.name} {i}", "source": source.name, "synthetic": False}
                for i in ids]
        return build_table("commitments", rows, source=source)

    first = Source("reference", "reference")
    strict = Source("ogp", "ogp-export")
    yielding = Source("ogp", "ogp-export", options={"on_duplicate": "skip"})
    skipped: dict[str, int] = {}
    merged = publish._merge("commitments", [(first, commitments(first, ["CA0036", "CA0047"])),
                                              (yielding, commitments(yielding, ["CA0036", "UKR0001"]))], skipped)
    assert sorted(zip(merged["commitment_id"].to_pylist(), merged["source"].to_pylist())) == [
        ("CA0036", "reference"), ("CA0047", "reference"), ("UKR0001", "ogp")]
    assert skipped == {"ogp": 1}
    with pytest.raises(IngestError, match="duplicate id in table commitments"):
        publish._merge("commitments", [(first, commitments(first, ["CA0036"])),
                                         (strict, commitments(strict, ["CA0036"]))], {})
    assert isinstance(merged, pa.Table)


def test_demo_data_names_the_scales_it_knows(capsys):
    from dashboard import cli
    from dashboard.ingest import synthetic

    with pytest.raises(SystemExit) as exit_:
        cli.main(["demo-data", "--scale", "galaxy", "--data-dir", "/nonexistent"])
    assert exit_.value.code == 2
    assert "invalid choice: 'galaxy'" in capsys.readouterr().err
    assert set(synthetic.SCALES) == {"small", "world", "world-x20"}
