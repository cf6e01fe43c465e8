"""HTTP concerns around the Dash app: health endpoint, security headers, compression, request limits,
and a check that a callback request has the shape Dash's own front end sends."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Iterable

from dash._pages import _path_to_page
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, jsonify, request

from dashboard import config, data, state as state_mod

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = config.max_request_bytes()
# The Server header of every response, from the development server, gunicorn and waitress alike: no software
# name or version to look up advisories by.
SERVER_HEADER = "ogdash"

# dcc.Location (and every link) carries these as strings; Dash's own page router assumes so.
_STRING_PROPS = frozenset({"pathname", "search", "href", "hash"})
_WILDCARDS = ("MATCH", "ALL", "ALLSMALLER")


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """Return the Content-Security-Policy: nothing from other origins, and no inline script but Dash's own.

    Dash writes a few inline scripts (its renderer and the clientside callbacks); they are allowed by
    hash (`Dash.csp_hashes()`), not by 'unsafe-inline'. Styles keep 'unsafe-inline' because Dash's
    renderer, dcc and plotly.js insert <style> elements and style attributes at run time. Images allow
    data:/blob: for plotly's PNG/SVG export, which draws the chart through an <img>.
    """
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def install(server: Flask, dash_app=None) -> None:
    """Add the health endpoint, security headers, compression, request size limit and callback checks."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.get("/healthz")
    def healthz():
        instance = config.instance() or socket.gethostname()
        try:
            snap = data.current_snapshot()
            age = dt.datetime.now(dt.timezone.utc) - snap.created_at
        except Exception as exc:  # never a 500: a monitor needs a truthful answer, not a traceback
            if not isinstance(exc, data.NoSnapshot):
                log.exception("health check failed")
            # No path in the answer: where the data lives is the operator's business (the log has it).
            return jsonify(status="unavailable", error="no snapshot verifies",
                           refused_snapshots=sorted(data.refused_snapshots()), instance=instance), 503
        return jsonify(
            status="ok",
            snapshot_id=snap.id,
            snapshot_created_at=snap.manifest["created_at"],
            snapshot_age_seconds=int(age.total_seconds()),
            refused_snapshots=sorted(data.refused_snapshots()),
            instance=instance,
            pid=os.getpid(),
        )

    @server.before_request
    def refuse_oversize():
        # Werkzeug only enforces MAX_CONTENT_LENGTH when a view reads the body; refuse before any view runs.
        if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
            abort(413)
        # A chunked body has no length to check, and under gunicorn Werkzeug would hand the view an
        # empty stream; browsers always send a length, so ask for one.
        if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            abort(411)

    if dash_app is not None:
        _check_callback_requests(server, dash_app)
        _serve_partial_plotly(server, dash_app)
        _preload_plotly(dash_app)
        _unknown_pages_answer_404(server, dash_app)

    @server.errorhandler(DependencyException)
    def unknown_component_file(exc):
        # Dash raises this for a /_dash-component-suites/ path it does not serve: a 404, not a 500.
        return jsonify(error="not found"), 404

    script_hashes: list[str] = []

    @server.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if dash_app is not None and not script_hashes:
            # Once, after Dash's own first-request setup: csp_hashes() also collects the clientside
            # scripts still in Dash's globals, which in a process with several apps belong to another.
            script_hashes.extend(dash_app.csp_hashes())
        headers.setdefault("Content-Security-Policy", content_security_policy(script_hashes))
        return response

    try:
        from flask_compress import Compress

        # Callback responses are compressed on every request, on the worker's CPU: gzip level 1 costs a
        # third of level 6 for a few % more bytes (static files are compressed once and kept, below).
        server.config.setdefault("COMPRESS_LEVEL", 1)
        server.config.setdefault("COMPRESS_CACHE_KEY", _static_cache_key)
        server.config.setdefault("COMPRESS_CACHE_BACKEND", StaticCompressionCache)
        Compress(server)
    except ImportError:  # compression is an optimisation; serving works without it
        pass


# The files a first visit fetches (Dash's scripts, plotly.js, the stylesheets) never change while a
# process runs, yet were compressed again for every visitor: plotly.js alone took about 260 ms of a
# worker's CPU each time. Their compressed bodies are kept, per algorithm; nothing else is.
_STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
_NOT_KEPT = "-"


