"""Conditional GET and the shared response cache of public answers (API and portal).

Anonymous public reads of the endpoints :func:`register` names are answered from the
cache (:mod:`backend.cache`): the key, and the strong ``ETag`` made from it, are
computed *before* the view runs, from the generations the answer depends on (the
board's, or the report's and the epoch's), the URL, the language and a time bucket of
``PUBLIC_CACHE_SECONDS`` (figures that depend on the clock, such as working hours left,
never stay longer than that). A matching ``If-None-Match`` is answered 304 without
building anything; a cached body is sent as it was; otherwise the view runs and its
answer is kept if it is a 200 without cookies. Such answers say
``Cache-Control: public, max-age=<PUBLIC_CACHE_SECONDS>, stale-while-revalidate=<...>``
for a CDN in front.

Never shared: a request that is signed in (an ``Authorization`` header or the console's
session cookie), one that changes the language (it sets a cookie), errors, answers that
set a cookie, and every other endpoint. Those keep the private conditional GET: an ETag
of the body and ``Cache-Control: no-cache``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import select

from backend import cache
from backend.db import db
from backend.i18n import current_language
from backend.models import Report

#: A scope: the generations an endpoint's answers depend on, from the view's arguments;
#: None: this request is not cached (e.g. an unknown report: the view answers 404).
Scope = Callable[[dict], list[str] | None]
_HEADER = b"\n"


def board_scope(_view_args: dict) -> list[str]:
    """Lists and figures: anything public may change them."""
    return [cache.BOARD]


_IDS = "phananh_report_ids"  # app.extensions: code -> id (a code never changes owner)


def report_scope(view_args: dict) -> list[str] | None:
    """One report's page: the report (and what hangs off it) and the epoch."""
    code = str(view_args.get("code", ""))
    known: dict[str, int] = current_app.extensions.setdefault(_IDS, {})
    report_id = known.get(code)
    if report_id is None:
        report_id = db.session.scalar(select(Report.id).where(Report.code == code))
        if report_id is None:
            return None  # not exactly this code: the view decides (404, or a folded code)
        if len(known) > 100_000:
            known.clear()
        known[code] = report_id
    return [cache.report_generation(report_id), cache.EPOCH]


def personal() -> bool:
    """Signed in (or about to be given a cookie): never a shared answer."""
    return (
        "Authorization" in request.headers
        or current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies
        or "lang" in request.args
    )


def _max_age() -> int:
    return int(current_app.config.get("PUBLIC_CACHE_SECONDS", 30))


def _key(scope: list[str], tokens: list[str]) -> str:
    bucket = int(time.time() // max(_max_age(), 1))
    args = sorted(request.args.items(multi=True))
    parts = [request.endpoint or "", request.path, repr(args), current_language(), str(bucket)]
    parts += [f"{name}={token}" for name, token in zip(scope, tokens, strict=True)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _public_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = _max_age()
    stale = int(current_app.config.get("PUBLIC_CACHE_STALE_SECONDS", 30))
    if stale:
        response.cache_control.stale_while_revalidate = stale
    response.vary.add("Cookie")  # the language cookie (backend.i18n)
    return response


def _before(scopes: dict[str, Scope]):
    def lookup():
        scope_of = scopes.get(request.endpoint or "")
        if scope_of is None or request.method not in ("GET", "HEAD") or personal():
            return None
        scope = scope_of(request.view_args or {})
        tokens = cache.generations(scope) if scope else None
        if tokens is None:
            return None
        key = _key(scope, tokens)
        g.public_cache_key = key
        if request.if_none_match.contains_weak(key):  # weak comparison (RFC 9110)
            return _public_headers(Response(status=304), key)
        stored = cache.get(key)
        if stored is not None:
            mimetype, _, body = stored.partition(_HEADER)
            g.public_cache_hit = True
            return _public_headers(Response(body, mimetype=mimetype.decode()), key)
        return None

    return lookup


def conditional(response: Response) -> Response:
    """After a public view: keep and label a shareable answer, or the private ETag."""
    if request.method not in ("GET", "HEAD"):
        return response
    key = g.pop("public_cache_key", None)
    if key is not None:
        if g.pop("public_cache_hit", False) or response.status_code == 304:
            return response
        if (
            response.status_code == 200
            and not response.is_streamed
            and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
        ):
            cache.put(key, response.mimetype.encode() + _HEADER + response.get_data())
            return _public_headers(response, key)
    if response.status_code == 200 and not response.is_streamed and not response.direct_passthrough:
        response.cache_control.no_cache = True
        response.add_etag()
        response.make_conditional(request)
    return response


def register(bp: Blueprint, scopes: dict[str, Scope]) -> None:
    """Cache ``bp``'s endpoints named in ``scopes`` (view function names) for the public."""
    named = {f"{bp.name}.{name}": scope for name, scope in scopes.items()}
    bp.before_request(_before(named))
