"""The one HTTP policy of every connector: timeouts, retries with backoff, a size limit, and a record of each download.

Retries are urllib3's `Retry` mounted on a requests session: timeouts, connection errors, HTTP 429
and the transient 5xx answers are tried again, after a pause that doubles (the first retry is
immediate, as urllib3 does it) or after the server's `Retry-After`. Every body is streamed, counted
against a size limit and hashed; each one is appended to `source.fetched` (url, sha256, bytes,
last_modified, retrieved_at) for the snapshot's manifest.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from dashboard import __version__
from dashboard.ingest.common import Source

USER_AGENT = f"ogdash/{__version__} (Open Government Monitor; python-requests/{requests.__version__})"

# Defaults of the options every URL source takes (docs/sources.md, "Reading over HTTP").
DEFAULT_TIMEOUT = 30.0  # seconds to connect, and seconds of silence while reading
DEFAULT_RETRIES = 3  # tries after the first
DEFAULT_BACKOFF = 0.5  # seconds: the pause before the n-th retry is backoff * 2 ** (n - 1), the first immediate
DEFAULT_MAX_MB = 200  # megabytes (10**6 bytes) one answer may hold
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_MAX = 120  # seconds: a longer Retry-After is waited this long, then the request is tried again

CHUNK = 64 * 1024
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


@dataclass(frozen=True)
class Policy:
    """One source's HTTP settings, read from its options."""

    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_bytes: int = DEFAULT_MAX_MB * 10**6

    @property
    def tries(self) -> int:
        return self.retries + 1


def policy(source: Source) -> Policy:
    """Return the source's HTTP settings (options timeout, retries, backoff, max_mb); raise IngestError on a bad one."""
    opts = source.options

    def number(name: str, default: float, *, whole: bool = False, positive: bool = False) -> float:
        value = opts.get(name, default)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        ok = ok and (not whole or float(value).is_integer()) and (not positive or value > 0)
        if not ok:
            kind = "a whole number" if whole else "a number"
            raise source.error(f"option {name} must be {kind} {'> 0' if positive else '>= 0'}", column=name,
                               value=value)
        return value

    return Policy(timeout=float(number("timeout", DEFAULT_TIMEOUT, positive=True)),
                  retries=int(number("retries", DEFAULT_RETRIES, whole=True)),
                  backoff=float(number("backoff", DEFAULT_BACKOFF)),
                  max_bytes=int(number("max_mb", DEFAULT_MAX_MB, positive=True) * 10**6))


class _Retry(Retry):
    """urllib3's Retry with the server's Retry-After capped at RETRY_AFTER_MAX seconds, whatever urllib3's version."""

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), RETRY_AFTER_MAX)


def session(source: Source) -> requests.Session:
    """Return a requests session that applies the source's retry policy and sends the project's User-Agent."""
    rules = policy(source)
    retry = _Retry(total=None, connect=rules.retries, read=rules.retries, status=rules.retries, other=0,
                   redirect=10, allowed_methods=frozenset({"GET", "HEAD"}), status_forcelist=RETRY_STATUS,
                   backoff_factor=rules.backoff, respect_retry_after_header=True, raise_on_status=False)
    http = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    http.headers["User-Agent"] = USER_AGENT
    return http


def full_url(url: str, params: dict[str, Any] | None = None) -> str:
    """Return `url` with `params` encoded into it, as the request sends it."""
    return requests.Request("GET", url, params=params or {}).prepare().url or url


def download(source: Source, url: str, folder: Path, *, what: str = "file",
             http: requests.Session | None = None) -> Path:
    """Stream `url` into a new file in `folder` named after the URL's last segment, and return its path.

    Raises IngestError naming the source and URL for an HTTP error, an HTML page where `what` was
    expected, a body over the size limit, or a download cut short.
    """
    name = Path(unquote(urlsplit(url).path)).name or "download"
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    try:
        with open(target, "wb") as sink:
            _fetch(source, url, None, sink, what=what, http=http)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def get_json(source: Source, url: str, params: dict[str, Any] | None = None, *,
             http: requests.Session | None = None) -> Any:
    """Return the decoded JSON answer of `url` with `params`; raise IngestError as download() does, or for non-JSON."""
    buffer = io.BytesIO()
    _fetch(source, url, params, buffer, what="JSON", http=http)
    body = buffer.getvalue()
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise source.error("the answer is not JSON", file=full_url(url, params),
                           value=body[:200].decode("utf-8", "replace")) from None


