"""Domain errors and the one JSON error envelope of the whole API.

Every error answer has this shape::

    {"error": {"status": 409, "code": "invalid_transition",
               "message": {"vi": "...", "en": "..."},
               "fields": {"lat": ["..."]}}}
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from backend.db import rollback
from backend.domain.calendar import CalendarError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An error a client can act on. Services raise these; the API renders them."""

    status = 400
    code = "bad_request"
    message_vi = "Yêu cầu không hợp lệ."
    message_en = "The request is not valid."

    def __init__(
        self,
        message_vi: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
    ):
        self.message_vi = message_vi or self.message_vi
        self.message_en = message_en or self.message_en
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields
        super().__init__(self.message_en)


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    message_vi = "Dữ liệu gửi lên không hợp lệ."
    message_en = "Some fields are missing or invalid."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message_vi = "Không tìm thấy."
    message_en = "Not found."


class ReportNotFound(NotFound):
    code = "report_not_found"
    message_vi = "Không tìm thấy phản ánh."
    message_en = "Report not found."


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message_vi = "Bạn cần đăng nhập."
    message_en = "Authentication is required."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message_vi = "Bạn không có quyền thực hiện thao tác này."
    message_en = "You are not allowed to do this."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message_vi = "Thao tác xung đột với trạng thái hiện tại."
    message_en = "This conflicts with the current state."


class ConcurrentUpdate(Conflict):
    code = "concurrent_update"
    message_vi = "Phản ánh vừa được người khác cập nhật; vui lòng tải lại và thử lại."
    message_en = "Someone else updated this report at the same time; reload and try again."


# Generic HTTP errors, in both languages.
_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "The request is not valid."),
    401: ("unauthorized", "Bạn cần đăng nhập.", "Authentication is required."),
    403: ("forbidden", "Bạn không có quyền truy cập.", "Access is forbidden."),
    404: ("not_found", "Không tìm thấy đường dẫn (URL) này.", "No such URL."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    413: (
        "payload_too_large",
        "Dữ liệu gửi lên quá lớn.",
        "The request is too large.",
    ),
    415: (
        "unsupported_media_type",
        "Định dạng dữ liệu không được hỗ trợ.",
        "Unsupported media type.",
    ),
    422: (
        "validation_error",
        "Dữ liệu gửi lên không hợp lệ.",
        "Some fields are missing or invalid.",
    ),
    429: ("too_many_requests", "Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests."),
    500: ("internal_error", "Lỗi hệ thống, vui lòng thử lại sau.", "Internal server error."),
    503: ("unavailable", "Hệ thống tạm thời không phục vụ được.", "Service unavailable."),
}


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
    code, vi, en = _HTTP_MESSAGES.get(status, _HTTP_MESSAGES[400 if status < 500 else 500])
    response = error_response(status, code, vi, en, fields)
    for key, value in getattr(error, "get_headers", lambda: [])() or []:
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        rollback()
        return error_response(
            error.status, error.code, error.message_vi, error.message_en, error.fields
        )

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError):
        rollback()
        return _domain(ConcurrentUpdate())

    @app.errorhandler(CalendarError)
    def _calendar(error: CalendarError):
        return _domain(
            ValidationFailed(
                "Không tính được thời hạn theo lịch làm việc.",
                f"The working calendar cannot answer: {error}",
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
        return error_response(500, *_HTTP_MESSAGES[500])
