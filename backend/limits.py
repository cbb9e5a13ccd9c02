"""Abuse limits (Flask-Limiter): the named limits, the staff login throttle and lock.

One :data:`limiter` per app, its storage Redis (``REDIS_URL``) when configured and memory
otherwise, so the counters are shared by every gunicorn worker in production. The limit
families are read in :mod:`backend.config` (``LIMIT_*``, Flask-Limiter rate strings); the
views apply them with :func:`limited` placed *under* their auth guard, so that a
per-resident or per-account limit knows who is asking. Every refusal is 429
``too_many_requests`` in the error envelope with ``Retry-After`` (seconds), a page on the
console.

The client address is ``request.remote_addr``: behind a reverse proxy set
``PROXY_FIX_HOPS`` so that werkzeug's ProxyFix takes it from ``X-Forwarded-For``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import HTTPException, ServiceUnavailable, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

limiter = Limiter(key_func=lambda: request.remote_addr or "", default_limits=[])

#: The limit families: config key -> what is counted.
LOGIN_ACCOUNT = "LIMIT_LOGIN_ACCOUNT"
LOGIN_ADDRESS = "LIMIT_LOGIN_ADDRESS"
SIGN_IN_ADDRESS = "LIMIT_SIGN_IN_ADDRESS"
REFRESH_ADDRESS = "LIMIT_REFRESH_ADDRESS"
REPORTS_RESIDENT = "LIMIT_REPORTS_RESIDENT"
REPORTS_ADDRESS = "LIMIT_REPORTS_ADDRESS"
REPORTS_DAILY = "REPORTS_DAILY_CAP"
RATINGS_RESIDENT = "LIMIT_RATINGS_RESIDENT"
FOLLOWS_RESIDENT = "LIMIT_FOLLOWS_RESIDENT"
DEVICES_ACCOUNT = "LIMIT_DEVICES_ACCOUNT"
#: Requests posted through Open311 (``POST /open311/v2/requests``) per client application
#: (its API key): count with ``hit(OPEN311_CLIENT, open311_client_key(client.id))``.
OPEN311_CLIENT = "LIMIT_OPEN311_CLIENT"


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Flask-Limiter skips its storage when RATELIMIT_ENABLED is false at start; the switch is
    # read on each request here instead (:func:`_enabled`), so tests can turn limits on.
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _fail_open(function: Callable) -> Callable:
    """Storage down (Redis unreachable): log it and let the request through, unlimited,
    rather than refuse every sign-in and report until Redis is back."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except HTTPException:
            raise
        except Exception:  # the storage's own errors (redis.ConnectionError, timeouts...)
            log.warning("rate limit storage unavailable: not limiting", exc_info=True)
            return None

    return wrapper


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _items(family: str) -> list[RateLimitItem]:
    value = current_app.config.get(family)
    if family == REPORTS_DAILY:
        return parse_many(f"{value}/day") if value else []
    return parse_many(value) if value else []


def _refuse(seconds: float) -> TooManyRequests:
    return TooManyRequests(retry_after=max(1, math.ceil(seconds)))


@_fail_open
def hit(family: str, key: str) -> None:
    """Count one request of ``family`` for ``key``; 429 once any of its limits is spent."""
    if not _enabled():
        return
    strategy = limiter.limiter
    for item in _items(family):
        if not strategy.hit(item, family, key):
            reset = strategy.get_window_stats(item, family, key).reset_time
            raise _refuse(reset - time.time())


def address() -> str:
    return request.remote_addr or "unknown"


def resident_key() -> str:
    return f"resident:{g.resident.id}"


def account_key() -> str:
    """The signed-in resident or staff member (device registration serves both)."""
    resident = getattr(g, "resident", None)
    if resident is not None:
        return f"resident:{resident.id}"
    return f"staff:{g.staff.id}"


def limited(*counted: tuple[str, Callable[[], str]]) -> Callable:
    """A view decorator counting each ``(family, key function)`` before the view runs."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            for family, key in counted:
                hit(family, key())
            return view(*args, **kwargs)

        return wrapper

    return decorate


def per_address(family: str):
    return (family, address)


def per_resident(family: str):
    return (family, resident_key)


def per_account(family: str):
    return (family, account_key)


def open311_client_key(client_id: int) -> str:
    """The key an Open311 client application is counted under (``OPEN311_CLIENT``)."""
    return f"open311:{client_id}"


# --- staff login: rates per account and address, growing delay, temporary lock ------------


def _account(username: str) -> str:
    return username.strip().casefold()


def _fail_key(username: str) -> str:
    return f"login-failures/{_account(username)}"


def _block_key(username: str) -> str:
    return f"login-block/{_account(username)}"


@_fail_open
def login_attempt(username: str) -> None:
    """Before checking a password: 429 while the account is delayed or locked, or when the
    account's or the address's login rate is spent. The same for an unknown username."""
    if not _enabled():
        return
    storage = limiter.storage
    if storage.get(_block_key(username)):
        raise _refuse(storage.get_expiry(_block_key(username)) - time.time())
    hit(LOGIN_ADDRESS, address())
    hit(LOGIN_ACCOUNT, _account(username))


@_fail_open
def login_failed(username: str) -> None:
    """One more consecutive failure: from LOGIN_DELAY_AFTER on the account waits 1, 2, 4...
    minutes before the next try; from LOGIN_LOCK_AFTER on it is locked LOGIN_LOCK_MINUTES."""
    if not _enabled():
        return
    config = current_app.config
    lock_seconds = config["LOGIN_LOCK_MINUTES"] * 60
    storage = limiter.storage
    failures = storage.incr(_fail_key(username), max(lock_seconds, 86_400))
    if failures >= config["LOGIN_LOCK_AFTER"]:
        block = lock_seconds
    elif failures >= config["LOGIN_DELAY_AFTER"]:
        block = min(lock_seconds, 60 * 2 ** (failures - config["LOGIN_DELAY_AFTER"]))
    else:
        return
    storage.clear(_block_key(username))
    storage.incr(_block_key(username), block)


@_fail_open
def login_succeeded(username: str) -> None:
    """A right password: the account's consecutive failures start again from zero."""
    _clear(username)


def lift_lock(username: str) -> None:
    """An administrator lifts the delay or lock of ``username`` (and its failure count);
    503 while the storage is unreachable."""
    try:
        _clear(username)
    except Exception as exc:
        raise ServiceUnavailable() from exc


def _clear(username: str) -> None:
    storage = limiter.storage
    storage.clear(_fail_key(username))
    storage.clear(_block_key(username))
