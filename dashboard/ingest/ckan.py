"""Connector for CKAN catalogues: the package_search API, paged, or a JSON Lines bulk dump (optionally gzipped)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pyarrow as pa
import requests

from dashboard import releases
from dashboard.console import progress_bar
from dashboard.ingest import http
from dashboard.ingest._shared import JURISDICTION_ID, existing_file, jurisdiction_row, parse_timestamp
from dashboard.ingest.common import Source, build_table

DEFAULT_ROWS = 1000
# Oldest first is stable while a portal gains datasets mid-paging; CKAN's default order
# (by relevance, then last modified) moves records between pages as they are edited.
DEFAULT_SORT = "metadata_created asc"

# Portals whose jurisdiction needs no option.
PORTAL_JURISDICTIONS = {"open.canada.ca": "ca", "ouvert.canada.ca": "ca", "donneesquebec.ca": "ca-qc"}

# The organization lists bundled for portals whose records may carry only `owner_org`
# (dashboard/ingest/organizations/README.md says where each comes from); option `organizations` overrides.
ORGANIZATION_LISTS = Path(__file__).parent / "organizations"
PORTAL_ORGANIZATIONS = {"open.canada.ca": "open.canada.ca.jsonl", "ouvert.canada.ca": "open.canada.ca.jsonl"}

# Where a source's accepted shortfall is recorded: manifest["sources"][i]["partial_answer"].
PARTIAL_ANSWER = "partial_answer"


def read(source: Source) -> dict[str, pa.Table]:
    """Return one datasets row per catalogue record, and the jurisdiction they belong to."""
    portal = _portal(source)
    jurisdiction_id = _jurisdiction(source, portal)
    language = source.options.get("language", "en")
    if language not in ("en", "fr"):
        raise source.error("option language must be 'en' or 'fr'", column="language", value=language)
    accept_partial = source.options.get("accept_partial", False)
    if not isinstance(accept_partial, bool):
        raise source.error("option accept_partial must be true or false", column="accept_partial",
                           value=accept_partial)
    organizations = _organizations(source, portal)
    if source.path is not None:
        records, where = _dump_records(source, Path(source.path)), source.path
    elif source.url:
        records, where = _api_records(source), source.url
    else:
        raise source.error("needs a url (CKAN API) or a path (JSON Lines dump)")
    rows = [_dataset_row(source, where, n, pkg, portal, jurisdiction_id, language, organizations)
            for n, pkg in records]
    loads = releases.catalogue_loads([(r["published"], r["published_basis"]) for r in rows])
    for row, load in zip(rows, loads):
        row["catalogue_load"] = load
    return {
        "datasets": build_table("datasets", rows, source=source, file=where),
        "jurisdictions": build_table("jurisdictions", [jurisdiction_row(source, jurisdiction_id)], source=source,
                                     file=where),
    }


def _portal(source: Source) -> str:
    if source.options.get("portal"):
        return str(source.options["portal"])
    if source.url:
        host = urlsplit(source.url).hostname or source.url
        return host.removeprefix("www.")
    name = Path(source.path).name if source.path else source.name
    for suffix in (".gz", ".jsonl", ".json", ".ndjson"):
        name = name.removesuffix(suffix)
    return name


def _jurisdiction(source: Source, portal: str) -> str:
    value = source.options.get("jurisdiction") or PORTAL_JURISDICTIONS.get(portal)
    if not value:
        raise source.error(f"set option jurisdiction (e.g. \"ca\") for portal {portal!r}", column="jurisdiction")
    if not JURISDICTION_ID.match(str(value)):
        raise source.error("not a jurisdiction id such as \"ca\" or \"ca-qc\"", column="jurisdiction", value=value)
    return str(value)


# -- the package_search API ---------------------------------------------------------------------


def _api_records(source: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (record number, package), paging package_search with `start` until `count` records have come."""
    opts = source.options
    base = source.url.rstrip("/")
    endpoint = base if "/api/3/action/" in base else f"{base}/api/3/action/package_search"
    rows = int(opts.get("rows", DEFAULT_ROWS))
    params: dict[str, Any] = {"rows": rows, "sort": opts.get("sort", DEFAULT_SORT)}
    for key in ("q", "fq"):
        if opts.get(key):
            params[key] = opts[key]
    start, count = 0, None
    with http.session(source) as session, progress_bar(desc=f"{source.name}: packages", unit="package") as bar:
        while count is None or start < count:
            result = _get_json(source, session, endpoint, {**params, "start": start})
            if count is None:
                count = result["count"]
                bar.reset(total=count)
            page = result["results"]
            if not page:  # the portal has fewer records than it said; stop rather than loop forever
                break
            for i, package in enumerate(page, start=start + 1):
                yield i, package
            bar.update(len(page))
            start += len(page)  # a portal may cap rows below what was asked
    if count is not None and start < count:
        _short_answer(source, count, start, endpoint)


