"""Open311 GeoReport v2 under ``/open311/v2``: third-party apps and back-office systems
read the services and file and follow requests (:mod:`backend.open311.views`), in JSON and
XML (:mod:`backend.open311.formats`), with the specification's errors
(:mod:`backend.open311.errors`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backend.open311 import views

    app.register_blueprint(views.bp)
