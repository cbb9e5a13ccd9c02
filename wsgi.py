"""Composition root: the core app and its plugins (mobile API, moderation, notifications).

``flask --app wsgi ...`` and ``gunicorn 'wsgi:create_app()'`` both start here.
"""

from __future__ import annotations

import mobile_api
import moderation
import notifications
from backend.app import create_app as create_core_app

PLUGINS = (mobile_api, moderation, notifications)


def create_app(settings=None, overrides=None):
    return create_core_app(settings, plugins=PLUGINS, overrides=overrides)
