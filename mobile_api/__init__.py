"""The residents' API under ``/mobile/v1`` (plugged into the core app by ``wsgi.py``)."""

from __future__ import annotations


def init_app(app, api) -> None:
    from mobile_api import auth_views  # noqa: F401  (its routes are on the same blueprint)
    from mobile_api.views import blp

    api.register_blueprint(blp)
