"""Flask extensions: the migration helper (unbound) and the OpenAPI-aware Api class.

The ``Api`` is created per application, because its OpenAPI document is.
"""

from __future__ import annotations

from flask_migrate import Migrate
from flask_smorest import Api as _Api

from backend.errors import render_http_exception
from backend.schemas.common import ErrorEnvelopeSchema


class Api(_Api):
    """flask-smorest, answering with (and documenting) the project's error envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error):
        return render_http_exception(error)


migrate = Migrate()
