"""Snapshots a service user can read, OS errors that count as refusals, manifests that lie, and a full disk.

The server runs as a user that cannot write the data folder, while builds run as another
(docs/deployment.md). Published snapshots must be readable by it whatever the builder's umask; a
snapshot it still cannot read is refused like a damaged one, and the last good one stays served.
"""

from __future__ import annotations

import errno
import json
import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard import data, snapshots
from helpers import run_cli as _run, tree_hashes as _hashes

try:
    from helpers import make_snapshot
except ImportError:  # before tests/helpers/ existed
    from helpers import make_snapshot

REPO = Path(__file__).resolve().parent.parent
OLD, NEW = "20260101T000000Z", "20260201T000000Z"
TABLES = {
    "jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "name_fr": "Canada", "level": "national"}],
    "commitments": [
        {"commitment_id": "ca-1", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
         "cycle_end": 2020, "title_en": "Open contracts", "progress": "complete", "progress_rank": 3},
        {"commitment_id": "ca-2", "jurisdiction_id": "ca", "cycle": "2018-2020", "cycle_start": 2018,
         "cycle_end": 2020, "title_en": "Generated", "progress": "limited", "progress_rank": 1, "synthetic": True},
    ],
}
SOURCES = """
[[source]]
name = "demo"
kind = "synthetic"
scale = "small"
seed = 11
as_of = 2026-11-22
"""


def _manifest(snap: snapshots.Snapshot) -> dict:
    return json.loads((snap.path / snapshots.MANIFEST).read_text(encoding="utf-8"))


def _rewrite(snap: snapshots.Snapshot, change) -> None:
    manifest = _manifest(snap)
    change(manifest)
    (snap.path / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def two(tmp_path):
    """A data folder with a good snapshot and a newer one that a test may damage."""
    return tmp_path, make_snapshot(tmp_path, TABLES, snapshot_id=OLD), make_snapshot(tmp_path, TABLES, snapshot_id=NEW)


@pytest.fixture
def umask_077():
    old = os.umask(0o077)  # a cautious operator's umask: what mkdtemp would keep
    yield
    os.umask(old)


# ---------------------------------------------------------------- published modes

def _assert_readable(data_dir: Path, snap_path: Path) -> None:
    for folder in (data_dir, snapshots.snapshots_dir(data_dir), snap_path):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    files = sorted(snap_path.iterdir())
    assert {f.name for f in files} >= {"manifest.json", "commitments.parquet", "rollup_action_plans.parquet"}
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f


def test_published_folders_and_files_are_world_readable_whatever_the_umask(tmp_path, umask_077):
    data_dir = tmp_path / "fresh" / "data"
    _assert_readable(data_dir, make_snapshot(data_dir, TABLES, snapshot_id=NEW).path)


def test_ogdash_build_publishes_world_readable_snapshots_whatever_the_umask(tmp_path, umask_077, capsys):
    """Through the command: the build's lock creates the data folder before anything is written."""
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    data_dir = tmp_path / "data"
    code, out, err = _run(capsys, "snapshot", "build", "--config", str(tmp_path / "sources.toml"),
                          "--data-dir", str(data_dir))
    assert code == 0, err
    _assert_readable(data_dir, snapshots.snapshots_dir(data_dir) / out.strip())


def _nobody() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


def _health_as(user: pwd.struct_passwd, data_dir: Path) -> dict:
    """Return /healthz (with its status code as "code") as `user` sees it, from a forked child that became that user.

    A child of this process, not a new interpreter: the interpreter may sit where that user cannot go
    (a root-only home), and the modules it needs are already loaded.
    """
    from flask import Flask

    from dashboard import web

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to the user, ask, report, leave without running the parent's cleanup
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            os.environ["OGDASH_DATA_DIR"] = str(data_dir)
            server = Flask("as-another-user")
            web.install(server)
            answer = server.test_client().get("/healthz")
            os.write(write, json.dumps({"code": answer.status_code, **(answer.get_json(silent=True) or {})}).encode())
            code = 0
        except BaseException as exc:  # reported to the parent, which fails the test with it
            os.write(write, json.dumps({"child_error": repr(exc)}).encode())
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    answer = json.loads(b"".join(chunks) or b"{}")
    assert "child_error" not in answer, answer
    return answer


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or _nobody() is None,
                    reason="switching to an unprivileged user needs root and a 'nobody' user")
