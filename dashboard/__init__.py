"""Open Government Monitor: a Dash dashboard over dated Parquet snapshots of open-government records."""

__version__ = "0.1.0"