def _get_json(source: Source, session: requests.Session, endpoint: str, params: dict[str, Any]) -> dict:
    """Return one page's `result`; the shared HTTP policy (dashboard.ingest.http) retries timeouts, connection
    errors, 429 and 5xx, and names the URL of a page that still fails."""
    url = http.full_url(endpoint, params)
    body = http.get_json(source, endpoint, params, http=session)
    if not isinstance(body, dict) or body.get("success") is not True:
        error = body.get("error") if isinstance(body, dict) else body
        raise source.error("package_search answered success: false", file=url, value=error)
    result = body.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("count"), int) \
            or not isinstance(result.get("results"), list):
        raise source.error("package_search answer lacks result.count and result.results", file=url)
    return result


# -- JSON Lines dumps ---------------------------------------------------------------------------


def _dump_records(source: Source, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, package) from a .jsonl or .jsonl.gz dump, one line at a time; a .json file
    holding `packages`, `result.results` or a list is read whole."""
    path = existing_file(source, path, "catalogue dump")
    if path.suffix.lower() == ".json":
        yield from _json_document(source, path)
        return
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    line = 0
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for line, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    package = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise source.error(f"not valid JSON: {exc.msg}", file=path, row=line) from None
                if not isinstance(package, dict):
                    raise source.error("a line must hold one JSON object (a package)", file=path, row=line)
                yield line, package
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise source.error(f"the gzip stream is damaged or truncated after line {line} ({exc})", file=path,
                           row=line + 1) from None
    except UnicodeDecodeError as exc:
        raise source.error(f"not UTF-8 text ({exc.reason})", file=path, row=line + 1) from None


def _json_document(source: Source, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise source.error(f"not valid JSON: {exc.msg}", file=path, row=exc.lineno) from None
    count = None
    if isinstance(doc, dict):
        result = doc.get("result") if isinstance(doc.get("result"), dict) else {}
        count = result.get("count") if "packages" not in doc else None
        doc = doc.get("packages") or result.get("results")
    if not isinstance(doc, list):
        raise source.error("expected a list of packages, or an object with `packages` or `result.results`",
                           file=path)
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise source.error("result.count of a package_search answer must be a whole number", file=path,
                           column="count", value=count)
    if count is not None and count > len(doc):
        _short_answer(source, count, len(doc), path)
    for i, package in enumerate(doc, start=1):
        if not isinstance(package, dict):
            raise source.error("a package must be a JSON object", file=path, row=i)
        yield i, package


def _short_answer(source: Source, count: int, read: int, where: Any) -> None:
    """Stop at a package_search answer that holds fewer records than its `count`, unless the source accepts it;
    then record the shortfall for the manifest (Source.notes)."""
    if source.options.get("accept_partial") is not True:
        raise source.error(
            f"the package_search answer says count {count} but holds {read} records ({count - read} missing): "
            f"page through it with `start` (or give the url), or set accept_partial = true to load only these",
            file=where, column="count", value=count)
    source.notes[PARTIAL_ANSWER] = {"count": count, "read": read, "missing": count - read}


# -- one record -> one row -----------------------------------------------------------------------


def _dataset_row(source: Source, where: Any, n: int, pkg: dict[str, Any], portal: str, jurisdiction_id: str,
                 language: str, organizations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def stamp(column: str) -> dt.datetime | None:
        return parse_timestamp(pkg.get(column), source=source, file=where, row=n, column=column)

    dataset_id = pkg.get("id") or pkg.get("package_id")
    if not dataset_id:
        raise source.error("the package has no id", file=where, row=n, column="id", value=pkg.get("name"))
    org = pkg.get("organization") if isinstance(pkg.get("organization"), dict) else {}
    if not org and pkg.get("owner_org"):
        # The record names its publisher only by id: the portal's organization list names it, else the id stays.
        owner = str(pkg["owner_org"]).strip()
        org = organizations.get(owner.lower()) or {"name": owner}
    # The flattened export (package_name beside it) puts the organisation's name in `name`.
    org_name = org.get("name") or pkg.get("organization_name") or (pkg.get("name") if "package_name" in pkg
                                                                    else None)
    org_titles = org.get("title_translated") if isinstance(org.get("title_translated"), dict) else {}
    org_en, org_fr = org_titles.get("en"), org_titles.get("fr")
    if not (org_en or org_fr):
        org_en, org_fr = _bilingual(org.get("title") or pkg.get("organization_title"), language)
    translated = pkg.get("title_translated") if isinstance(pkg.get("title_translated"), dict) else {}
    title_en, title_fr = translated.get("en"), translated.get("fr")
    if not (title_en or title_fr) and pkg.get("title_fra"):
        # open.canada.ca's legacy records: `title` in English beside `title_fra`.
        title_en, title_fr = pkg.get("title"), pkg.get("title_fra")
    if not (title_en or title_fr):
        title_en, title_fr = _bilingual(pkg.get("title"), language, split=False)
    created, modified = stamp("metadata_created"), stamp("metadata_modified")
    published, basis = releases.release_date(stamp("date_published"), created)
    resources = pkg.get("resources") if isinstance(pkg.get("resources"), list) else []
    formats = sorted({str(r.get("format")).strip().upper() for r in resources
                      if isinstance(r, dict) and str(r.get("format") or "").strip()})
    num_resources = pkg.get("num_resources")
    return {
        "dataset_id": str(dataset_id), "portal": portal, "jurisdiction_id": jurisdiction_id,
        "portal_jurisdiction": pkg.get("jurisdiction") or None,
        "organization": org_name or None, "organization_title_en": org_en, "organization_title_fr": org_fr,
        "title_en": title_en or None, "title_fr": title_fr or None,
        "published": published, "published_basis": basis,
        "created": created, "modified": modified,
        "licence": pkg.get("license_id") or None,
        "formats": formats,
        "num_resources": num_resources if num_resources is not None else len(resources),
        "frequency": pkg.get("frequency") or None,
        "commitment_id": None,
        "source": source.name, "synthetic": False, "_row": n,
    }


def _organizations(source: Source, portal: str) -> dict[str, dict[str, Any]]:
    """Return the portal's organization list by lowercased id and name: option `organizations` (a JSON Lines file
    of organization records, or an organization_list answer), else the list bundled for the portal, else none."""
    option = source.options.get("organizations")
    if option:
        path = Path(option)
        if not path.is_absolute() and source.path is not None:
            path = Path(source.path).parent / path
        path = existing_file(source, path, "organization list")
    elif portal in PORTAL_ORGANIZATIONS:
        path = ORGANIZATION_LISTS / PORTAL_ORGANIZATIONS[portal]
    else:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for n, org in _organization_records(source, path):
        if not isinstance(org, dict) or not (org.get("id") or org.get("name")):
            raise source.error("an organization needs an id or a name", file=path, row=n, column="organizations")
        for key in (org.get("id"), org.get("name")):
            if key:
                found[str(key).strip().lower()] = org
    return found


def _organization_records(source: Source, path: Path) -> Iterator[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None  # JSON Lines: one organization per line
    if doc is not None:
        if isinstance(doc, dict):
            doc = doc.get("result") if "result" in doc else [doc]  # an organization_list answer, or one line
        if not isinstance(doc, list):
            raise source.error("expected JSON Lines of organizations, a list, or an organization_list answer",
                               file=path, column="organizations")
        yield from enumerate(doc, start=1)
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise source.error(f"not valid JSON: {exc.msg}", file=path, row=n, column="organizations") from None


def _bilingual(text: Any, language: str, *, split: bool = True) -> tuple[str | None, str | None]:
    """Split open.canada.ca's "English | Français" titles; other text goes to the portal's language."""
    if not text:
        return None, None
    text = str(text).strip()
    if split and " | " in text:
        en, fr = text.split(" | ", 1)
        return en.strip() or None, fr.strip() or None
    return (text, None) if language == "en" else (None, text)
