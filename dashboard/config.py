"""Where things live: files shipped inside the package (found through importlib.resources) and the data folder.

The SQL, rollups, stylesheets, playlists, default sources and bundled data ship inside the package
(`dashboard/queries`, `dashboard/assets`, ...), so an installed wheel finds them wherever it is. A checkout
that still keeps one of them at the top level (`queries/`, `assets/`, `data/`, `playlists/`) is read there.
The data folder, where snapshots are built and served from, is the user's: $OGDASH_DATA_DIR, else ./data.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # the checkout, when the package runs from one


def resource(packaged: str, checkout: str) -> Path:
    """Return `dashboard/<packaged>` as shipped in the package, else `<checkout>` in the checkout it runs from.

    Packages are installed unzipped (pip and pipx always do), so the resource is a real folder or file.
    """
    inside = importlib.resources.files("dashboard").joinpath(packaged)
    if inside.is_dir() or inside.is_file():
        return Path(str(inside))
    return PROJECT_DIR / checkout


QUERIES_DIR = Path(os.environ.get("OGDASH_QUERIES_DIR") or resource("queries", "queries"))
ASSETS_DIR = resource("assets", "assets")
PLAYLISTS_DIR = resource("playlists", "playlists")
BUNDLED_DIR = resource("bundled", "data")  # the default sources file and the data it reads
DEFAULT_SOURCES = BUNDLED_DIR / "sources.toml"
DATA_DICTIONARY = resource("bundled/README.md", "data/README.md")  # served beside every CSV download
DEFAULT_DATA_DIR = "data"  # relative to the current folder


def data_dir() -> Path:
    """Return the data folder: $OGDASH_DATA_DIR, else ./data in the current folder.

    Not the package's folder: an installed package is not the user's to write into, and snapshots are
    large. The current folder is where `ogdash snapshot build` and `ogdash serve` run from (the scripts
    run in the checkout, whose data/ it is), so both meet without a setting; a service sets
    OGDASH_DATA_DIR or --data-dir.
    """
    return Path(os.environ.get("OGDASH_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
