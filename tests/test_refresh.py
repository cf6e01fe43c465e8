"""Refresh that a scheduler can run: content hashes, nothing published when nothing changed, prune,
the lock, a killed build, progress on a terminal only, data dates, and a real bundled default."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard import cli, config, publish, snapshots
from dashboard.ingest.common import IngestError, Source

from helpers import make_snapshot
from helpers import run_cli as _run

REPO = Path(__file__).resolve().parent.parent
LEARNING = REPO / "tests" / "fixtures" / "ingest" / "learning" / "learning_events.csv"
REPORT = config.BUNDLED_DIR / "sources" / "open-canada" / "corporate_report.csv"

SOURCES = """
[[source]]
name = "learning"
kind = "learning"
path = "learning_events.csv"

[[source]]
name = "metrics"
kind = "portal-metrics"
path = "corporate_report.csv"
portal = "open.canada.ca"
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A sources file and private copies of two small real-format files, which tests may change."""
    shutil.copy(LEARNING, tmp_path / "learning_events.csv")
    shutil.copy(REPORT, tmp_path / "corporate_report.csv")
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    return tmp_path


def _build(capsys, workspace: Path, *extra: str) -> tuple[int, str, str]:
    return _run(capsys, "snapshot", "build", "--config", str(workspace / "sources.toml"),
                "--data-dir", str(workspace / "data"), *extra)


def _manifest(workspace: Path, snapshot_id: str) -> dict:
    return snapshots.verify(workspace / "data", snapshot_id).manifest


# ---------------------------------------------------------------- unchanged sources publish nothing

def test_building_twice_with_unchanged_sources_leaves_one_snapshot(workspace, capsys):
    code, first, err = _build(capsys, workspace)
    assert code == 0, err
    first = first.strip()
    sources = _manifest(workspace, first)["sources"]
    assert [(s["name"], s["content_sha256"]) for s in sources] == [
        ("learning", _sha(workspace / "learning_events.csv")),  # one file: what sha256sum prints
        ("metrics", _sha(workspace / "corporate_report.csv")),
    ]

    code, out, err = _build(capsys, workspace)
    assert code == 0 and out == ""  # stdout names only a newly published snapshot
    assert f"nothing changed since snapshot {first}" in err and "--force" in err
    assert snapshots.list_snapshots(workspace / "data") == [first]
    snap = publish.build(workspace / "sources.toml", workspace / "data")
    assert (snap.id, snap.published) == (first, False)


def test_changing_one_source_publishes_a_second_snapshot(workspace, capsys):
    _, first, _ = _build(capsys, workspace)
    with open(workspace / "learning_events.csv", "a", encoding="utf-8") as fh:
        fh.write("2024-04,ca,TBS,webinar,Open data 102,1,60,5,\n")
    code, second, err = _build(capsys, workspace)
    assert code == 0, err
    first, second = first.strip(), second.strip()
    assert snapshots.list_snapshots(workspace / "data") == [first, second]
    before, after = _manifest(workspace, first), _manifest(workspace, second)
    assert after["sources"][0]["content_sha256"] == _sha(workspace / "learning_events.csv")
    assert after["sources"][1]["content_sha256"] == before["sources"][1]["content_sha256"]
    changes = snapshots.source_changes(before, after)
    assert [(c["name"], c["change"], c["rows_before"], c["rows_after"]) for c in changes] == [
        ("learning", "updated", 6, 7), ("metrics", "unchanged", 7147, 7147)]


def test_force_a_new_sources_file_or_new_code_build_again(workspace, capsys, monkeypatch):
    _, first, _ = _build(capsys, workspace)
    code, forced, err = _build(capsys, workspace, "--force")
    assert code == 0 and forced.strip() and forced.strip() != first.strip()
    with open(workspace / "sources.toml", "a", encoding="utf-8") as fh:
        fh.write("# a comment is a change of the sources file too\n")
    _, edited, _ = _build(capsys, workspace)
    assert edited.strip()
    monkeypatch.setattr(publish, "code_sha256", lambda: "a new release")
    _, released, _ = _build(capsys, workspace)
    assert released.strip()
    assert len(snapshots.list_snapshots(workspace / "data")) == 4
    inputs = _manifest(workspace, released.strip())["inputs"]
    assert inputs == {"sources_file_sha256": _sha(workspace / "sources.toml"), "code_sha256": "a new release"}


def test_the_code_fingerprint_covers_what_a_build_runs_and_nothing_else():
    package = Path(snapshots.__file__).resolve().parent
    files = {f.relative_to(package).as_posix() for f in publish._build_modules(package)}
    assert {"__init__.py", "snapshots.py", "schema.py", "data.py", "linking.py", "ingest/__init__.py",
            "ingest/ckan.py", "ingest/reference.py", "ingest/synthetic.py"} <= files
    assert not [f for f in files if f.startswith(("pages/", "figures/")) or f in ("app.py", "charts.py", "web.py")]


def test_a_downloaded_source_is_compared_by_what_was_fetched(workspace, monkeypatch):
    """A URL source is read (downloaded) first; its hash and Last-Modified come from Source.fetched."""
    (workspace / "sources.toml").write_text(
        '[[source]]\nname = "portal"\nkind = "ckan"\nurl = "https://portal.example/api/3/action/package_search"\n',
        encoding="utf-8")
    bodies = iter(["aa" * 32, "aa" * 32, "bb" * 32])

    def fake_read(source: Source) -> dict[str, pa.Table]:
        source.fetched.append({"url": source.url + "?start=0", "sha256": next(bodies), "bytes": 10,
                               "last_modified": "2025-03-04T05:06:07+00:00", "retrieved_at": "2026-01-01T00:00:00+00:00"})
        return {}

    monkeypatch.setattr(publish, "read_source", fake_read)
    data_dir = workspace / "data"
    first = publish.build(workspace / "sources.toml", data_dir)
    entry = first.manifest["sources"][0]
    assert (entry["url"], entry["content_sha256"]) == ("https://portal.example/api/3/action/package_search", "aa" * 32)
    assert (entry["data_date"], entry["data_date_basis"]) == ("2025-03-04", "last-modified")
    again = publish.build(workspace / "sources.toml", data_dir)
    assert (again.id, again.published) == (first.id, False)
    changed = publish.build(workspace / "sources.toml", data_dir)
    assert changed.published and changed.manifest["sources"][0]["content_sha256"] == "bb" * 32
    assert snapshots.list_snapshots(data_dir) == [first.id, changed.id]


# ---------------------------------------------------------------- what a source's content is

def test_content_hash_covers_a_folder_and_the_files_its_options_name(tmp_path):
    folder = tmp_path / "nap"
    folder.mkdir()
    (folder / "nap5.yaml").write_text("a", encoding="utf-8")
    (folder / ".hidden").write_text("editor state", encoding="utf-8")
    (tmp_path / "status.csv").write_text("s", encoding="utf-8")
    source = Source(name="nap", kind="nap-tracker", path=folder, options={"status": "../status.csv", "format": "yaml"})
    assert publish.source_files(source) == [folder / "nap5.yaml", (tmp_path / "status.csv").resolve()]
    before = publish.content_sha256(source, publish.source_files(source))
    (tmp_path / "status.csv").write_text("s2", encoding="utf-8")
    assert publish.content_sha256(source, publish.source_files(source)) != before
    (folder / "nap6.yaml").write_text("b", encoding="utf-8")
    assert len(publish.source_files(source)) == 3

    generated = Source(name="demo", kind="synthetic", options={"scale": "small", "seed": 1})
    assert publish.content_sha256(generated, []) != publish.content_sha256(
        Source(name="demo", kind="synthetic", options={"scale": "small", "seed": 2}), [])
    assert not publish.reads_network(source)
    assert publish.reads_network(Source(name="n", kind="nap-tracker", path=folder,
                                          options={"status": "https://open.canada.ca/data/api/3/action/x"}))


# ---------------------------------------------------------------- the date the data describes

def _tables(**columns) -> dict[str, pa.Table]:
    return {table: pa.table({column: values}) for table, (column, values) in columns.items()}


def test_data_date_is_stated_else_the_newest_record_else_last_modified():
    D = dt.date.fromisoformat
    read_on = D("2026-01-10")
    source = Source(name="s", kind="learning")
    tables = _tables(learning_events=("period_end", pa.array([D("2024-03-31"), D("2024-06-30")])),
                     portal_metrics=("date", pa.array([D("2025-12-31"), D("2027-01-01"), None])))
    # Stated wins over any record.
    assert publish.data_date(source, tables, D("2024-07-31"), read_on) == (D("2024-07-31"), "stated")
    # The newest record of any dated table; a date after the day it was read is a plan, left out.
    assert publish.data_date(source, tables, None, read_on) == (D("2025-12-31"), "newest record")
    modified = _tables(datasets=("modified", pa.array([dt.datetime(2025, 5, 1, 23, 59)], pa.timestamp("us"))))
    assert publish.data_date(source, modified, None, read_on) == (D("2025-05-01"), "newest record")
    # Only tables that date plans (commitments' deadlines): the download's Last-Modified, else nothing.
    plans = _tables(commitments=("end_date", pa.array([D("2025-06-30")])))
    assert publish.data_date(source, plans, None, read_on) == (None, None)
    fetched = Source(name="f", kind="ogp-export", url="https://x.example/export.csv")
    fetched.fetched.extend([{"last_modified": "2024-07-15T10:00:00+00:00"}, {"last_modified": None}])
    assert publish.data_date(fetched, plans, None, read_on) == (D("2024-07-15"), "last-modified")
    assert set(publish.RECORD_DATE) == {"milestone_status", "datasets", "learning_events", "portal_metrics"}


@pytest.mark.parametrize("value", ['"July 2024"', '"2024-13-01"', "2024", "[2024]"])
def test_a_bad_data_date_stops_the_build_naming_source_file_and_value(workspace, capsys, value):
    config_file = workspace / "sources.toml"
    config_file.write_text(SOURCES.replace('portal = "open.canada.ca"', f'portal = "open.canada.ca"\ndata_date = {value}'),
                           encoding="utf-8")
    code, out, err = _build(capsys, workspace)
    assert code == 1 and out == ""
    assert "source 'metrics'" in err and str(config_file) in err
    assert "column 'data_date'" in err and "YYYY-MM-DD" in err
    with pytest.raises(IngestError):
        publish.build(config_file, workspace / "data")


def test_a_stated_data_date_is_recorded_with_its_basis(workspace, capsys):
    (workspace / "sources.toml").write_text(
        SOURCES.replace('portal = "open.canada.ca"', 'portal = "open.canada.ca"\ndata_date = 2026-08-22\n'
                                                     'attribution = "open.canada.ca, OGL-Canada; retrieved 2026-12-07"'),
        encoding="utf-8")
    _, out, _ = _build(capsys, workspace)
    learning, metrics = _manifest(workspace, out.strip())["sources"]
    assert (learning["data_date"], learning["data_date_basis"]) == ("2024-06-30", "newest record")
    assert (metrics["data_date"], metrics["data_date_basis"]) == ("2026-08-22", "stated")
    assert metrics["attribution"] == "open.canada.ca, OGL-Canada; retrieved 2026-12-07"
    assert dt.datetime.fromisoformat(metrics["retrieved_at"]).tzinfo is not None  # retrieval time stays apart


# ---------------------------------------------------------------- prune

IDS = ["20260101T000000Z", "20260201T000000Z", "20260301T000000Z", "20260401T000000Z"]


def _four_snapshots(data_dir: Path) -> None:
    for snapshot_id in IDS:
        make_snapshot(data_dir, {"jurisdictions": [{"jurisdiction_id": "ca", "name_en": "Canada", "level": "national"}]},
                      snapshot_id=snapshot_id)


def test_prune_keeps_the_newest_and_never_the_one_served(tmp_path, capsys):
    _four_snapshots(tmp_path)
    newest = snapshots.snapshots_dir(tmp_path) / IDS[-1]
    (newest / "jurisdictions.parquet").write_bytes(b"broken")  # the newest does not verify: IDS[2] is served
    (snapshots.snapshots_dir(tmp_path) / f".trash-{IDS[0]}").mkdir()  # a prune killed half-way
    code, out, err = _run(capsys, "snapshot", "prune", "--keep", "1", "--data-dir", str(tmp_path))
    assert code == 0, err
    assert out.split() == IDS[:2]
    assert f"removed .trash-{IDS[0]}" in err and "removed 2 snapshot(s); 2 left" in err
    assert snapshots.list_snapshots(tmp_path) == IDS[2:]
    assert snapshots.newest_good(tmp_path).id == IDS[2]
    assert sorted(p.name for p in snapshots.snapshots_dir(tmp_path).iterdir()) == [".build.lock", *IDS[2:]]

    assert publish.prune(tmp_path, 0) == [IDS[3]]  # keep 0: only the served one stays
    assert snapshots.list_snapshots(tmp_path) == [IDS[2]]
    assert publish.prune(tmp_path, 0) == []


def test_prune_with_more_to_keep_than_there_are_removes_nothing(tmp_path, capsys):
    _four_snapshots(tmp_path)
    assert publish.prune(tmp_path, 10) == []
    assert snapshots.list_snapshots(tmp_path) == IDS
    with pytest.raises(SystemExit) as usage:
        cli.main(["snapshot", "prune", "--keep", "-1", "--data-dir", str(tmp_path)])
    assert usage.value.code == 2 and "must be 0 or more" in capsys.readouterr().err
    with pytest.raises(ValueError):
        publish.prune(tmp_path, -1)


# ---------------------------------------------------------------- the lock

def test_a_second_build_stops_with_a_clear_message_while_one_holds_the_lock(workspace, capsys):
    data_dir = workspace / "data"
    with publish.build_lock(data_dir, purpose="build"):
        code, out, err = _build(capsys, workspace)
        assert code == cli.EXIT_LOCKED == 75 and out == ""
        assert f"locked by another build (pid {os.getpid()}, since " in err
        assert "nothing was done" in err and "--wait SECONDS" in err
        code, out, err = _run(capsys, "snapshot", "prune", "--keep", "1", "--data-dir", str(data_dir))
        assert code == 75 and "nothing pruned" in err
        code, out, err = _run(capsys, "demo-data", "--data-dir", str(data_dir))
        assert code == 75 and "no demo data written" in err
    assert snapshots.list_snapshots(data_dir) == []
    code, out, err = _build(capsys, workspace)
    assert code == 0 and out.strip()


def test_a_build_told_to_wait_builds_once_the_lock_is_free(workspace, capsys):
    data_dir = workspace / "data"
    held, release = threading.Event(), threading.Event()

    def hold():
        with publish.build_lock(data_dir, purpose="prune"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    code, out, err = _build(capsys, workspace, "--wait", "20")
    holder.join()
    assert code == 0, err
    assert out.strip() and time.monotonic() - started >= 0.4
    with pytest.raises(publish.BuildLocked, match=r"after waiting 0\.3 s"):
        with publish.build_lock(data_dir):
            publish.build(workspace / "sources.toml", data_dir, wait=0.3, force=True)


# ---------------------------------------------------------------- a build killed half-way

def test_a_killed_build_leaves_no_staging_folder_once_the_next_build_has_run(workspace, capsys, tmp_path):
    data_dir = workspace / "data"
    ready = tmp_path / "first-table-written"
    script = f"""
