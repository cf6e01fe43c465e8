"""Installs are reproducible: the lock files pin every dependency, with hashes, inside pyproject's ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def pins(lock: str) -> dict[str, str]:
    text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def requirement_names(reqs: list[str]) -> list[Requirement]:
    return [Requirement(r) for r in reqs]


def test_run_lock_pins_every_runtime_dependency_inside_its_range():
    locked = pins("run.txt")
    for req in requirement_names(PYPROJECT["project"]["dependencies"]):
        name = req.name.lower().replace("_", "-")
        assert name in locked, f"{req.name} is not pinned in requirements/run.txt; run ./scripts/lock"
        assert req.specifier.contains(locked[name], prereleases=True), (req, locked[name])


def test_test_lock_pins_runtime_and_test_dependencies_inside_their_ranges():
    locked = pins("test.txt")
    reqs = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"]
    for req in requirement_names(reqs):
        name = req.name.lower().replace("_", "-")
        assert name in locked, f"{req.name} is not pinned in requirements/test.txt; run ./scripts/lock"
        assert req.specifier.contains(locked[name], prereleases=True), (req, locked[name])
    # the runtime versions are the same in both locks, so the tests test what is served
    run = pins("run.txt")
    assert {n: v for n, v in locked.items() if n in run} == run


def test_every_pin_carries_a_hash():
    for lock in ("run.txt", "test.txt"):
        text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        for entry in entries:
            if entry.startswith("#"):
                continue
            assert "--hash=sha256:" in entry, f"{lock}: {entry.splitlines()[0]} has no hash"


def test_scripts_install_from_the_locks_with_hashes_checked():
    venv = (REPO / "scripts" / "_venv.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in venv and 'requirements/${OGDASH_LOCK:-run}.txt' in venv
    assert "OGDASH_LOCK=test" in (REPO / "scripts" / "test").read_text(encoding="utf-8")
    assert "OGDASH_LOCK" not in (REPO / "scripts" / "serve").read_text(encoding="utf-8")  # run.txt by default
    assert "./scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