def _static_cache_key(request) -> str:
    if request.method == "GET" and request.path.startswith(_STATIC_PREFIXES):
        return "static:" + request.full_path
    return _NOT_KEPT


class StaticCompressionCache:
    """A bounded store of compressed static files for flask-compress; every other response passes through."""

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._items: dict[str, bytes] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";" + _NOT_KEPT) else self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";" + _NOT_KEPT) or not isinstance(value, (bytes, bytearray)):
            return
        with self._lock:
            if key in self._items or self._bytes + len(value) > self.max_bytes:
                return
            self._items[key] = bytes(value)
            self._bytes += len(value)


# The plotly.js every page loads: plotly.js at the version the plotly package ships, with only the trace types
# the figures draw (scatter, bar, heatmap), built by scripts/build-plotly; its licences are beside it.
PLOTLY_BUNDLE = Path(__file__).resolve().parent / "static" / "plotly-ogdash.min.js"
PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
# Its address carries no fingerprint (Dash's renderer asks for this one), so a browser keeps it a day, then
# asks again with its ETag (a 304 when unchanged); it changes only when the plotly package does.
PLOTLY_MAX_AGE = 86400


def _serve_partial_plotly(server: Flask, dash_app) -> None:
    """Serve the partial plotly.js bundle where Dash serves the full one.

    dcc.Graph loads plotly.js from the URL Dash's renderer gives it (`_dash-component-suites/plotly/package_data/
    plotly.min.js`, fetched once the first chart mounts); the full bundle is 4.8 MB (1.44 MB compressed), most of
    it trace types these pages never draw. Answering that URL with the partial bundle (1.2 MB, about 0.4 MB
    compressed) keeps Dash's loading as it is, the preload hint included.
    """
    path = dash_app.config.requests_pathname_prefix + PLOTLY_PATH
    body = PLOTLY_BUNDLE.read_bytes()
    etag = hashlib.sha256(body).hexdigest()[:32]

    @server.before_request
    def partial_plotly():
        if request.path != path or request.method not in ("GET", "HEAD"):
            return None
        response = Response(body, mimetype="text/javascript")
        response.set_etag(etag)
        response.cache_control.public = True
        response.cache_control.max_age = PLOTLY_MAX_AGE
        return response.make_conditional(request)


def _preload_plotly(dash_app) -> None:
    """Start fetching plotly.js with the page's other scripts.

    Every page has charts, and Dash fetches plotly.js (the largest file by far) only once a chart is
    mounted, then holds the page's first callbacks until it has run; a preload hint moves its download
    from after the first layout to the start of the visit.
    """
    interpolate = dash_app.interpolate_index
    plotly_js = dash_app.config.requests_pathname_prefix + "_dash-component-suites/plotly/package_data/plotly.min.js"

    def interpolate_index(**kwargs) -> str:
        return interpolate(**kwargs).replace("</head>", f'<link rel="preload" href="{plotly_js}" as="script">\n</head>', 1)

    dash_app.interpolate_index = interpolate_index


def _unknown_pages_answer_404(server: Flask, dash_app) -> None:
    """Answer 404 for an address no page has (/api, /nope), with the app's own not-found page as the body.

    Dash serves its index for every path and lets its page router show the not-found page in the browser,
    so the status would be 200. The decision uses the router's own matching (dash._pages._path_to_page),
    so the status and the page shown agree; Dash's routes, the assets and the app's other routes are
    matched by Flask before the catch-all and are not touched.
    """
    catch_all = dash_app.config.routes_pathname_prefix + "<path:path>"

    index = dash_app.config.routes_pathname_prefix

    @server.after_request
    def not_found_status(response):
        if request.endpoint in (catch_all, index) and response.status_code == 200:
            page, _variables = _path_to_page(dash_app.strip_relative_path(request.path))
            if not page or str(page.get("module", "")).endswith("not_found_404") or absent_snapshot(request.args):
                response.status_code = 404
        return response


def absent_snapshot(args) -> str | None:
    """Return the snapshot a URL's query names (`snapshot` or `base`) that is well formed but not published, or None.

    A page or download that names one answers 404 (the page itself falls back to the served snapshot).
    """
    named = [v for v in (state_mod.snapshot_id(args.get(key)) for key in ("snapshot", "base")) if v]
    if not named:
        return None
    published = data.available_snapshots()
    return next((v for v in named if v not in published), None)