import sys, time
from pathlib import Path
import pyarrow.parquet as pq
real = pq.write_table
def write_then_hang(table, where, **options):
    real(table, where, **options)
    Path({str(ready)!r}).write_text("yes")
    time.sleep(120)
pq.write_table = write_then_hang
from dashboard import cli
sys.exit(cli.main(["snapshot", "build", "--config", {str(workspace / "sources.toml")!r}, "--data-dir", {str(data_dir)!r}]))
"""
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never wrote its first table"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
        process.stderr.close()
    staging = list(snapshots.snapshots_dir(data_dir).glob(".staging-*"))
    assert len(staging) == 1 and (staging[0] / "jurisdictions.parquet").is_file()  # killed mid-write
    assert snapshots.list_snapshots(data_dir) == []  # never listed, never served

    code, out, err = _build(capsys, workspace)  # the kill released the lock: no wait needed
    assert code == 0, err
    assert f"removed {staging[0].name}, left by a build or prune that was interrupted" in err
    assert list(snapshots.snapshots_dir(data_dir).glob(".staging-*")) == []
    assert snapshots.list_snapshots(data_dir) == [out.strip()]


# ---------------------------------------------------------------- progress

def test_progress_is_drawn_on_a_terminal_and_not_in_a_log(workspace, capsys):
    code, out, err = _build(capsys, workspace)
    assert code == 0 and "reading sources" not in err and "\r" not in err

    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty has 0 columns
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "snapshot", "build", "--force", "--config",
         str(workspace / "sources.toml"), "--data-dir", str(workspace / "data")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    process.wait(60)
    os.close(leader)
    assert process.returncode == 0 and process.stdout.read().strip()
    process.stdout.close()
    assert b"reading sources" in drawn and b"rows=" in drawn


# ---------------------------------------------------------------- the bundled default is real

@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """A data folder holding the snapshot of the bundled sources file (what ./scripts/serve builds)."""
    data_dir = tmp_path_factory.mktemp("bundled-data")
    snap = publish.build(config.DEFAULT_SOURCES, data_dir)
    return data_dir, snap


def test_the_bundled_snapshot_holds_no_synthetic_row(bundled):
    data_dir, snap = bundled
    manifest = snapshots.verify(data_dir, snap.id).manifest
    assert {table: entry["synthetic_rows"] for table, entry in manifest["tables"].items()} == dict.fromkeys(
        manifest["tables"], 0)
    assert snap.synthetic_rows == 0
    assert [(s["name"], s["kind"]) for s in manifest["sources"]] == [
        ("reference", "reference"), ("canada-nap", "nap-tracker"),
        ("quebec-municipal-on-open-canada", "ckan"), ("open-canada-metrics", "portal-metrics")]
    assert {(s["name"], s["data_date"], s["data_date_basis"]) for s in manifest["sources"]} == {
        ("reference", "2017-06-30", "newest record"), ("canada-nap", "2026-01-29", "stated"),
        ("quebec-municipal-on-open-canada", "2026-08-22", "stated"),
        ("open-canada-metrics", "2026-08-22", "newest record")}
    for source in manifest["sources"]:
        assert len(source["content_sha256"]) == 64 and source["attribution"]
        location = (config.DEFAULT_SOURCES.parent / source["path"]).resolve()
        assert location.is_relative_to(config.DEFAULT_SOURCES.parent.resolve()), location  # shipped, not ../shared
    assert manifest["tables"]["datasets"]["rows"] == 285 and manifest["tables"]["portal_metrics"]["rows"] > 7000


def test_the_bundled_files_are_exactly_the_permitted_ones_with_their_licences():
    bundled = config.DEFAULT_SOURCES.parent / "sources"
    files = sorted(p.relative_to(bundled).as_posix() for p in bundled.rglob("*") if p.is_file())
    assert files == ["OGL-Canada-2.0.txt", "README.md", "canada-nap/LICENSE", "canada-nap/nap4_2018-2020.yaml",
                     "canada-nap/nap5_2022-2024.yaml", "canada-nap/nap6_2025-2029.yaml",
                     "canada-nap/nap_commitments.csv", "canada-nap/nap_indicators.csv",
                     "canada-nap/nap_milestones.csv", "open-canada/corporate_report.csv",
                     "open-canada/freshness_tree_municipal_user.json"]
    readme = (bundled / "README.md").read_text(encoding="utf-8")
    for path in ("canada-nap/", "open-canada/freshness_tree_municipal_user.json", "open-canada/corporate_report.csv"):
        assert path in readme
    assert readme.count("| 2026-12-07 |") == 4  # every row names its retrieval date
    text = config.DEFAULT_SOURCES.read_text(encoding="utf-8")
    assert 'kind = "synthetic"' not in text and "shared/data" not in text


def test_no_chart_of_the_bundled_snapshot_carries_a_synthetic_badge(bundled, monkeypatch):
    data_dir, snap = bundled
    monkeypatch.setenv("OGDASH_DATA_DIR", str(data_dir))
    from dashboard import charts
    from dashboard.app import create_app

    create_app(data_dir)  # registers every page's charts
    assert charts.REGISTRY
    for chart_id in charts.REGISTRY:
        for search in ("", "?lang=fr"):
            *_, badge = charts.render(chart_id, search)
            assert badge is None, (chart_id, search)