def test_an_unprivileged_server_reads_what_root_publishes_and_refuses_what_it_cannot_read(umask_077):
    """The issue's scenario for real: root builds with umask 077, the server runs as nobody."""
    user = _nobody()
    top = Path(tempfile.mkdtemp(prefix="ogdash-service-user-"))
    try:
        os.chmod(top, 0o755)  # mkdtemp's own 0700 would hide everything below it
        data_dir = top / "data"
        make_snapshot(data_dir, TABLES, snapshot_id=OLD)
        assert _health_as(user, data_dir)["snapshot_id"] == OLD  # 0700 from mkdtemp: 503 before the fix

        newer = make_snapshot(data_dir, TABLES, snapshot_id=NEW)  # root publishes the next one
        health = _health_as(user, data_dir)
        assert (health["code"], health["snapshot_id"], health["refused_snapshots"]) == (200, NEW, [])

        # One its builder left unreadable (chmod by hand): refused, the last good one served, no 500.
        os.chmod(newer.path, 0o700)
        health = _health_as(user, data_dir)
        assert (health["code"], health["snapshot_id"], health["refused_snapshots"]) == (200, OLD, [NEW])

        # A snapshots folder it cannot list at all: a truthful 503 naming no path, not a 500.
        os.chmod(snapshots.snapshots_dir(data_dir), 0o700)
        health = _health_as(user, data_dir)
        assert (health["code"], health["error"]) == (503, "no snapshot verifies")
        assert str(top) not in json.dumps(health)
    finally:
        shutil.rmtree(top, ignore_errors=True)


# ---------------------------------------------------------------- OS errors count as refusals

def _deny(monkeypatch, owner, name: str, *, when) -> None:
    """Make the function `owner.name` raise PermissionError for the paths `when` accepts, as for another user's folder."""
    real = getattr(owner, name)

    def denied(path, *args, **kwargs):
        if when(Path(path)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(owner, name, denied)


@pytest.mark.parametrize("what", ["manifest", "table"])
def test_a_snapshot_that_cannot_be_read_is_refused_and_the_last_good_one_served(two, monkeypatch, what, capsys):
    data_dir, old, new = two
    if what == "manifest":  # its folder is 0700 and another user's
        monkeypatch.setattr(Path, "read_text", _denying_read_text(Path.read_text, new.path))
        why = "cannot read manifest.json: Permission denied"
    else:  # its files are 0600
        _deny(monkeypatch, snapshots, "sha256_file", when=lambda p: p.parent == new.path)
        why = ".parquet: Permission denied"
    refused = {}
    assert snapshots.newest_good(data_dir, on_refused=refused.__setitem__).id == OLD
    assert why in refused[NEW] and "cannot read" in refused[NEW]
    assert data.current_snapshot(data_dir).id == OLD
    assert NEW in data.refused_snapshots()

    code, out, err = _run(capsys, "snapshot", "list", "--data-dir", str(data_dir))
    assert code == 0 and "Traceback" not in err
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert lines[OLD].endswith("ok") and "BROKEN" in lines[NEW] and "Permission denied" in lines[NEW]
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir))
    assert code == 1 and f"{OLD}: ok" in out and f"{NEW}: FAILED" in err and "Permission denied" in err


def _denying_read_text(real, folder: Path):
    def read_text(self, *args, **kwargs):
        if self.parent == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)
    return read_text


def test_a_snapshots_folder_that_cannot_be_listed_keeps_the_served_snapshot(two, monkeypatch, capsys, caplog):
    data_dir, old, new = two
    assert data.current_snapshot(data_dir).id == NEW
    _deny(monkeypatch, os, "scandir", when=lambda p: p == snapshots.snapshots_dir(data_dir))
    with pytest.raises(snapshots.SnapshotError, match="cannot list the snapshots folder .*Permission denied"):
        snapshots.list_snapshots(data_dir)
    assert data.current_snapshot(data_dir).id == NEW  # what was served stays served
    assert data.available_snapshots(data_dir) == []
    assert any("cannot list the snapshots folder" in r.getMessage() for r in caplog.records)

    for argv in (("snapshot", "list"), ("snapshot", "verify")):
        code, out, err = _run(capsys, *argv, "--data-dir", str(data_dir))
        assert code == 1, argv
        assert "cannot list the snapshots folder" in err and "Permission denied" in err and "Traceback" not in err