# ---------------------------------------------------------------- callback requests

def _check_callback_requests(server: Flask, dash_app) -> None:
    """Answer 400 to a callback request that Dash's front end could not have sent.

    Dash assumes the request is well formed: an unknown output, a list for a body, or a list where
    a URL string belongs raises inside Dash and would be a 500. The check is structural (names, ids,
    properties, and string-valued URL props); values stay the callbacks' business.
    """
    endpoint = dash_app.config.requests_pathname_prefix.rstrip("/") + "/_dash-update-component"
    if not endpoint.startswith("/"):
        endpoint = "/" + endpoint

    @server.before_request
    def well_formed_callback():
        if request.method != "POST" or request.path != endpoint:
            return None
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError):
            return _bad("the body is not JSON")
        problem = callback_problem(body, dash_app.callback_map, prefix=dash_app.config.requests_pathname_prefix)
        if problem:
            return _bad(problem)
        return None


def _bad(reason: str):
    log.info("refused callback request: %s", reason)
    return jsonify(error="bad callback request", reason=reason[:200]), 400


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def declared_outputs(output: str) -> list[tuple[Any, str]]:
    """Return the (id, property) pairs a callback's output string names (pattern ids as dicts)."""
    parts = output[2:-2].split("...") if output.startswith("..") and output.endswith("..") else [output]
    pairs = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        pairs.append((_parse_id(ident), prop.split("@")[0]))
    return pairs


def _is_multi(output: str) -> bool:
    return output.startswith("..") and output.endswith("..")


def _many(declared_id: Any) -> bool:
    return isinstance(declared_id, dict) and any(v in (["ALL"], ["ALLSMALLER"]) for v in declared_id.values())


def _id_matches(declared: Any, given: Any) -> bool:
    if not isinstance(declared, dict):
        return isinstance(given, str) and given == declared
    if not isinstance(given, dict) or set(given) != set(declared):
        return False
    for key, want in declared.items():
        value = given[key]
        if isinstance(want, list) and len(want) == 1 and want[0] in _WILDCARDS:
            if not isinstance(value, (str, int, float, bool)):
                return False
        elif value != want:
            return False
    return True


def _item_problem(declared_id: Any, prop: str, item: Any, where: str, *, with_value: bool,
                  prefix: str = "/") -> str | None:
    items = item if _many(declared_id) else [item]
    if _many(declared_id) and not isinstance(item, list):
        return f"{where}: expected a list for a pattern id"
    for one in items:
        if not isinstance(one, dict):
            return f"{where}: expected an object"
        if not _id_matches(declared_id, one.get("id")):
            return f"{where}: id does not match the callback"
        if not isinstance(one.get("property"), str) or one["property"].split("@")[0] != prop:
            return f"{where}: property does not match the callback"
        value = one.get("value")
        if with_value and prop in _STRING_PROPS and not isinstance(value, str):
            # A browser always has a path; the others may be empty but are never another type.
            if prop == "pathname" or value is not None:
                return f"{where}: {prop} must be a string"
        if with_value and prop == "pathname" and not value.startswith(prefix):
            return f"{where}: pathname must start with {prefix}"
    return None


def callback_problem(body: Any, callback_map: dict, *, prefix: str = "/") -> str | None:
    """Return why `body` is not a callback request Dash's front end would send for this app, or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "no callback has this output"
    spec = callback_map[output]
    if "callback" not in spec:
        return "this callback runs in the browser"
    if not spec.get("no_output"):
        declared = declared_outputs(output)
        given = body.get("outputs")
        if _is_multi(output):
            if not isinstance(given, list) or len(given) != len(declared):
                return "outputs do not match the callback"
        else:
            given = [given]
        for i, ((ident, prop), item) in enumerate(zip(declared, given)):
            problem = _item_problem(ident, prop, item, f"outputs[{i}]", with_value=False)
            if problem:
                return problem
    for key in ("inputs", "state"):
        declared = spec.get(key) or []
        given = body.get(key, [] if key == "state" else None)
        if not isinstance(given, list) or len(given) != len(declared):
            return f"{key} do not match the callback"
        for i, (dep, item) in enumerate(zip(declared, given)):
            problem = _item_problem(_parse_id(dep["id"]), dep["property"], item, f"{key}[{i}]", with_value=True,
                                    prefix=prefix)
            if problem:
                return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of strings"
    return None
