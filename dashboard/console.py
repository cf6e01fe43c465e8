"""What long commands show on a terminal: progress bars that stay quiet in a scheduler's log."""

from __future__ import annotations

import sys
from typing import Iterable

from tqdm import tqdm


def progress_bar(iterable: Iterable | None = None, **options) -> tqdm:
    """Return a tqdm progress bar on stderr, drawn only when stderr is a terminal (a scheduler's log stays clean)."""
    return tqdm(iterable, file=sys.stderr, disable=None, leave=False, dynamic_ncols=True, **options)
