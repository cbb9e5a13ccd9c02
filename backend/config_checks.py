"""Checking the settings: unknown environments, bad values, and what is unsafe in production.

:class:`backend.config.Settings` reads the environment; this module only judges what it read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

from backend.config_values import ConfigError
from backend.domain.secret_keys import weak_secret_key

if TYPE_CHECKING:
    from backend.config import Settings

#: development: the embedded default (emulator sign-in, generated key). production: the
#: real thing, which refuses unsafe settings.
APP_ENVS = ("development", "production")

#: One web origin of CORS_ORIGINS: exact (no wildcard, no path), as a browser sends it.
_ORIGIN = re.compile(
    r"https?://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?"
)


def validate(settings: Settings) -> None:
    """Refuse unknown environments, bad values, and what is unsafe in production."""
    if settings.app_env not in APP_ENVS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(APP_ENVS)}: {settings.app_env!r}")
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"TIMEZONE is not a known time zone: {settings.timezone!r}") from exc
    if settings.rating_window_days < 1:
        raise ConfigError(f"RATING_WINDOW_DAYS must be at least 1: {settings.rating_window_days}")
    if settings.map_tile_url and not settings.map_tile_url.startswith("https://"):
        raise ConfigError(f"MAP_TILE_URL must be an https:// URL: {settings.map_tile_url!r}")
    if not 1 <= settings.console_session_hours <= 24 * 7:
        raise ConfigError("CONSOLE_SESSION_HOURS must be between 1 and 168")
    if not 5 <= settings.console_idle_minutes <= settings.console_session_hours * 60:
        raise ConfigError("CONSOLE_IDLE_MINUTES must be at least 5 and within the lifetime")
    if settings.hsts_max_age < 0:
        raise ConfigError(f"HSTS_MAX_AGE must be 0 (off) or more: {settings.hsts_max_age}")
    _validate_limits(settings)
    if not 1 <= settings.request_time_budget_seconds <= 600:
        raise ConfigError("REQUEST_TIME_BUDGET_SECONDS must be between 1 and 600")
    if not 5 <= settings.resident_access_minutes <= 24 * 60:
        raise ConfigError("RESIDENT_ACCESS_MINUTES must be between 5 and 1440")
    if not 1 <= settings.public_cache_seconds <= 3600:
        raise ConfigError("PUBLIC_CACHE_SECONDS must be between 1 and 3600")
    if not 0 <= settings.public_cache_stale_seconds <= 86400:
        raise ConfigError("PUBLIC_CACHE_STALE_SECONDS must be between 0 and 86400")
    if not 10 <= settings.public_cache_entries <= 1_000_000:
        raise ConfigError("PUBLIC_CACHE_ENTRIES must be between 10 and 1000000")
    if not 1 <= settings.resident_refresh_days <= 365:
        raise ConfigError("RESIDENT_REFRESH_DAYS must be between 1 and 365")
    for origin in settings.cors_origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                "CORS_ORIGINS holds scheme://host[:port] origins, lower case, no path "
                f"or wildcard: {origin!r}"
            )
        if settings.production and not origin.startswith("https://"):
            raise ConfigError(f"CORS_ORIGINS must be https:// in production: {origin!r}")
    if not settings.production:
        return
    problems = []
    if not settings.secret_key:
        problems.append("SECRET_KEY must be set")
    else:
        weak = weak_secret_key(settings.secret_key)
        if weak:
            problems.append(
                f"SECRET_KEY {weak}; generate one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    for position, old in enumerate(settings.secret_key_fallbacks, start=1):
        weak = weak_secret_key(old)
        if weak:  # a weak old key would still let anyone sign tokens
            problems.append(f"SECRET_KEY_FALLBACKS key {position} {weak}")
    if settings.secret_key in settings.secret_key_fallbacks:
        problems.append("SECRET_KEY_FALLBACKS repeats SECRET_KEY")
    if not settings.database_url:
        problems.append("DATABASE_URL must be set (PostgreSQL)")
    if not settings.redis_url:
        # Without it the jobs run inline and the rate limits, the login throttle and the
        # public cache's generations live in each process: several app servers would each
        # count their own limits and serve their own stale pages.
        problems.append(
            "REDIS_URL must be set (jobs, rate limits and caches shared by every app server "
            "and worker)"
        )
    if settings.firebase_auth_emulator_host:
        problems.append(
            "FIREBASE_AUTH_EMULATOR_HOST is set: it makes firebase-admin accept unsigned "
            "ID tokens and must never be used in production"
        )
    if problems:
        raise ConfigError("; ".join(problems))


def _validate_limits(settings: Settings) -> None:
    for name, value in settings.limits:
        try:
            parsed = parse_many(value)
        except ValueError as exc:
            raise ConfigError(
                f"{name} must be rate limits like 10/minute;100/day: {value!r}"
            ) from exc
        if not parsed:
            raise ConfigError(f"{name} must be rate limits like 10/minute;100/day")
    if not 0 <= settings.proxy_fix_hops <= 5:
        raise ConfigError(f"PROXY_FIX_HOPS must be between 0 and 5: {settings.proxy_fix_hops}")
    if settings.reports_daily_cap < 1:
        raise ConfigError(f"REPORTS_DAILY_CAP must be at least 1: {settings.reports_daily_cap}")
    if not 1 <= settings.login_delay_after <= settings.login_lock_after:
        raise ConfigError("LOGIN_DELAY_AFTER must be at least 1 and at most LOGIN_LOCK_AFTER")
    if settings.login_lock_minutes < 1:
        raise ConfigError(f"LOGIN_LOCK_MINUTES must be at least 1: {settings.login_lock_minutes}")