def test_healthz_never_answers_500_and_names_no_path(tmp_path, monkeypatch):
    from flask import Flask

    from dashboard import web

    server = Flask("health")
    web.install(server)
    client = server.test_client()
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))

    empty = client.get("/healthz")  # no snapshot yet: the answer named the absolute data path
    assert empty.status_code == 503 and empty.get_json()["status"] == "unavailable"
    assert str(tmp_path) not in empty.get_data(as_text=True)

    make_snapshot(tmp_path, TABLES, snapshot_id=OLD)
    assert client.get("/healthz").get_json()["snapshot_id"] == OLD
    _deny(monkeypatch, os, "scandir", when=lambda p: p == snapshots.snapshots_dir(tmp_path))
    assert client.get("/healthz").get_json()["snapshot_id"] == OLD  # unlistable now: still the one served

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(data, "current_snapshot", broken)
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.get_json()["status"] == "unavailable"


def test_serve_starts_on_the_last_good_snapshot_when_a_newer_one_cannot_be_read(two, monkeypatch, capsys):
    from dashboard import prod

    data_dir, old, new = two
    monkeypatch.setattr(Path, "read_text", _denying_read_text(Path.read_text, new.path))
    started = []
    monkeypatch.setattr(prod, "run", lambda **kwargs: started.append(kwargs) or 0)
    monkeypatch.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:1")  # serve.run sets both: restored after the test
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    code, out, err = _run(capsys, "serve", "--prod", "--data-dir", str(data_dir), "--port", "1")
    assert code == 0 and "Traceback" not in err
    assert f"serving snapshot {OLD}" in err
    assert started and started[0]["data_dir"] == data_dir


# ---------------------------------------------------------------- manifests that lie

def _outside_copy(tmp_path: Path, snap: snapshots.Snapshot, table: str) -> Path:
    outside = tmp_path / "outside" / "secret.parquet"
    outside.parent.mkdir()
    shutil.copy(snap.table_path(table), outside)
    return outside


def _absolute_path(tmp_path, snap):
    outside = _outside_copy(tmp_path, snap, "commitments")
    _rewrite(snap, lambda m: m["tables"]["commitments"].update(file=str(outside)))  # its checksum is right


def _climbs_out(tmp_path, snap):
    _outside_copy(tmp_path, snap, "commitments")
    relative = os.path.relpath(tmp_path / "outside" / "secret.parquet", snap.path)
    assert relative.startswith("..")
    _rewrite(snap, lambda m: m["tables"]["commitments"].update(file=relative))


def _another_snapshots_file(tmp_path, snap):
    _rewrite(snap, lambda m: m["tables"]["commitments"].update(file=f"../{OLD}/commitments.parquet"))


def _a_subfolder(tmp_path, snap):
    (snap.path / "sub").mkdir()
    shutil.copy(snap.table_path("commitments"), snap.path / "sub" / "commitments.parquet")
    _rewrite(snap, lambda m: m["tables"]["commitments"].update(file="sub/commitments.parquet"))


def _a_link_out(tmp_path, snap):
    outside = _outside_copy(tmp_path, snap, "commitments")
    (snap.path / "commitments.parquet").unlink()
    (snap.path / "commitments.parquet").symlink_to(outside)  # same name, same checksum, another file


def _rollup_outside(tmp_path, snap):
    entry = _manifest(snap)["rollups"]["action_plans"]
    outside = tmp_path / "outside" / entry["file"]
    outside.parent.mkdir()
    shutil.copy(snap.path / entry["file"], outside)
    _rewrite(snap, lambda m: m["rollups"]["action_plans"].update(file=str(outside)))


