"""The package's imports go one way (issue 16): no import circle, none hidden in an import inside a function, and
writing snapshots (dashboard/publish.py) apart from reading them (dashboard/snapshots.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

PACKAGE = REPO / "dashboard"
# The only package modules imported inside a function, and why: each `ogdash` command loads only what it runs
# (`ogdash --help` answers at once), and serve.py falls back to waitress where prod.py's gunicorn cannot run.
LAZY_ALLOWED = {"dashboard/cli.py": "every package module", "dashboard/serve.py": "dashboard.prod"}


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> set[str]:
    """Return the package modules an import statement runs: each one named and the packages above it."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        base = node.module or ""  # the package writes no relative imports
        named = [base] + [f"{base}.{alias.name}" for alias in node.names]
    found = set()
    for name in named:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        while name:  # importing dashboard.ingest.synthetic runs dashboard/ingest/__init__.py first ...
            if not module.startswith(name + "."):  # ... unless the importer is inside that package already
                found.add(name)
            name = name.rpartition(".")[0]
    return found - {module}


def _imports() -> tuple[dict[str, set[str]], dict[str, list[tuple[int, str]]]]:
    """Return every module's imports of package modules: all of them, and those inside a function (line, module)."""
    every: dict[str, set[str]] = {}
    in_functions: dict[str, list[tuple[int, str]]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        every[module], in_functions[module] = set(), []
        inner = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = _targets(node, module)
                every[module] |= targets
                if id(node) in inner:
                    in_functions[module] += [(node.lineno, t) for t in sorted(targets) if t != "dashboard"]
    return every, in_functions


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_even_through_imports_inside_functions():
    every, _ = _imports()
    assert _circles(every) == []


def test_package_modules_are_imported_inside_a_function_only_where_it_is_said_why():
    _, in_functions = _imports()
    lazy = {f"{MODULES[m].relative_to(REPO).as_posix()}:{line}": target
            for m, found in in_functions.items() for line, target in found}
    unexplained = {where: target for where, target in lazy.items()
                   if where.split(":")[0] not in LAZY_ALLOWED
                   or LAZY_ALLOWED[where.split(":")[0]] not in ("every package module", target)}
    assert unexplained == {}


def test_reading_snapshots_knows_nothing_of_writing_them():
    every, _ = _imports()
    assert every["dashboard.snapshots"] <= {"dashboard", "dashboard.schema"}
    assert {m for m, targets in every.items() if "dashboard.publish" in targets} == {"dashboard.cli"}
    assert "dashboard.snapshots" in every["dashboard.publish"] and "dashboard.data" in every["dashboard.publish"]
    assert "dashboard.publish" not in every["dashboard.data"]


def test_the_briefing_page_does_not_build_the_app():
    every, _ = _imports()
    assert not every["dashboard.brief"] & {"dashboard.app", "dashboard.printing", "dashboard.serve"}
    assert {"dashboard.app", "dashboard.brief", "dashboard.chromium"} <= every["dashboard.printing"]
