"""The README's promises hold: its quick-start commands exist and run what it says."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    """Return the commands of the README's Quick start code block, without their comments."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_executable_scripts():
    commands = quick_start_commands()
    assert commands == ["./scripts/serve", "./scripts/test"]
    for command in commands:
        path = REPO / command
        assert path.is_file(), command
        assert os.access(path, os.X_OK), f"{command} is not executable"
        assert path.read_text().startswith("#!/usr/bin/env bash\n")


def test_ci_runs_the_readme_test_command():
    ci = REPO / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    text = ci.read_text()
    assert "set -euo pipefail" in text
    assert re.search(r"^(exec )?\./scripts/test\b", text, re.M)


def test_test_script_installs_what_the_browser_tests_need():
    text = (REPO / "scripts" / "test").read_text()
    assert "apt-get install" in text and "chromium" in text
    assert "npm ci" in text
    assert "OGDASH_LOCK=test" in text  # installs requirements/test.txt: the [test] extras, locked
    assert "-eq 5" in text  # pytest's "no tests collected" is a failure


def test_serve_script_builds_then_serves():
    text = (REPO / "scripts" / "serve").read_text()
    assert "ogdash snapshot build" in text
    assert "ogdash serve" in text


def test_every_folder_in_the_map_exists():
    table = README.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    folders = re.findall(r"^\| `([^`]+)/` \|", table, re.M)
    assert {"dashboard", "dashboard/queries", "dashboard/assets", "dashboard/bundled", "notebooks", "tests",
            "scripts"} <= set(folders)
    for folder in folders:
        assert (REPO / folder).is_dir(), folder


def test_files_the_how_tos_name_exist():
    for path in ("dashboard/components.py", "dashboard/ingest/__init__.py", "dashboard/charts.py",
                 "dashboard/locale/fr/LC_MESSAGES/messages.po", "tests/test_queries.py", "dashboard/bundled/sources.toml"):
        assert f"`{path}`" in README, path
        assert (REPO / path).is_file(), path
    assert os.access(REPO / "scripts" / "screenshots", os.X_OK)


def test_no_test_module_imports_another():
    """Tests share through tests/conftest.py fixtures and the tests/helpers package, never by importing a test module."""
    offenders = []
    for path in sorted((REPO / "tests").rglob("test_*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*(from|import)\s+(conftest|test_\w+)\b", line):
                offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert offenders == []