def _another_id(tmp_path, snap):
    _rewrite(snap, lambda m: m.update(snapshot_id=OLD))


def _created_yesterday(tmp_path, snap):
    _rewrite(snap, lambda m: m.update(created_at="yesterday"))


def _created_without_offset(tmp_path, snap):
    _rewrite(snap, lambda m: m.update(created_at="2026-02-01T00:00:00"))  # /healthz subtracted it from an aware time


def _created_as_a_number(tmp_path, snap):
    _rewrite(snap, lambda m: m.update(created_at=1767225600))


def _synthetic_hidden(tmp_path, snap):
    _rewrite(snap, lambda m: m["tables"]["commitments"].update(synthetic_rows=0))  # hides the synthetic notice


def _synthetic_invented(tmp_path, snap):
    _rewrite(snap, lambda m: m["tables"]["jurisdictions"].update(synthetic_rows=3))


def _synthetic_left_out(tmp_path, snap):
    _rewrite(snap, lambda m: m["tables"]["commitments"].pop("synthetic_rows"))


def _not_an_object(tmp_path, snap):
    (snap.path / snapshots.MANIFEST).write_text("[]", encoding="utf-8")


def _entry_not_a_mapping(tmp_path, snap):
    _rewrite(snap, lambda m: m["tables"].update(commitments="commitments.parquet"))


def _sources_not_a_list(tmp_path, snap):
    _rewrite(snap, lambda m: m.update(sources={"name": "test"}))


LIES = {
    "absolute path outside, right checksum": (_absolute_path, "is not a file name in the snapshot's folder"),
    "relative path climbing out": (_climbs_out, "is not a file name in the snapshot's folder"),
    "another snapshot's file": (_another_snapshots_file, "is not a file name in the snapshot's folder"),
    "a file in a subfolder": (_a_subfolder, "is not a file name in the snapshot's folder"),
    "a link to a file outside": (_a_link_out, "commitments.parquet is not a plain file"),
    "a rollup outside": (_rollup_outside, "is not a file name in the snapshot's folder"),
    "another snapshot's id": (_another_id, f"its manifest names snapshot '{OLD}', not its folder's name"),
    "created_at yesterday": (_created_yesterday, "created_at 'yesterday' is not an ISO 8601 time"),
    "created_at without its offset": (_created_without_offset, "is not an ISO 8601 time with its UTC offset"),
    "created_at a number": (_created_as_a_number, "created_at '1767225600' is not an ISO 8601 time"),
    "synthetic rows hidden": (_synthetic_hidden, "table commitments: 1 synthetic rows, manifest says 0"),
    "synthetic rows invented": (_synthetic_invented, "table jurisdictions: 0 synthetic rows, manifest says 3"),
    "synthetic rows left out": (_synthetic_left_out, "table commitments: 1 synthetic rows, manifest says 0"),
    "not a JSON object": (_not_an_object, "manifest.json is not a JSON object"),
    "a table entry that is not a mapping": (_entry_not_a_mapping, "its manifest entry is not a mapping"),
    "sources that are not a list": (_sources_not_a_list, "manifest sources are not a list of sources"),
}


def test_the_fixture_snapshot_is_honest(two):
    data_dir, old, new = two
    assert snapshots.verify(data_dir, NEW).synthetic_rows == 1
    assert _manifest(new)["tables"]["commitments"]["synthetic_rows"] == 1


@pytest.mark.parametrize("lie", list(LIES))
def test_verify_refuses_a_manifest_that_lies(two, tmp_path, capsys, lie):
    data_dir, old, new = two
    tell, why = LIES[lie]
    tell(tmp_path, new)
    with pytest.raises(snapshots.SnapshotError) as refused:
        snapshots.verify(data_dir, NEW)
    assert why in str(refused.value)
    code, out, err = _run(capsys, "snapshot", "verify", "--data-dir", str(data_dir), NEW)
    assert code == 1 and f"{NEW}: FAILED" in err and why in err and "Traceback" not in err
    assert data.current_snapshot(data_dir).id == OLD
    assert why in data.refused_snapshots()[NEW]


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    first = tmp_path_factory.mktemp("first")
    make_snapshot(first, TABLES, snapshot_id=OLD)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(first))
        from dashboard.app import create_app

        client = create_app(first).server.test_client()
        assert client.get("/").status_code == 200
        yield client