def _fetch(source: Source, url: str, params: dict[str, Any] | None, sink: BinaryIO, *, what: str,
           http: requests.Session | None) -> None:
    rules = policy(source)
    where = full_url(url, params)
    if urlsplit(where).scheme not in ("http", "https"):
        raise source.error("not a web address (expected http:// or https://)", file=where, column="url", value=url)
    own = http is None
    http = http or session(source)
    try:
        try:
            response = http.get(url, params=params, timeout=(rules.timeout, rules.timeout), stream=True)
        except requests.RequestException as exc:
            raise source.error(_failure(exc, rules), file=where) from None
        with response:
            _check_answer(source, response, where, what, rules)
            digest, size = hashlib.sha256(), 0
            try:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > rules.max_bytes:
                        raise source.error(f"the answer is larger than the limit of {_mb(rules.max_bytes)} "
                                           f"(option max_mb)", file=where)
                    if size == len(chunk):
                        _refuse_html(source, chunk, response, where, what)
                    digest.update(chunk)
                    sink.write(chunk)
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                raise source.error(_cut_short(exc, response, size, rules), file=where) from None
            except requests.RequestException as exc:  # e.g. a gzip-encoded body that does not decode
                raise source.error(f"the download failed after {size:,} bytes: {exc}", file=where) from None
            expected = _content_length(response)
            if expected is not None and _identity(response) and size != expected:
                raise source.error(f"the download was cut short: {size:,} of the {expected:,} bytes its "
                                   f"Content-Length announced arrived", file=where)
    finally:
        if own:
            http.close()
    source.fetched.append({
        "url": where, "sha256": digest.hexdigest(), "bytes": size,
        "last_modified": _http_date(response.headers.get("Last-Modified")),
        "retrieved_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    })


def _check_answer(source: Source, response: requests.Response, where: str, what: str, rules: Policy) -> None:
    """Refuse an HTTP error, an announced HTML page and an announced oversize body before reading it."""
    status = response.status_code
    if status != 200:
        why = f"HTTP {status} {response.reason or ''}".strip()
        if status in RETRY_STATUS:
            why += f" after {rules.tries} tries"
        raise source.error(why, file=where, value=_error_body(response))
    content_type = response.headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        start = response.raw.read(200, decode_content=True) if response.raw else b""
        raise source.error(_html_why(what, content_type), file=where, value=start.decode("utf-8", "replace"))
    expected = _content_length(response)
    if expected is not None and _identity(response) and expected > rules.max_bytes:
        raise source.error(f"the answer is {_mb(expected)}, larger than the limit of {_mb(rules.max_bytes)} "
                           f"(option max_mb)", file=where)


def _refuse_html(source: Source, first: bytes, response: requests.Response, where: str, what: str) -> None:
    """An HTML page sent under another content type (a portal's error or sign-in page) is refused too."""
    start = first.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if what != "HTML" and start.startswith(_HTML_STARTS):
        raise source.error(_html_why(what, response.headers.get("Content-Type", "")), file=where,
                           value=first[:200].decode("utf-8", "replace"))


def _html_why(what: str, content_type: str) -> str:
    return (f"the answer is not {what} but an HTML page (content type {content_type or 'not given'!r}): "
            f"an error, maintenance or sign-in page served in its place?")


def _error_body(response: requests.Response) -> Any:
    """The server's own account of a failed request: a JSON `error` object (CKAN's), else the start of the body."""
    try:
        text = response.raw.read(2000, decode_content=True).decode("utf-8", "replace") if response.raw else ""
    except Exception:  # the body of an error is a courtesy; the status says what went wrong
        return None
    try:
        body = json.loads(text)
    except ValueError:
        return text[:200] or None
    return body.get("error", body) if isinstance(body, dict) else body


def _failure(exc: requests.RequestException, rules: Policy) -> str:
    """Say what went wrong with a request that got no answer, after the retries."""
    reason = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else exc
    if isinstance(reason, NewConnectionError):  # urllib3 makes it a kind of ConnectTimeoutError
        return f"connection failed ({type(reason).__name__}) after {rules.tries} tries"
    if isinstance(exc, requests.Timeout) or isinstance(reason, (ReadTimeoutError, ConnectTimeoutError)):
        return f"no answer within {rules.timeout:g} s after {rules.tries} tries"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"the secure connection failed ({reason})"
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return f"not a usable web address ({exc})"
    if isinstance(exc, requests.ConnectionError):
        return f"connection failed ({type(reason).__name__}) after {rules.tries} tries"
    return f"the request failed: {exc}"


def _cut_short(exc: Exception, response: requests.Response, size: int, rules: Policy) -> str:
    expected = _content_length(response)
    if any(isinstance(a, ReadTimeoutError) for a in _chain(exc)):
        return f"the download stalled: no data for {rules.timeout:g} s after {size:,} bytes"
    received = max(size, response.raw.tell() if response.raw else 0)  # bytes off the wire, before decoding
    if expected is not None:
        return (f"the download was cut short: the connection closed after {received:,} of the {expected:,} "
                f"bytes its Content-Length announced arrived")
    return f"the download was cut short: the connection closed after {received:,} bytes, before the body's end"


def _chain(exc: BaseException) -> list[Any]:
    seen, todo = [], [exc]
    while todo:
        e = todo.pop()
        seen.append(e)
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        if getattr(e, "reason", None) is not None:
            todo.append(e.reason)
    return seen


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length", "")
    return int(value) if value.strip().isdigit() else None


def _identity(response: requests.Response) -> bool:
    """True when the body is sent as it is, so its decoded size must equal Content-Length."""
    return response.headers.get("Content-Encoding", "identity").strip().lower() in ("", "identity")


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _mb(n: int) -> str:
    return f"{n / 10**6:,.3g} MB"

