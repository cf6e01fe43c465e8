"""What tests share besides fixtures: paths, a tiny-snapshot writer, page modules, and readers of component trees and frames.

Test modules import from here (`from helpers import make_snapshot`), never from one another or from
conftest.py, which holds the shared fixtures.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any

import dash
import pandas as pd

from dashboard import publish, snapshots
from dashboard.ingest.common import Source, build_table

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def make_snapshot(data_dir: Path, tables: dict[str, list[dict[str, Any]]], *,
                  snapshot_id: str | None = None) -> snapshots.Snapshot:
    """Write a snapshot of hand-written rows; `source` and `synthetic` default to "test" and False."""
    src = Source(name="test", kind="reference")
    built = {}
    for name, rows in tables.items():
        full = [{"source": "test", "synthetic": False, **r} for r in rows]
        built[name] = build_table(name, full, source=src, file=f"fixture:{name}")
    return publish.write_snapshot(data_dir, built, [{"name": "test", "kind": "reference", "rows": {}}],
                                    snapshot_id=snapshot_id)


def page_module(name: str):
    """Return the module of dashboard/pages/<name>.py as Dash Pages registered it (an app must have been built)."""
    modules = [page["module"] for page in dash.page_registry.values() if page["module"].rpartition(".")[2] == name]
    if not modules:
        raise LookupError(f"no page {name!r} in dash.page_registry: build the app first")
    return importlib.import_module(modules[0])


# ---------------------------------------------------------------- component trees

def find_all(node, predicate):
    """Return every component in the tree under `node` for which `predicate` is true, depth first."""
    found = []
    if isinstance(node, (list, tuple)):
        for child in node:
            found += find_all(child, predicate)
    elif node is not None and not isinstance(node, (str, int, float)):
        if predicate(node):
            found.append(node)
        found += find_all(getattr(node, "children", None), predicate)
    return found


def no_nested_lists(node) -> bool:
    """Dash cannot render a list directly inside a list of children; return True when there is none."""
    if isinstance(node, (list, tuple)):
        return all(not isinstance(child, (list, tuple)) and no_nested_lists(child) for child in node)
    children = getattr(node, "children", None)
    return children is None or isinstance(children, str) or no_nested_lists(children)


def text_of(node, sep: str = "") -> str:
    """Return the text of a component tree, its pieces joined by `sep` (as they are, by default)."""
    if node is None:
        return ""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, (list, tuple)):
        return sep.join(text_of(c, sep) for c in node)
    return text_of(getattr(node, "children", None), sep)


def spaced_text_of(node) -> str:
    """Return the text of a component tree with its pieces joined by spaces."""
    return text_of(node, " ")


# ---------------------------------------------------------------- frames

def _plain(v):
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def records(frame, *columns):
    """Return the chosen columns as tuples, missing values as None."""
    return [tuple(_plain(v) for v in row) for row in frame[list(columns)].itertuples(index=False)]


# ---------------------------------------------------------------- command line and files

def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `ogdash argv...` in this process; return its exit code, standard output and standard error."""
    from dashboard import cli

    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def tree_hashes(root: Path) -> dict[str, str]:
    """Return the sha256 of every file below `root`, by its path relative to `root`."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}
