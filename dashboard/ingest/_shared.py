"""What the file connectors share: a path or a URL as a local file, opening a CSV with its line numbers, numbers
and timestamps, known jurisdictions."""

from __future__ import annotations

import contextvars
import csv
import dataclasses
import datetime as dt
import functools
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urljoin, urlsplit

from dashboard import i18n
from dashboard.ingest import http
from dashboard.ingest.common import IngestError, Source

# As dashboard/bundled/reference/jurisdictions.csv names them (OGP's member names): a connector that refers
# to them emits the same row, so whichever source is merged first, the names agree.
KNOWN_JURISDICTIONS: dict[str, dict[str, Any]] = {
    "ca": {"name_en": "Canada", "name_fr": "Canada", "level": "national", "country_code": "CAN",
           "region": "Americas", "parent_id": None},
    "ca-qc": {"name_en": "Québec, Canada", "name_fr": "Québec, Canada", "level": "subnational", "country_code": "CAN",
              "region": "Americas", "parent_id": "ca"},
}

JURISDICTION_ID = re.compile(r"^[a-z]{2,4}(-[a-z0-9]{1,8})*\Z")


def jurisdiction_row(source: Source, jurisdiction_id: str, **fields: Any) -> dict[str, Any]:
    """Return a jurisdictions row: known values, then the source's `jurisdiction_names` option, then `fields`."""
    row: dict[str, Any] = {"jurisdiction_id": jurisdiction_id, "name_en": None, "name_fr": None,
                           "level": None, "country_code": None, "region": None, "parent_id": None}
    row.update(KNOWN_JURISDICTIONS.get(jurisdiction_id, {}))
    row.update({k: v for k, v in fields.items() if v is not None and row.get(k) is None})
    named = source.options.get("jurisdiction_names", {}).get(jurisdiction_id)
    if named:
        row["name_en"] = named
    if row["name_en"] is None:
        row["name_en"] = jurisdiction_id  # a placeholder: a reference source should name it
    if row["level"] is None:
        row["level"] = "subnational" if "-" in jurisdiction_id else "national"
    if row["name_fr"] is None and row["level"] == "national":
        row["name_fr"] = i18n.country_name(row["country_code"], "fr")  # a country's French name: Babel's locale data
    row.update(source=source.name, synthetic=False)
    return row


# -- a source's url as local files ----------------------------------------------------------------

class _Downloads:
    """The temporary folder a connector's downloads go to, and the URL each local file came from."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.urls: dict[str, str] = {}

    def name_urls(self, exc: IngestError) -> None:
        """Make an error about a downloaded file name its URL, not the temporary copy."""
        for local, url in sorted(self.urls.items(), key=lambda item: -len(item[0])):
            if exc.file == local:
                exc.file = url
            exc.why = exc.why.replace(local, url)
        exc.args = (exc.describe(),)


_DOWNLOADS: contextvars.ContextVar[_Downloads | None] = contextvars.ContextVar("ogdash_downloads", default=None)


def with_downloads(read: Callable[[Source], Any]) -> Callable[[Source], Any]:
    """Decorate a connector's read(): what it downloads goes to a temporary folder, removed when read() returns,
    and an IngestError about a downloaded file names its URL."""

    @functools.wraps(read)
    def wrapper(source: Source) -> Any:
        if _DOWNLOADS.get() is not None:
            return read(source)
        with tempfile.TemporaryDirectory(prefix="ogdash-download-") as folder:
            downloads = _Downloads(Path(folder))
            token = _DOWNLOADS.set(downloads)
            try:
                return read(source)
            except IngestError as exc:
                downloads.name_urls(exc)
                raise
            finally:
                _DOWNLOADS.reset(token)

    return wrapper


def is_url(value: Any) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def local_copy(source: Source, what: str = "a file", *, files: list[str] | None = None) -> Source:
    """Return the source itself when it has a path; else a copy whose path is its `url` downloaded (with the HTTP
    policy of dashboard.ingest.http), or, given `files`, a folder of those names fetched from under the url."""
    if source.path is not None or not source.url:
        return source
    downloads = _current_downloads()
    folder = Path(tempfile.mkdtemp(dir=downloads.folder))
    downloads.urls[str(folder)] = source.url
    if files:
        base = source.url if source.url.endswith("/") else source.url + "/"
        for name in files:
            _fetch(source, urljoin(base, str(name)), folder, what)
        return dataclasses.replace(source, path=folder)
    return dataclasses.replace(source, path=_fetch(source, source.url, folder, what))


def fetch_beside(source: Source, name: str, what: str = "a file") -> Path:
    """Download `name`, an address or a file name under the source's url, and return the local copy."""
    url = name if is_url(name) else urljoin(source.url or "", name)
    downloads = _current_downloads()
    folder = Path(tempfile.mkdtemp(dir=downloads.folder))
    return _fetch(source, url, folder, what)


