"""HTTP concerns around the Dash app: health endpoint, security headers, compression, request limits."""

from __future__ import annotations

import datetime as dt
import os
import socket

from flask import Flask, jsonify

from dashboard import data

MAX_REQUEST_BYTES = int(os.environ.get("OGDASH_MAX_REQUEST_BYTES", str(1 << 20)))


def install(server: Flask) -> None:
    """Add the health endpoint, security headers, compression and request size limit to `server`."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.get("/healthz")
    def healthz():
        instance = os.environ.get("OGDASH_INSTANCE", socket.gethostname())
        try:
            snap = data.current_snapshot()
        except data.NoSnapshot as exc:
            return jsonify(status="unavailable", error=str(exc), instance=instance), 503
        age = dt.datetime.now(dt.timezone.utc) - snap.created_at
        return jsonify(
            status="ok",
            snapshot_id=snap.id,
            snapshot_created_at=snap.manifest["created_at"],
            snapshot_age_seconds=int(age.total_seconds()),
            refused_snapshots=sorted(data.refused_snapshots()),
            instance=instance,
            pid=os.getpid(),
        )

    @server.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        # Dash renders with inline scripts for its config and uses eval-free bundles; plotly needs
        # blob: workers and data: images for exports. Nothing is loaded from other origins.
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        return response

    try:
        from flask_compress import Compress

        Compress(server)
    except ImportError:  # compression is an optimisation; serving works without it
        pass
