"""Configuration: the one module that reads the process environment.

With no variables set at all the app runs on the *embedded default*: SQLite in
the instance folder, jobs run inline after each commit, pushes are recorded
instead of sent and photos live on local disk. Production sets ``APP_ENV=production``
together with ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from backend.config_checks import validate
from backend.config_values import (
    OBJECT_STORAGE_VARS,
    ConfigError,
    ObjectStorage,
    dev_secret_key,
    fractions,
    media_public_base_url,
    object_storage,
    office_hours,
    window,
)


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from the environment, parsed once."""

    app_env: str = "development"
    database_url: str | None = None
    redis_url: str | None = None
    media_root: str | None = None
    #: Photos in an S3-compatible bucket instead of MEDIA_ROOT (S3_* settings).
    object_storage: ObjectStorage | None = None
    media_public_base_url: str | None = None
    secret_key: str | None = None
    #: Earlier keys still accepted for tokens and sessions they signed (key rotation).
    secret_key_fallbacks: tuple[str, ...] = ()
    firebase_project_id: str = "phananh-demo"
    firebase_credentials: str | None = None
    firebase_auth_emulator_host: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    public_base_url: str | None = None
    #: Who runs the Open311 endpoint, in its discovery document (a sentence or an address).
    open311_contact: str | None = None
    office_hours: str = "07:30-11:30,13:00-17:00"
    sla_reminders: str = "0.5,0.8"
    apology_grace_hours: int = 8
    moderation_mode: str = "flagged"
    moderation_blocklist: str | None = None
    quiet_hours: str = "22:00-06:30"
    fcm_endpoint: str | None = None
    duplicate_radius_m: int = 150
    duplicate_days: int = 30
    max_photo_bytes: int = 15 * 1024 * 1024
    max_photos_per_report: int = 6
    rating_window_days: int = 7
    duplicate_submission_seconds: int = 120
    map_tile_url: str | None = None
    map_tile_attribution: str | None = None
    assign_by_any_officer: bool = False
    console_session_hours: int = 12
    console_idle_minutes: int = 240
    #: Web origins (scheme://host[:port]) whose pages may call the APIs from a browser.
    cors_origins: tuple[str, ...] = ()
    #: Strict-Transport-Security max-age in production (0: no HSTS header).
    hsts_max_age: int = 31_536_000
    #: Abuse limits (backend.limits): Flask-Limiter rate strings, one env var per family.
    ratelimit_enabled: bool = True
    proxy_fix_hops: int = 0
    limits: tuple[tuple[str, str], ...] = ()
    reports_daily_cap: int = 20
    login_delay_after: int = 5
    login_lock_after: int = 10
    login_lock_minutes: int = 30
    #: Longest a request may spend in the database (PostgreSQL statement_timeout).
    request_time_budget_seconds: int = 20
    #: Residents' access tokens last this long; the refresh token, rotated on every use,
    #: this many days without use.
    resident_access_minutes: int = 60
    resident_refresh_days: int = 60
    #: The public reads' shared response cache (backend.cache): on/off, the max-age a CDN
    #: and the cache keep an answer, the stale-while-revalidate, the in-process LRU's size;
    #: the figures' (statistics, scoreboards) max-age: they do not follow each new report.
    public_cache: bool = True
    public_cache_seconds: int = 30
    public_figures_seconds: int = 300
    public_cache_stale_seconds: int = 30
    public_cache_entries: int = 1000

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @property
    def auth_emulator_host(self) -> str | None:
        """The Firebase Auth emulator, only ever when the operator names it.

        With the emulator firebase-admin accepts *unsigned* ID tokens for any phone, so it
        is never a default: ``FIREBASE_AUTH_EMULATOR_HOST`` set, or the demo's
        ``flask --app wsgi quickstart``, which turns it on and says so. Never in production.
        """
        return self.firebase_auth_emulator_host

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            # Empty values count as unset, as in most deployment tools.
            value = env.get(name, "").strip()
            return value or None

        def get_bool(name: str, default: bool) -> bool:
            raw = get(name)
            if raw is None:
                return default
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ConfigError(f"{name} must be true or false, got {raw!r}")

        def get_int(name: str, default: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            try:
                return int(raw)
            except ValueError as exc:
                raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc

        return cls(
            app_env=(get("APP_ENV") or "development").lower(),
            database_url=get("DATABASE_URL"),
            redis_url=get("REDIS_URL"),
            media_root=get("MEDIA_ROOT"),
            object_storage=object_storage({name: get(name) for name in OBJECT_STORAGE_VARS}),
            media_public_base_url=get("MEDIA_PUBLIC_BASE_URL"),
            secret_key=get("SECRET_KEY"),
            secret_key_fallbacks=tuple(
                key.strip() for key in (get("SECRET_KEY_FALLBACKS") or "").split(",") if key.strip()
            ),
            firebase_project_id=get("FIREBASE_PROJECT_ID") or "phananh-demo",
            firebase_credentials=get("FIREBASE_CREDENTIALS"),
            firebase_auth_emulator_host=get("FIREBASE_AUTH_EMULATOR_HOST"),
            timezone=get("TIMEZONE") or "Asia/Ho_Chi_Minh",
            public_base_url=get("PUBLIC_BASE_URL"),
            open311_contact=get("OPEN311_CONTACT"),
            office_hours=get("OFFICE_HOURS") or "07:30-11:30,13:00-17:00",
            sla_reminders=get("SLA_REMINDERS") or "0.5,0.8",
            apology_grace_hours=get_int("APOLOGY_GRACE_HOURS", 8),
            moderation_mode=get("MODERATION_MODE") or "flagged",
            moderation_blocklist=get("MODERATION_BLOCKLIST"),
            quiet_hours=get("QUIET_HOURS") or "22:00-06:30",
            fcm_endpoint=get("FCM_ENDPOINT"),
            duplicate_radius_m=get_int("DUPLICATE_RADIUS_M", 150),
            duplicate_days=get_int("DUPLICATE_DAYS", 30),
            max_photo_bytes=get_int("MAX_PHOTO_BYTES", 15 * 1024 * 1024),
            max_photos_per_report=get_int("MAX_PHOTOS_PER_REPORT", 6),
            rating_window_days=get_int("RATING_WINDOW_DAYS", 7),
            duplicate_submission_seconds=get_int("DUPLICATE_SUBMISSION_SECONDS", 120),
            map_tile_url=get("MAP_TILE_URL"),
            map_tile_attribution=get("MAP_TILE_ATTRIBUTION"),
            assign_by_any_officer=get_bool("ASSIGN_BY_ANY_OFFICER", False),
            console_session_hours=get_int("CONSOLE_SESSION_HOURS", 12),
            console_idle_minutes=get_int("CONSOLE_IDLE_MINUTES", 240),
            cors_origins=tuple(
                part.strip() for part in (get("CORS_ORIGINS") or "").split(",") if part.strip()
            ),
            hsts_max_age=get_int("HSTS_MAX_AGE", 31_536_000),
            ratelimit_enabled=get_bool("RATELIMIT_ENABLED", True),
            proxy_fix_hops=get_int("PROXY_FIX_HOPS", 0),
            limits=tuple((name, get(name) or default) for name, default in LIMITS.items()),
            reports_daily_cap=get_int("REPORTS_DAILY_CAP", 20),
            login_delay_after=get_int("LOGIN_DELAY_AFTER", 5),
            login_lock_after=get_int("LOGIN_LOCK_AFTER", 10),
            login_lock_minutes=get_int("LOGIN_LOCK_MINUTES", 30),
            request_time_budget_seconds=get_int("REQUEST_TIME_BUDGET_SECONDS", 20),
            resident_access_minutes=get_int("RESIDENT_ACCESS_MINUTES", 60),
            resident_refresh_days=get_int("RESIDENT_REFRESH_DAYS", 60),
            public_cache=get_bool("PUBLIC_CACHE", True),
            public_cache_seconds=get_int("PUBLIC_CACHE_SECONDS", 30),
            public_figures_seconds=get_int("PUBLIC_FIGURES_SECONDS", 300),
            public_cache_stale_seconds=get_int("PUBLIC_CACHE_STALE_SECONDS", 30),
            public_cache_entries=get_int("PUBLIC_CACHE_ENTRIES", 1000),
        )

    def validate(self) -> None:
        """Refuse unknown environments, bad values, and what is unsafe in production
        (:mod:`backend.config_checks`)."""
        validate(self)


#: The rate limit families (backend.limits) and their defaults, each its own env var.
LIMITS = {
    "LIMIT_LOGIN_ACCOUNT": "10/minute;100/day",
    "LIMIT_LOGIN_ADDRESS": "30/minute;300/hour",
    "LIMIT_SIGN_IN_ADDRESS": "20/minute;200/hour",
    "LIMIT_REFRESH_ADDRESS": "60/minute;1000/hour",
    "LIMIT_REPORTS_RESIDENT": "5/minute;30/hour",
    "LIMIT_REPORTS_ADDRESS": "20/minute;200/hour",
    "LIMIT_RATINGS_RESIDENT": "10/minute;100/day",
    "LIMIT_FOLLOWS_RESIDENT": "30/minute;500/day",
    "LIMIT_DEVICES_ACCOUNT": "10/minute;50/day",
    "LIMIT_OPEN311_CLIENT": "30/minute;2000/day",
}

#: Multipart bodies: the text fields (a description is at most 5,000 characters) ...
FORM_ALLOWANCE_BYTES = 64 * 1024
#: ... and each photo part's own headers (name, file name, content type).
PART_HEADER_BYTES = 1024


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def flask_config(settings: Settings, instance_path: str) -> dict:
    """Translate settings into the Flask/extension config keys."""
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    database_url = settings.database_url or f"sqlite:///{instance / 'phananh.sqlite3'}"
    media_root = settings.media_root or str(instance / "media")
    budget_ms = settings.request_time_budget_seconds * 1000
    engine_options: dict = {
        "pool_pre_ping": True,
        # The per-request time budget: no statement runs longer (backend.errors answers a
        # cancelled one 503 time_budget_exceeded); gunicorn's --timeout is set above it.
        # A partition (packets dropped, not refused) fails fast instead of hanging.
        "connect_args": {
            "options": f"-c statement_timeout={budget_ms}",
            "connect_timeout": 3,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    }
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}}
    return {
        "APP_ENV": settings.app_env,
        "SECRET_KEY": settings.secret_key or dev_secret_key(instance),
        # Rotation: the keys before SECRET_KEY, still accepted (never used to sign) for the
        # access tokens, console session cookies and signed links they signed.
        "SECRET_KEY_FALLBACKS": list(settings.secret_key_fallbacks),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "REDIS_URL": settings.redis_url,
        "MEDIA_ROOT": media_root,
        # backend.storage: the bucket (None: MEDIA_ROOT) and the CDN of the renditions.
        "OBJECT_STORAGE": settings.object_storage,
        "MEDIA_PUBLIC_BASE_URL": media_public_base_url(
            settings.media_public_base_url, production=settings.production
        ),
        "FIREBASE_PROJECT_ID": settings.firebase_project_id,
        "FIREBASE_CREDENTIALS": settings.firebase_credentials,
        "FIREBASE_AUTH_EMULATOR_HOST": settings.auth_emulator_host,
        "TIMEZONE": settings.timezone,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "OPEN311_CONTACT": settings.open311_contact,
        "OFFICE_HOURS": office_hours(settings.office_hours),
        "SLA_REMINDERS": fractions(settings.sla_reminders),
        "APOLOGY_GRACE_HOURS": settings.apology_grace_hours,
        "MODERATION_MODE": settings.moderation_mode,
        "MODERATION_BLOCKLIST": settings.moderation_blocklist,
        "QUIET_HOURS": window(settings.quiet_hours),
        "FCM_ENDPOINT": settings.fcm_endpoint,
        "DUPLICATE_RADIUS_M": settings.duplicate_radius_m,
        "DUPLICATE_DAYS": settings.duplicate_days,
        "MAX_PHOTO_BYTES": settings.max_photo_bytes,
        "MAX_PHOTOS_PER_REPORT": settings.max_photos_per_report,
        # Days after a resolution during which the reporter may rate it (and reopen it).
        "RATING_WINDOW_DAYS": settings.rating_window_days,
        # A report sent again byte for byte without an Idempotency-Key within this many
        # seconds is answered with the first one (backend.api.idempotency); 0: never.
        "DUPLICATE_SUBMISSION_SECONDS": settings.duplicate_submission_seconds,
        # Leaflet tile template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
        # unset: the portal map draws the reports on a plain background (no network).
        "MAP_TILE_URL": settings.map_tile_url,
        "MAP_TILE_ATTRIBUTION": settings.map_tile_attribution,
        # Who gives a report to a named officer of its unit: the unit's head (and the
        # coordinator, administrators); true: any officer of the unit too.
        "ASSIGN_BY_ANY_OFFICER": settings.assign_by_any_officer,
        # The staff console's session cookie: HttpOnly, SameSite=Lax, Secure in production;
        # the session itself (backend.services.staff_sessions) ends after
        # CONSOLE_SESSION_HOURS from sign-in or CONSOLE_IDLE_MINUTES without a request.
        "SESSION_COOKIE_NAME": "phananh_console",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.console_session_hours),
        "CONSOLE_SESSION_HOURS": settings.console_session_hours,
        "CONSOLE_IDLE_MINUTES": settings.console_idle_minutes,
        # CSRF (Flask-WTF): checked by the console's own guard on every state-changing
        # request, not app-wide (the bearer-token APIs carry no cookie to forge).
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": settings.console_session_hours * 3600,
        "WTF_CSRF_SSL_STRICT": settings.production,
        # Whole request bodies: every photo at its limit plus the form fields; a larger
        # declared Content-Length is refused before the body is read (backend.api.guards).
        "MAX_CONTENT_LENGTH": settings.max_photos_per_report
        * (settings.max_photo_bytes + PART_HEADER_BYTES)
        + FORM_ALLOWANCE_BYTES,
        # Web origins allowed to call the APIs from a browser (backend.security); none: no
        # Access-Control-Allow-Origin anywhere.
        "CORS_ORIGINS": list(settings.cors_origins),
        # Strict-Transport-Security max-age, sent in production only (0: not sent).
        "HSTS_MAX_AGE": settings.hsts_max_age,
        # Abuse limits (backend.limits); the counters live in Redis when REDIS_URL is set.
        "RATELIMIT_ENABLED": settings.ratelimit_enabled,
        "RATELIMIT_STORAGE_URI": settings.redis_url or "memory://",
        "PROXY_FIX_HOPS": settings.proxy_fix_hops,
        **dict(settings.limits or tuple(LIMITS.items())),
        "REPORTS_DAILY_CAP": settings.reports_daily_cap,
        "LOGIN_DELAY_AFTER": settings.login_delay_after,
        "LOGIN_LOCK_AFTER": settings.login_lock_after,
        "LOGIN_LOCK_MINUTES": settings.login_lock_minutes,
        "REQUEST_TIME_BUDGET_SECONDS": settings.request_time_budget_seconds,
        # Residents' tokens (backend.auth): a short-lived access token and a refresh token
        # rotated on every use (backend.services.resident_sessions).
        "RESIDENT_ACCESS_MINUTES": settings.resident_access_minutes,
        "RESIDENT_REFRESH_DAYS": settings.resident_refresh_days,
        # The public reads' response cache (backend.cache, backend.api.caching).
        "PUBLIC_CACHE": settings.public_cache,
        "PUBLIC_CACHE_SECONDS": settings.public_cache_seconds,
        "PUBLIC_FIGURES_SECONDS": settings.public_figures_seconds,
        "PUBLIC_CACHE_STALE_SECONDS": settings.public_cache_stale_seconds,
        "PUBLIC_CACHE_ENTRIES": settings.public_cache_entries,
        "JSON_SORT_KEYS": False,
        "API_TITLE": "phananh API",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    }
