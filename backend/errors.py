"""Domain errors and the one JSON error envelope of the whole API.

Every error answer has this shape::

    {"error": {"status": 409, "code": "invalid_transition",
               "message": {"vi": "...", "en": "..."},
               "fields": {"lat": ["..."]}}}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, current_app, jsonify
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from backend.db import rollback
from backend.domain.calendar import CalendarError
from backend.domain.text import N_, Msgid
from backend.i18n import both, translate

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An error a client can act on. Services raise these; the API renders them.

    ``message`` is one English msgid (``N_("...")``, with ``%(name)s`` placeholders filled
    from ``params``); the envelope gives it in Vietnamese and English from the catalogues.
    """

    status = 400
    code = "bad_request"
    message = N_("The request is not valid.")
    #: Seconds for a ``Retry-After`` header (the 503s of a passing outage); None: none.
    retry_after: int | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        params: Mapping[str, object] | None = None,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
    ):
        self.message = message or self.message
        self.params = dict(params or {})
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields
        super().__init__(self.message % self.params if self.params else self.message)

    def in_language(self, lang: str) -> str:
        params = {
            name: translate(value.text, lang, **value.params) if isinstance(value, Msgid) else value
            for name, value in self.params.items()
        }
        return translate(self.message, lang, **params)

    @property
    def message_vi(self) -> str:
        return self.in_language("vi")

    @property
    def message_en(self) -> str:
        return self.in_language("en")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    message = N_("Some fields are missing or invalid.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = N_("Not found.")


class ReportNotFound(NotFound):
    code = "report_not_found"
    message = N_("Report not found.")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = N_("Authentication is required.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = N_("You are not allowed to do this.")


class AccountLocked(Forbidden):
    """A resident locked by the moderators, or a deactivated staff account."""

    code = "account_locked"
    message = N_("This account is locked.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = N_("This conflicts with the current state.")


class ConcurrentUpdate(Conflict):
    code = "concurrent_update"
    message = N_("Someone else updated this report at the same time; reload and try again.")


# Generic HTTP errors: a code and a msgid each.
_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("The request is not valid.")),
    401: ("unauthorized", N_("Authentication is required.")),
    403: ("forbidden", N_("Access is forbidden.")),
    404: ("not_found", N_("No such URL.")),
    405: ("method_not_allowed", N_("Method not allowed.")),
    413: ("payload_too_large", N_("The request is too large.")),
    415: ("unsupported_media_type", N_("Unsupported media type.")),
    422: ("validation_error", N_("Some fields are missing or invalid.")),
    429: ("too_many_requests", N_("Too many requests.")),
    500: ("internal_error", N_("Internal server error.")),
    503: ("unavailable", N_("Service unavailable.")),
}


def http_message(status: int) -> tuple[str, str, str]:
    """``(code, vi, en)`` of a generic HTTP error."""
    code, msgid = _HTTP_MESSAGES.get(status, _HTTP_MESSAGES[400 if status < 500 else 500])
    texts = both(msgid)
    return code, texts["vi"], texts["en"]


def envelope(
    status: int,
    code: str,
    message_vi: str,
    message_en: str,
    fields: dict | None = None,
) -> dict:
    body: dict = {
        "status": status,
        "code": code,
        "message": {"vi": message_vi, "en": message_en},
    }
    body["fields"] = fields or {}
    return {"error": body}


def _messages(errors) -> list[str]:
    """Flatten marshmallow's nested messages (list items, nested fields) to plain strings."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list | tuple):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def _flatten_webargs(messages: dict) -> dict[str, list[str]]:
    """webargs nests messages by location (json, form, query); clients want field -> messages."""
    fields: dict[str, list[str]] = {}
    for by_field in messages.values():
        if isinstance(by_field, dict):
            for name, errs in by_field.items():
                fields.setdefault(name, []).extend(_messages(errs))
    return fields


#: ``app.extensions[ERROR_PAGE]``: an optional ``(status, code, vi, en, fields) -> response
#: or None`` that answers a person's browser with a page; None keeps the JSON envelope.
ERROR_PAGE = "phananh_error_page"


def error_response(status: int, code: str, vi: str, en: str, fields: dict | None = None):
    """The one way every error is answered: a page for a browser on the portal, else JSON."""
    page = current_app.extensions.get(ERROR_PAGE)
    if page is not None:
        response = page(status, code, vi, en, fields)
        if response is not None:
            return response
    response = jsonify(envelope(status, code, vi, en, fields))
    response.status_code = status
    return response


def render_http_exception(error: HTTPException):
    status = error.code or 500
    fields = None
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        fields = _flatten_webargs(data["messages"])
    code, vi, en = http_message(status)
    response = error_response(status, code, vi, en, fields)
    for key, value in getattr(error, "get_headers", lambda: [])() or []:
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


def render_domain_error(error: DomainError):
    """Roll back whatever the request wrote, and answer ``error`` in the envelope."""
    rollback()
    response = error_response(
        error.status, error.code, error.message_vi, error.message_en, error.fields
    )
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return render_domain_error(error)

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError):
        rollback()
        return _domain(ConcurrentUpdate())

    @app.errorhandler(CalendarError)
    def _calendar(error: CalendarError):
        return _domain(
            ValidationFailed(
                N_("The working calendar cannot answer: %(error)s"),
                params={"error": str(error)},
                code="calendar_error",
            )
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return render_http_exception(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        rollback()
        return error_response(500, *http_message(500))
