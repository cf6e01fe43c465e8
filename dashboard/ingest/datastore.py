"""Every record of a CKAN DataStore table, read page by page through its datastore_search API."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from dashboard.console import progress_bar
from dashboard.ingest import http
from dashboard.ingest.common import Source

DEFAULT_PAGE = 1000  # records asked per page when the address gives no `limit` (CKAN's own default is 100)
# _id is the DataStore's insertion order: new records arriving while we page land after the ones read.
DEFAULT_SORT = "_id"


def is_datastore_url(value: Any) -> bool:
    """True for an http(s) address of a datastore_search action."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and parts.path.rstrip("/").endswith("/datastore_search")


def records(source: Source, url: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (record number, record) for every record the address selects, paging with limit and offset until
    `result.total` records have come; raise IngestError naming the address when the answer is short or wrong.

    The address keeps its own parameters (`resource_id`, and `filters`, `q`, `sort`, `limit` if given).
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not query.get("resource_id"):
        raise source.error("a datastore_search address needs ?resource_id=...", column="status", value=url)
    endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    limit = _whole(source, query.get("limit", DEFAULT_PAGE), "limit", url)
    offset = _whole(source, query.get("offset", 0), "offset", url)
    query.setdefault("sort", DEFAULT_SORT)
    n, total, estimated = 0, None, False
    with http.session(source) as session, progress_bar(desc=f"{source.name}: records", unit="record") as bar:
        while total is None or n < total:
            params = {**query, "limit": limit, "offset": offset}
            result = _page(source, endpoint, params, session)
            if total is None:
                total, estimated = result["total"], bool(result.get("total_was_estimated"))
                bar.reset(total=total)
            page = result["records"]
            if not page:
                break
            for rec in page:
                n += 1
                if not isinstance(rec, dict):
                    raise source.error("a record must be a JSON object", file=url, row=n, value=rec)
                yield n, rec
            bar.update(len(page))
            offset += len(page)  # a server may cap limit below what was asked: follow what came
    if n < total and not estimated:
        raise source.error(f"datastore_search said total {total} but its pages ran out after {n} records",
                           file=url, column="total", value=total)


def _page(source: Source, endpoint: str, params: dict[str, Any], session) -> dict[str, Any]:
    where = http.full_url(endpoint, params)
    body = http.get_json(source, endpoint, params, http=session)
    if not isinstance(body, dict) or body.get("success") is not True:
        error = body.get("error") if isinstance(body, dict) else body
        raise source.error("datastore_search answered success: false", file=where, value=error)
    result = body.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("records"), list) \
            or not isinstance(result.get("total"), int) or isinstance(result.get("total"), bool):
        raise source.error("the datastore_search answer lacks result.records and result.total", file=where)
    return result


def _whole(source: Source, value: Any, name: str, url: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or (name == "limit" and int(text) == 0):
        raise source.error(f"the address's {name} must be a whole number{' > 0' if name == 'limit' else ''}",
                           column="status", value=url)
    return int(text)