def _fetch(source: Source, url: str, folder: Path, what: str) -> Path:
    path = http.download(source, url, folder, what=what)
    _current_downloads().urls[str(path)] = url
    return path


def _current_downloads() -> _Downloads:
    downloads = _DOWNLOADS.get()
    if downloads is None:
        raise RuntimeError("a connector that downloads must decorate its read() with @with_downloads")
    return downloads


# -- files -------------------------------------------------------------------------------------------

def existing_file(source: Source, path: Path | None, what: str = "file") -> Path:
    """Return `path` if it is a non-empty file; raise IngestError saying what is wrong with it."""
    if path is None:
        raise source.error(f"needs a path to the {what}")
    path = Path(path)
    if not path.exists():
        raise source.error(f"{what} not found", file=path)
    if not path.is_file():
        raise source.error(f"expected a {what}, found a folder", file=path)
    if path.stat().st_size == 0:
        raise source.error(f"{what} is empty", file=path)
    return path


def header_key(name: str) -> str:
    """Return a header name with its stray spaces removed, so ' To' and 'To' match."""
    return " ".join(name.replace("\ufeff", "").split())


def read_csv(source: Source, path: Path, *, required: tuple[str, ...] | list[str],
             key=header_key) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record of a CSV file whose header holds every `required` column."""
    path = existing_file(source, path, "CSV file")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise source.error("file is empty (no header row)", file=path)
            names = [key(h) for h in header]
            missing = [c for c in required if c not in names]
            if missing:
                raise source.error(f"missing columns {missing}; the header has {names}", file=path, row=1)
            start = reader.line_num + 1
            for record in reader:
                line, start = start, reader.line_num + 1
                if not any(field.strip() for field in record):
                    continue
                if len(record) != len(names):
                    raise source.error(f"expected {len(names)} fields, found {len(record)}", file=path,
                                       row=line)
                yield line, dict(zip(names, record))
        except UnicodeDecodeError as exc:
            raise source.error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from None
        except csv.Error as exc:
            raise source.error(f"not a readable CSV file: {exc}", file=path, row=reader.line_num) from None


def parse_count(text: str | None, *, source: Source, file: Any, row: int, column: str,
                required: bool = True) -> int | None:
    """Return a whole, non-negative count; raise IngestError for anything else (blank is None if not required)."""
    s = (text or "").strip()
    if s == "":
        if required:
            raise source.error("a count is required", file=file, row=row, column=column, value=text)
        return None
    if not re.fullmatch(r"\d+", s):
        raise source.error("expected a whole number >= 0", file=file, row=row, column=column, value=text)
    value = int(s)
    if value > 2**31 - 1:
        raise source.error("count too large", file=file, row=row, column=column, value=text)
    return value


def parse_timestamp(text: Any, *, source: Source, file: Any, row: int | None,
                    column: str) -> dt.datetime | None:
    """Return an ISO 8601 timestamp as naive UTC (None for blank); raise IngestError if it is not one."""
    if text is None or str(text).strip() == "":
        return None
    if isinstance(text, dt.datetime):
        value = text
    elif isinstance(text, dt.date):
        value = dt.datetime(text.year, text.month, text.day)
    else:
        try:
            value = dt.datetime.fromisoformat(str(text).strip())
        except ValueError:
            raise source.error("not an ISO 8601 timestamp", file=file, row=row, column=column,
                               value=text) from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value
