"""The application factory.

``backend`` never imports the feature packages (``mobile_api``, ``moderation``,
``notifications``); the composition root (``wsgi.py``) hands them in as
*plugins*: modules with an ``init_app(app, api)`` function.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from backend import cli, i18n, limits, resilience, security, storage
from backend.api import guards
from backend.config import Settings, flask_config
from backend.db import db, has_pending_work, rollback
from backend.errors import register_error_handlers
from backend.extensions import Api, migrate
from backend.firebase import use_emulator

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(
    settings: Settings | None = None,
    *,
    plugins: Iterable[ModuleType] = (),
    overrides: dict | None = None,
) -> Flask:
    settings = settings or Settings.from_env()
    settings.validate()
    # Flask, with one retry of a safe request whose database connection was lost.
    app = resilience.ResilientFlask("backend", instance_relative_config=True)
    guards.init_app(app)  # before any route: the bounded <int:...> converter, NUL refusal
    app.config.update(flask_config(settings, app.instance_path))
    app.config.update(overrides or {})
    storage.init_app(app)  # the photo store; a bucket without credentials stops here
    limits.init_app(app)  # 429 with Retry-After (Flask-Limiter); ProxyFix when configured
    security.init_app(app)  # nosniff, frame, referrer, HSTS on every answer; CORS for APIs
    app.json = IsoJSONProvider(app)
    logging.basicConfig(level=logging.INFO)

    use_emulator(app.config.get("FIREBASE_AUTH_EMULATOR_HOST"))
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    api = Api(app, spec_kwargs=_spec_kwargs())
    register_error_handlers(app)
    resilience.init_app(app)  # 503 database_unavailable / time_budget_exceeded, never 500
    i18n.init_app(app)

    from backend.api import admin, health, media, public, staff, staff_accounts, swagger_assets
    from backend.api.audit import blp as audit_blp
    from backend.api.audit import init_app as init_audit
    from backend.services.statistics import settled

    init_audit(app)  # staff actions and reporter disclosures in the audit log
    settled.listen()  # settled cases' figures stored before each commit (statistics)

    app.register_blueprint(health.blp)
    app.register_blueprint(media.blp)
    app.register_blueprint(swagger_assets.blp)
    api.register_blueprint(staff.blp)
    api.register_blueprint(public.blp)
    api.register_blueprint(admin.blp)
    api.register_blueprint(staff_accounts.blp)
    from backend.api.routing_rules import blp as routing_blp

    api.register_blueprint(routing_blp)
    from backend.api import admin_boundaries, admin_units

    api.register_blueprint(admin_units.blp)
    api.register_blueprint(admin_boundaries.blp)
    api.register_blueprint(audit_blp)
    from backend.api.admin_categories import blp as categories_blp

    api.register_blueprint(categories_blp)
    from backend.api.operations import blp as operations_blp

    api.register_blueprint(operations_blp)
    from backend.api.operator_intake import blp as intake_blp

    api.register_blueprint(intake_blp)
    from backend import open311

    open311.init_app(app)  # /open311/v2: GeoReport v2, its own formats and errors
    from backend.web import provinces as _province_pages  # noqa: F401 (/p/<slug>/ on the portal)
    from backend.web import views as portal

    app.register_blueprint(portal.bp)
    from backend import console

    console.init_app(app)  # after the portal: its error pages fall back to the portal's
    cli.register(app)
    for plugin in plugins:
        plugin.init_app(app, api)

    @app.teardown_request
    def _discard_uncommitted(exc):
        # A request that ended without committing leaves nothing half written.
        if has_pending_work():
            rollback()

    return app


class IsoJSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 dates (Flask's default is the HTTP date format) and real UTF-8.

    Instants are written in UTC whatever zone they were computed in (deadlines come from
    the working calendar in local time), so one instant always reads the same.
    """

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, datetime) and o.tzinfo is not None:
            return o.astimezone(UTC).isoformat()
        if isinstance(o, date | datetime):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def _spec_kwargs() -> dict:
    return {
        "info": {
            "description": (
                "Citizen feedback platform (phản ánh kiến nghị). Every error answer is "
                '`{"error": {"status", "code", "message": {"vi", "en"}, "fields"}}`.'
            )
        },
        "components": {
            "securitySchemes": {
                "residentToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "From POST /mobile/v1/auth/firebase",
                },
                "staffToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "From POST /staff/v1/auth/login",
                },
            }
        },
    }
