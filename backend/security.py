"""Headers every answer carries, and which web origins may call the APIs from a browser.

* On every response (APIs, ``/openapi.json``, ``/docs`` and its assets, ``/media``,
  ``/healthz``, the portal, the console, every error page and envelope, 404, 405, 413):
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
  ``Content-Security-Policy`` holding ``frame-ancestors 'none'`` (added to the portal's
  and the console's own policy, never replacing it; elsewhere a policy of only that
  directive, which restricts nothing else, so Swagger UI keeps working),
  ``Referrer-Policy: same-origin`` (unless a blueprint set one), and in production
  ``Strict-Transport-Security`` (``HSTS_MAX_AGE``, 0: not sent).
* CORS (flask-cors) for the bearer-token APIs only, for the exact origins of
  ``CORS_ORIGINS``; with none configured no answer carries
  ``Access-Control-Allow-Origin``. The console is same-origin with cookies: never.

One ``after_request`` for the whole app: the blueprints' own run before it.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request
from flask_cors import CORS

#: The APIs a web page of another origin may call (URL prefixes, as the plugins mount them).
API_PREFIXES = ("/mobile/v1/", "/public/v1/", "/staff/v1/", "/moderation/v1/")
#: Request headers a browser may send cross-origin to them.
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "Accept-Language", "Idempotency-Key")
#: Response headers a page may read.
CORS_EXPOSED_HEADERS = ("Retry-After", "ETag", "Location", "Idempotent-Replayed")
#: How long a browser may keep a preflight answer (seconds).
CORS_MAX_AGE = 600
FRAME_ANCESTORS = "frame-ancestors 'none'"


def page_policy() -> str:
    """The Content-Security-Policy of the server-rendered pages (the portal and the staff
    console): this server only, plus the map's tile server when one is configured."""
    tiles = current_app.config.get("MAP_TILE_URL") or ""
    tile_origin = "/".join(tiles.split("/")[:3]).replace("{s}.", "*.") if tiles else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src 'self' data: {tile_origin}".strip(),
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            FRAME_ANCESTORS,
        ]
    )


def _with_frame_ancestors(policy: str | None) -> str:
    if not policy:
        return FRAME_ANCESTORS
    if "frame-ancestors" in policy:
        return policy  # a blueprint's own choice, kept as it is
    return f"{policy.rstrip().rstrip(';')}; {FRAME_ANCESTORS}"


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = _with_frame_ancestors(
        headers.get("Content-Security-Policy")
    )
    headers.setdefault("Referrer-Policy", "same-origin")
    config = current_app.config
    max_age = config.get("HSTS_MAX_AGE") or 0
    if config.get("APP_ENV") == "production" and max_age > 0:
        headers["Strict-Transport-Security"] = f"max-age={max_age}; includeSubDomains"
    return response


def _cors(app: Flask) -> None:
    origins = list(app.config.get("CORS_ORIGINS") or ())
    if not origins:
        return  # no cross-origin caller at all: flask-cors is not installed
    options = {
        "origins": origins,
        "allow_headers": list(CORS_REQUEST_HEADERS),
        "expose_headers": list(CORS_EXPOSED_HEADERS),
        "methods": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        "supports_credentials": False,  # bearer tokens, never cookies
        "max_age": CORS_MAX_AGE,
        "vary_header": True,
    }
    CORS(app, resources={rf"^{re.escape(prefix)}.*": options for prefix in API_PREFIXES})
    app.after_request(_vary_on_origin)


def _vary_on_origin(response: Response) -> Response:
    # An API answer depends on Origin (listed or not) even with one origin configured,
    # where flask-cors leaves Vary alone: a cache must not hand one origin's to another.
    if request.path.startswith(API_PREFIXES):
        response.vary.add("Origin")
    return response


def init_app(app: Flask) -> None:
    """Call once the config is loaded (the CORS origins are read then)."""
    _cors(app)
    app.after_request(secure_headers)
