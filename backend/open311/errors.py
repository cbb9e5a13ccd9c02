"""Errors on the Open311 routes: the specification's shape and codes, never the platform's
envelope. A refused input is ``400`` (the platform's ``422``), a refused key ``403``, an
unknown service, request, token or jurisdiction ``404``; other statuses (``405``,
``409``, ``413``, ``429``, ``503``) keep theirs, in the same shape. The description is the
domain error's message in the reader's language (``?lang=``, ``Accept-Language``;
Vietnamese by default) followed by the fields at fault and the machine-readable code.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from backend.db import rollback
from backend.domain.text import N_
from backend.errors import ConcurrentUpdate, DomainError, http_message
from backend.errors import NotFound as DomainNotFound
from backend.open311 import formats

log = logging.getLogger(__name__)
#: Statuses the specification names, from the platform's.
_STATUS = {422: 400, 401: 403}


class UnknownFormat(DomainNotFound):
    code = "unknown_format"
    message = N_("No such format: ask for .json or .xml.")


class UnknownRoute(DomainNotFound):
    code = "not_found"
    message = N_("No such Open311 resource.")


#: The platform's field names (the intake's) as an Open311 client sends them.
_FIELDS = (("lng", "long"), ("photos", "media"), ("category", "service_code"))


def field_name(name: str) -> str:
    if name.startswith("attributes["):
        return "attribute[" + name[len("attributes[") :]
    for ours, theirs in _FIELDS:
        if name == ours or name.startswith(ours + "["):
            return theirs + name[len(ours) :]
    return name


def describe(error: DomainError) -> str:
    lang = formats.language()
    text = error.message_en if lang == "en" else error.message_vi
    problems = "; ".join(
        f"{field_name(name)}: {' '.join(m.rstrip('.') for m in messages)}"
        for name, messages in (error.fields or {}).items()
    )
    return f"{text}" + (f" ({problems})" if problems else "") + f" [{error.code}]"


def domain_error(error: DomainError):
    rollback()
    status = _STATUS.get(error.status, error.status)
    response = formats.errors(status, [describe(error)])
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def http_error(error: HTTPException):
    rollback()
    status = _STATUS.get(error.code or 500, error.code or 500)
    code, vi, en = http_message(error.code or 500)
    text = en if formats.language() == "en" else vi
    response = formats.errors(status, [f"{text} [{code}]"])
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    for key, value in error.get_headers() or []:
        if key.lower() == "retry-after":
            response.headers[key] = value
    return response


def register(bp: Blueprint) -> None:
    """Once, on the module's blueprint: its error handlers and the catch-all route."""
    bp.register_error_handler(DomainError, domain_error)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(StaleDataError, lambda _e: domain_error(ConcurrentUpdate()))

    @bp.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on an Open311 route")
        rollback()
        code, vi, en = http_message(500)
        return formats.errors(500, [f"{en if formats.language() == 'en' else vi} [{code}]"])

    def unknown(rest: str = ""):
        """Any other URL under ``/open311/v2``: 404, or 405 where the path is a route of
        another method, in the specification's format."""
        adapter = current_app.url_map.bind_to_environ(request.environ)
        allowed = []
        for method in ("GET", "POST"):
            try:
                endpoint, _ = adapter.match(method=method)
            except HTTPException:
                continue
            if endpoint != "open311.unknown":
                allowed.append(method)
        if allowed:
            raise MethodNotAllowed(valid_methods=allowed)
        raise UnknownRoute()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    bp.add_url_rule("/", "unknown", unknown, methods=methods, strict_slashes=False)
    bp.add_url_rule("/<path:rest>", "unknown", unknown, methods=methods)
