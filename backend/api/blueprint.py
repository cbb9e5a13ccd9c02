"""flask-smorest Blueprint with one more argument location: ``multipart``.

A report upload is one multipart/form-data body holding text fields and files.
flask-smorest documents a single request body per operation, so form fields
and files are parsed by one schema, from ``request.form`` and
``request.files`` together, and documented as one ``multipart/form-data`` body.

Query parameters a route does not declare are refused: see
:attr:`Parser.DEFAULT_UNKNOWN_BY_LOCATION`.

Every view's arguments pass the input guards (:mod:`backend.api.guards`): no NUL in a
JSON body, no integer an INTEGER column cannot hold.
"""

from __future__ import annotations

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from backend.api import guards
from backend.errors import DomainError


class UnsupportedMediaType(DomainError):
    status = 415
    code = "multipart_required"
    message_vi = "Cần gửi dữ liệu dạng multipart/form-data (kèm ảnh)."
    message_en = "Send this request as multipart/form-data (with the photos)."


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

    def load_json(self, req, schema):
        document = super().load_json(req, schema)
        guards.check_json(document)
        return document

    def parse(self, *args, **kwargs):
        arguments = super().parse(*args, **kwargs)
        guards.check_integers(arguments)
        return arguments


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }
