"""Every id pattern matches the whole value: a trailing newline (which `$` lets through) is refused."""

from __future__ import annotations

import pytest

from dashboard import data, playlists, snapshots, state
from dashboard.ingest import _shared


@pytest.mark.parametrize("pattern, good", [
    (state._ID_RE, "CA0001"),
    (snapshots._ID_RE, "20261122T134754Z"),
    (data._NAME_RE, "overdue_milestones"),
    (playlists.NAME_RE, "default"),
    (_shared.JURISDICTION_ID, "ca-qc"),
])
def test_a_trailing_newline_is_not_part_of_an_id(pattern, good):
    assert pattern.match(good)
    assert not pattern.match(good + "\n")
    assert not pattern.match(good + "\r\n")


def test_a_snapshot_id_with_a_trailing_newline_is_refused(tmp_path):
    with pytest.raises(snapshots.SnapshotError):
        snapshots.open_snapshot(tmp_path, "20261122T134754Z\n")


def test_a_view_with_a_newline_in_its_commitment_id_is_not_a_commitment():
    view = state.parse("?jurisdiction=ca%0A")
    assert "ca\n" not in view.jurisdictions
