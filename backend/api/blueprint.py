"""flask-smorest Blueprint with one more argument location: ``multipart``.

A report upload is one multipart/form-data body holding text fields and files.
flask-smorest documents a single request body per operation, so form fields
and files are parsed by one schema, from ``request.form`` and
``request.files`` together, and documented as one ``multipart/form-data`` body.

Query parameters a route does not declare are refused (``422``, ``fields`` naming each):
by the parser where the view declares query arguments (see
:attr:`Parser.DEFAULT_UNKNOWN_BY_LOCATION`), by :func:`refuse_undeclared_query` (every
blueprint of this class runs it before its views) where it declares none.

Every view's arguments pass the input guards (:mod:`backend.api.guards`): JSON the
server can read (not too deep, no integer of more than 4,300 digits), no NUL in it, no
integer an INTEGER column cannot hold.
"""

from __future__ import annotations

import flask_smorest
from flask import current_app, request
from marshmallow import RAISE
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from backend.api import guards
from backend.domain.text import N_
from backend.errors import DomainError, ValidationFailed
from backend.schemas.common import ErrorEnvelopeSchema

QUERY_LOCATIONS = ("query", "querystring")


class UnsupportedMediaType(DomainError):
    status = 415
    code = "multipart_required"
    message = N_("Send this request as multipart/form-data (with the photos).")


class Parser(FlaskParser):
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}
    #: An unknown query parameter (``?staus=new``, ``?sort=`` where there is no order to
    #: choose) is refused (422, ``fields`` naming it) instead of silently ignored: the
    #: client would otherwise read an unfiltered list as the answer to its question.
    #: Blank parameters still count as absent (the query schemas drop them first).
    #: webargs' own default for the query string is EXCLUDE.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }

    def load_multipart(self, req, schema):
        if req.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise UnsupportedMediaType()
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req):
        # webargs' own json.loads lets RecursionError and ValueError (an integer of more
        # than 4,300 digits) through: a 500. An empty body is no body, as in webargs.
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        return guards.parse_json(data) if data else core.missing

    def load_json(self, req, schema):
        document = super().load_json(req, schema)
        guards.check_json(document)
        return document

    def parse(self, *args, **kwargs):
        arguments = super().parse(*args, **kwargs)
        guards.check_integers(arguments)
        return arguments


def _declares_query(view) -> bool:
    """Whether the view handling this request (a MethodView's method too) reads query
    arguments through the parser (flask-smorest's ``_apidoc``)."""
    cls = getattr(view, "view_class", None)
    if cls is not None:
        view = getattr(cls, request.method.lower(), None)
        if view is None and request.method == "HEAD":  # as MethodView dispatches it
            view = getattr(cls, "get", None)
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") in QUERY_LOCATIONS for p in parameters)


def refuse_undeclared_query() -> None:
    """``before_request``: on a view that declares no query arguments, every non-blank
    query parameter is unknown (``422``, as the parser answers where it declares some)."""
    if not request.args or _declares_query(current_app.view_functions.get(request.endpoint)):
        return
    unknown = sorted(
        name for name, values in request.args.lists() if any(value.strip() for value in values)
    )
    if unknown:
        raise ValidationFailed(fields={name: ["Unknown field."] for name in unknown})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(refuse_undeclared_query)

    def errors(self, *statuses: int):
        """Document the error envelope for each of ``statuses`` (a view decorator)."""

        def decorate(view):
            for status in statuses:
                view = self.alt_response(status, schema=ErrorEnvelopeSchema)(view)
            return view

        return decorate
