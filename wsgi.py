"""Composition root: the core app plus the feature packages (the residents' API so far).

``flask --app wsgi ...`` and ``gunicorn 'wsgi:create_app()'`` both start here.
"""

from __future__ import annotations

import mobile_api
from backend.app import create_app as create_core_app

PLUGINS = (mobile_api,)


def create_app(settings=None, overrides=None):
    return create_core_app(settings, plugins=PLUGINS, overrides=overrides)
