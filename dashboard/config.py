"""Where things live: paths resolved from the package and environment variables, read lazily."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
QUERIES_DIR = Path(os.environ.get("OGDASH_QUERIES_DIR", PROJECT_DIR / "queries"))
ASSETS_DIR = PROJECT_DIR / "assets"
DEFAULT_SOURCES = PROJECT_DIR / "data" / "sources.toml"


def data_dir() -> Path:
    """Return the data folder: $OGDASH_DATA_DIR, else the repository's data/."""
    return Path(os.environ.get("OGDASH_DATA_DIR", PROJECT_DIR / "data")).resolve()
