"""Helpers for tests that inspect a Dash component tree."""

from __future__ import annotations


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
