"""Conditional GET and the shared response cache of public answers (API and portal).

Anonymous public reads of the endpoints :func:`register` names are answered from the
cache (:mod:`backend.cache`) in one lookup (one Redis round trip) *before* the view runs.
A request's *slot* is its endpoint, URL (with its scheme and host) and language; its
answer's *version* is a time bucket and the tokens of the generations it depends on (the
board's for lists; the report's and the epoch's for a report page; the places' for
figures; the places' and withdrawn content's for a unit's page). The strong ``ETag``
is made from both. Lists and report pages have buckets of ``PUBLIC_CACHE_SECONDS``
(figures that depend on the clock, such as working hours left, never stay longer than
that); figures (:data:`FIGURES`: statistics, scoreboards, the provinces' ranking), of
``PUBLIC_FIGURES_SECONDS``, whatever is reported meanwhile. A matching ``If-None-Match``
is answered 304 without building anything; a cached body is sent as it was; when only the
time bucket moved on, the previous answer is sent while one request (in any process)
builds the new one; otherwise the view runs and its answer is kept if it is a 200 without
cookies. Such answers say ``Cache-Control: public, max-age=<seconds>,
stale-while-revalidate=<PUBLIC_CACHE_STALE_SECONDS>`` for a CDN in front.

Never shared: a request that is signed in (an ``Authorization`` header or the console's
session cookie), one that changes the language (it sets a cookie), errors, answers that
set a cookie, and every other endpoint. Those keep the private conditional GET: an ETag
of the body and ``Cache-Control: no-cache``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import select

from backend import cache
from backend.cache_store import Found, State
from backend.db import db
from backend.i18n import current_language
from backend.models import Report

#: A scope: the generations an endpoint's answers depend on, from the view's arguments;
#: None: this request is not cached (e.g. an unknown report: the view answers 404).
Scope = Callable[[dict], list[str] | None]
_HEADER = b"\n"


def board_scope(_view_args: dict) -> list[str]:
    """Lists: anything public may change them."""
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


def figures_scope(_view_args: dict) -> list[str]:
    """Figures (statistics, scoreboards, the provinces' ranking): not every new report's
    (the board generation would never let them be hit at national scale), the places'
    (a unit renamed shows at once), in a time bucket of ``PUBLIC_FIGURES_SECONDS``."""
    return [cache.PLACES]


#: The endpoints whose answers are figures, with their scopes: keyed by them (and
#: ``PUBLIC_FIGURES_SECONDS``) even where a blueprint registers them with :func:`board_scope`.
FIGURES: dict[str, Scope] = {
    "public.stats": figures_scope,
    "public.departments": figures_scope,
    "public.department": figures_scope,
    "public.provinces": figures_scope,
    "portal.scoreboard": figures_scope,
    "portal.ranking": figures_scope,
}


class _Cached(NamedTuple):
    scope: Scope
    seconds: str  # the setting of its max-age and time bucket


def personal() -> bool:
    """Signed in (or about to be given a cookie): never a shared answer."""
    headers, cookies = request.headers, request.cookies
    return (
        "Authorization" in headers
        or (bool(cookies) and current_app.config.get("SESSION_COOKIE_NAME", "session") in cookies)
        or "lang" in request.args
    )


def _name(item: tuple[str, str]) -> str:
    return item[0]


def _slot() -> str:
    """The request's slot: its endpoint, scheme and host, path, arguments and language.

    The host and scheme: answers carry absolute URLs built from them (photos without
    ``PUBLIC_BASE_URL``, ``_external`` links), so a request with a forged ``Host`` never
    fills the slot others read. The arguments are sorted by name only: a name's repeated
    values keep their order (``?from=A&from=B`` is read as A, ``?from=B&from=A`` as B)."""
    args = sorted(request.args.items(multi=True), key=_name) if request.args else ()
    parts = (request.endpoint or "", request.host_url, request.path, repr(args), current_language())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _etag(slot: str, version: str) -> str:
    return hashlib.sha256(f"{slot}|{version}".encode()).hexdigest()[:32]


@lru_cache(maxsize=64)
def _control(seconds: int, stale: int) -> str:
    value = f"public, max-age={seconds}"
    return f"{value}, stale-while-revalidate={stale}" if stale else value


def _cache_control(seconds: int) -> str:
    return _control(seconds, int(current_app.config.get("PUBLIC_CACHE_STALE_SECONDS", 30)))


def _public_headers(response: Response, etag: str, seconds: int) -> Response:
    headers = response.headers
    headers["ETag"] = f'"{etag}"'
    headers["Cache-Control"] = _cache_control(seconds)
    response.vary.add("Cookie")  # the language cookie (backend.i18n)
    return response


def _answer(stored: bytes | None, etag: str, seconds: int) -> Response:
    """A hit (``stored``: the content type and the body) or a 304 (None), headers set once."""
    headers = {"ETag": f'"{etag}"', "Cache-Control": _cache_control(seconds), "Vary": "Cookie"}
    if stored is None:
        return Response(status=304, headers=headers)
    content_type, _, body = stored.partition(_HEADER)
    return Response(body, headers=headers, content_type=content_type.decode())


_FIGURES = "PUBLIC_FIGURES_SECONDS"
#: How often a request waiting for another's build of the same figures looks again.
WAIT_STEP_SECONDS = 0.1


def _one_builder(slot: str, scope: list[str], bucket: int, stale: bool, found: Found) -> Found:
    """Figures with nothing usable kept (a cold cache, a unit renamed): one request builds
    them (it takes the slot's rebuild lock); the others wait for its answer, at most as
    long as the lock lasts, instead of every one of them counting a country's cases at
    once (the rebuild storm). A build that fails releases the lock: a waiter takes it."""
    deadline = time.monotonic() + cache.lock_seconds()
    while True:
        if cache.claim(slot):
            return Found(State.BUILD, found.version, None)
        if time.monotonic() >= deadline:
            return found  # the builder is stuck: build it here too
        time.sleep(WAIT_STEP_SECONDS)
        again = cache.lookup(slot, scope, bucket, stale)
        if again is None or again.state != State.MISS:
            return again  # kept meanwhile (or the previous answer while one rebuilds)


def _matches(etag: str, kept: bool) -> bool:
    """``If-None-Match`` names this answer (weak comparison, RFC 9110). ``*`` matches a
    current representation only: one kept, not a slot whose view has not yet said whether
    there is one (an unknown unit is a 404, not a 304)."""
    tags = request.if_none_match
    return kept if tags.star_tag else tags.contains_weak(etag)


def _before(cached: dict[str, _Cached]):
    def lookup():
        entry = cached.get(request.endpoint or "")
        if entry is None or request.method not in ("GET", "HEAD") or personal():
            return None
        scope = entry.scope(request.view_args or {})
        if not scope:
            return None
        config = current_app.config
        seconds = max(int(config.get(entry.seconds, 30)), 1)
        slot = _slot()
        stale = int(config.get("PUBLIC_CACHE_STALE_SECONDS", 30)) > 0
        bucket = int(time.time() // seconds)
        found = cache.lookup(slot, scope, bucket, stale)
        if found is not None and found.state == State.MISS and entry.seconds == _FIGURES:
            found = _one_builder(slot, scope, bucket, stale, found)
        if found is None:
            return None
        etag = _etag(slot, found.version)
        if found.state in (State.FRESH, State.STALE):
            g.public_cache_hit = True
        else:
            g.public_cache_build = (slot, found.version, 2 * seconds, found.state)
            g.public_cache_seconds = seconds
        if "If-None-Match" in request.headers and _matches(etag, found.body is not None):
            return _answer(None, etag, seconds)
        if found.body is not None:
            return _answer(found.body, etag, seconds)
        return None

    return lookup


def conditional(response: Response) -> Response:
    """After a public view: keep and label a shareable answer, or the private ETag."""
    if request.method not in ("GET", "HEAD"):
        return response
    if g.pop("public_cache_hit", False):
        return response
    build = g.pop("public_cache_build", None)
    if build is not None:
        slot, version, ttl, state = build
        if response.status_code == 304:
            if state == State.BUILD:
                cache.release(slot)
            return response
        if (
            response.status_code == 200
            and not response.is_streamed
            and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
        ):
            value = response.content_type.encode() + _HEADER + response.get_data()
            cache.keep(slot, version, value, ttl)
            return _public_headers(response, _etag(slot, version), g.public_cache_seconds)
        if state == State.BUILD:
            cache.release(slot)  # errors are never kept: the next request rebuilds
    if response.status_code == 200 and not response.is_streamed and not response.direct_passthrough:
        response.cache_control.no_cache = True
        response.add_etag()
        response.make_conditional(request)
    return response


def _release_unfinished(_exc) -> None:
    """A rebuild that raised before ``conditional`` ran: let the next request rebuild."""
    build = g.pop("public_cache_build", None)
    if build is not None and build[3] == State.BUILD:
        cache.release(build[0])


def register(bp: Blueprint, scopes: dict[str, Scope]) -> None:
    """Cache ``bp``'s endpoints named in ``scopes`` (view function names) for the public.

    An endpoint of :data:`FIGURES` is keyed as figures (``PUBLIC_FIGURES_SECONDS``)."""
    cached = {}
    for name, scope in scopes.items():
        endpoint = f"{bp.name}.{name}"
        if endpoint in FIGURES:
            cached[endpoint] = _Cached(FIGURES[endpoint], _FIGURES)
        else:
            cached[endpoint] = _Cached(scope, "PUBLIC_CACHE_SECONDS")
    bp.before_request(_before(cached))
    bp.teardown_request(_release_unfinished)