@pytest.mark.parametrize("lie", ["absolute path outside, right checksum", "relative path climbing out",
                                 "a link to a file outside"])
def test_a_lying_manifest_serves_no_file_from_outside_the_snapshot(two, tmp_path, app_client, monkeypatch, lie):
    data_dir, old, new = two
    LIES[lie][0](tmp_path, new)
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    health = app_client.get("/healthz").get_json()
    assert (health["status"], health["snapshot_id"], health["refused_snapshots"]) == ("ok", OLD, [NEW])
    assert app_client.get(f"/download/{NEW}/commitments.csv").status_code == 404
    good = app_client.get(f"/download/{OLD}/commitments.csv")
    assert good.status_code == 200 and "Open contracts" in good.get_data(as_text=True)


def test_a_table_download_is_confined_to_the_snapshot_folder_even_unverified(two, tmp_path, app_client,
                                                                            monkeypatch):
    """The route itself refuses a file outside the folder, should a lying snapshot ever reach it."""
    data_dir, old, new = two
    _absolute_path(tmp_path, new)
    lying = snapshots.open_snapshot(data_dir, NEW)
    with pytest.raises(snapshots.SnapshotError, match="not a file name"):
        lying.table_path("commitments")
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    monkeypatch.setattr(data, "get_snapshot", lambda snapshot_id, data_dir=None: lying)
    answer = app_client.get(f"/download/{NEW}/commitments.csv")
    assert answer.status_code == 404
    assert "Open contracts" not in answer.get_data(as_text=True)


# ---------------------------------------------------------------- builds: a full disk, leftovers

def test_a_full_disk_stops_the_write_with_a_clear_message_and_no_staging(tmp_path, monkeypatch):
    make_snapshot(tmp_path, TABLES, snapshot_id=OLD)
    before = _hashes(tmp_path)
    real_write = pq.write_table
    calls = []

    def full(table, where, **kwargs):
        calls.append(where)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(snapshots.SnapshotError) as stopped:
        make_snapshot(tmp_path, TABLES, snapshot_id=NEW)
    message = str(stopped.value)
    assert f"snapshot {NEW} not written: the disk holding {snapshots.snapshots_dir(tmp_path)} is full" in message
    assert " free)" in message and "staging folder was removed" in message
    assert _hashes(tmp_path) == before
    assert snapshots.list_snapshots(tmp_path) == [OLD]
    assert list(snapshots.snapshots_dir(tmp_path).glob(".staging-*")) == []


def test_a_full_disk_while_duckdb_writes_the_rollups_is_the_same_clear_message(tmp_path, monkeypatch):
    import duckdb

    def full(folder, tables):
        raise duckdb.IOException('IO Error: Could not write file "rollup_x.parquet": No space left on device')

    monkeypatch.setattr(data, "build_rollups", full)
    with pytest.raises(snapshots.SnapshotError, match="is full"):
        make_snapshot(tmp_path, TABLES, snapshot_id=NEW)
    assert snapshots.list_snapshots(tmp_path) == []
    assert list(snapshots.snapshots_dir(tmp_path).glob(".staging-*")) == []



def test_ogdash_build_on_a_full_disk_prints_one_line_and_no_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")

    def full(table, where, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    code, out, err = _run(capsys, "snapshot", "build", "--config", str(tmp_path / "sources.toml"),
                          "--data-dir", str(tmp_path / "data"))
    assert code == 1 and out == ""
    assert "ogdash: snapshot not built: snapshot " in err and "is full" in err and "free" in err
    assert "Traceback" not in err
    assert list(snapshots.snapshots_dir(tmp_path / "data").glob(".staging-*")) == []


def test_an_error_that_is_not_a_full_disk_is_not_called_one(tmp_path, monkeypatch):
    def broken(table, where, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError, match="Input/output error"):
        make_snapshot(tmp_path, TABLES, snapshot_id=NEW)
    assert list(snapshots.snapshots_dir(tmp_path).glob(".staging-*")) == []
