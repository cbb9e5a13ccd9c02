"""Input the databases cannot store, refused in one place for every route.

* Text holding a NUL character (PostgreSQL refuses it in ``text``/``varchar``) or a lone
  UTF-16 surrogate (not encodable as UTF-8): ``422 invalid_characters`` naming the field,
  before any query runs. The path and every query argument are checked before the view
  (``before_request``); a body when it is first read, so authentication still comes before
  the body: every form field and file name (:class:`GuardedRequest`, Flask's request
  class for the app) and every key and string of a JSON document
  (:class:`backend.api.blueprint.Parser` calls :func:`check_json`).
* Integers beyond the database's ``INTEGER`` columns: an ``<int:...>`` path segment
  beyond them matches no route (``404``, :class:`BoundedIntConverter`), and the parsed
  arguments of every API view are checked (``422 number_out_of_range``,
  :func:`check_integers`, called by the same parser).
* JSON the server cannot read: malformed or not UTF-8, nested more than
  :data:`MAX_JSON_DEPTH` levels (Python's parser gives up with ``RecursionError`` near
  1,000) or holding an integer of more than 4,300 digits (``ValueError``): ``400
  invalid_json`` (:func:`parse_json`, used by the parser; :class:`GuardedRequest` answers
  the same for ``request.get_json``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

from backend.domain.text import N_
from backend.errors import DomainError, ValidationFailed
from backend.services.photos import TooManyPhotos

#: The range of the INTEGER (int4) columns every id lives in.
INT_MIN, INT_MAX = -2_147_483_648, 2_147_483_647
#: NUL and the surrogate range (only ever lone in a Python str: UTF-8 cannot hold them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_MESSAGE = "Contains a NUL or another character that cannot be stored."
#: No body the API reads nests more than three levels; anything deeper than this is
#: refused before a schema, or the NUL and integer checks, walk it.
MAX_JSON_DEPTH = 32
_TOO_DEEP = f"Nested more than {MAX_JSON_DEPTH} levels deep."


class InvalidCharacters(ValidationFailed):
    code = "invalid_characters"
    message = N_("The request contains characters that are not allowed (NUL or broken encoding).")


class NumberOutOfRange(ValidationFailed):
    code = "number_out_of_range"
    message = N_("The request contains a number that is out of range.")


class InvalidJSON(DomainError):
    status = 400
    code = "invalid_json"
    message = N_("The request body is not valid JSON.")


def _unreadable(error: Exception) -> InvalidJSON:
    if isinstance(error, RecursionError):
        reason = _TOO_DEEP
    elif isinstance(error, UnicodeDecodeError):
        reason = "Not UTF-8."
    elif isinstance(error, json.JSONDecodeError):
        reason = str(error)
    else:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        reason = f"A number has more than {sys.get_int_max_str_digits()} digits."
    return InvalidJSON(fields={"body": [reason]})


def parse_json(data: bytes) -> Any:
    """The decoded JSON body, or ``400 invalid_json``; never a ``RecursionError`` or a
    ``ValueError`` (a 500)."""
    try:
        return json.loads(data.decode("utf-8"))
    except (RecursionError, ValueError) as error:  # JSONDecodeError, UnicodeDecodeError too
        raise _unreadable(error) from None


def too_deep(document: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (level by level, without
    recursion)."""
    level = [document]
    for _ in range(limit):
        level = [
            item
            for container in level
            if isinstance(container, dict | list)
            for item in (container.values() if isinstance(container, dict) else container)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` limited to the INTEGER columns: a larger id is a 404, never a query."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str):
        # Python refuses to parse integers of more than 4,300 digits (ValueError, a 500).
        if len(value.lstrip("+-").lstrip("0")) > len(str(INT_MAX)):
            raise ValidationError()
        return super().to_python(value)


def unstorable(text: str) -> bool:
    """NUL, or a lone surrogate (which UTF-8 cannot encode)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(name: str) -> str:
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


def _refuse_first(pairs: Iterable[tuple[str, str]]) -> None:
    for name, text in pairs:
        if unstorable(text):
            raise InvalidCharacters(fields={_printable(name) or "body": [_MESSAGE]})


def _multidict_strings(data) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        key = key or ""  # a multipart part without a name has the key None
        yield key, key
        for value in values:
            yield key, value if isinstance(value, str) else (value.filename or "")


def _json_strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every key and string of a decoded JSON document."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            yield name, str(key)
            yield from _json_strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}.{index}" if where else str(index))


def check_json(document: Any) -> None:
    """``400 invalid_json`` when ``document`` nests too deeply; ``422 invalid_characters``
    for its first key or string holding NUL."""
    if too_deep(document):
        raise InvalidJSON(fields={"body": [_TOO_DEEP]})
    _refuse_first(_json_strings(document))


def refuse_unstorable_url() -> None:
    """``before_request``: the path (each URL variable by its name) and the query string."""
    _refuse_first(
        (name, value) for name, value in (request.view_args or {}).items() if isinstance(value, str)
    )
    _refuse_first([("path", request.path)])
    _refuse_first(_multidict_strings(request.args))


#: The largest body a request other than an upload may send. The API's JSON bodies are a
#: few kB (a description is at most 5,000 characters); walking a parsed document costs
#: time per item, so an 88 MB body of small arrays kept a worker busy past its timeout.
MAX_BODY_BYTES = 64 * 1024


class GuardedRequest(Request):
    """Flask's request, refusing unstorable text in form fields, file names and JSON
    the first time the body is read (so a view authenticates before reading it), and any
    body but a multipart upload over :data:`MAX_BODY_BYTES` (413, before it is read)."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data":
            return limit  # photos: MAX_CONTENT_LENGTH, from the photo limits
        return MAX_BODY_BYTES if limit is None else min(limit, MAX_BODY_BYTES)

    def _load_form_data(self) -> None:
        loaded = "form" in self.__dict__
        super()._load_form_data()
        if not loaded:
            _refuse_first(_multidict_strings(self.form))
            _refuse_first(_multidict_strings(self.files))
            _refuse_too_many_files(self)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            document = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as error:  # not a ValueError: Werkzeug lets it through
            if silent:
                return None
            raise _unreadable(error) from None
        if document is not None:
            if silent and too_deep(document):
                return None
            check_json(document)
        return document

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:  # not a JSON content type: Flask's 415
            return super().on_json_loading_failed(e)
        raise _unreadable(e) from None


def _refuse_too_many_files(req: Request) -> None:
    """``422 too_many_photos`` once the form is parsed, before a view reads (or decodes)
    one photo, when it holds more files than a report takes. The console's pages say it
    on their own form (their CSRF check parses the form before any view)."""
    if req.path.startswith("/console"):
        return
    limit = current_app.config["MAX_PHOTOS_PER_REPORT"]
    count = sum(len(files) for _, files in req.files.lists())
    if count > limit:
        raise TooManyPhotos(fields={"photos": [f"At most {limit} photos."]})


def refuse_declared_oversize() -> None:
    """``before_request``, first of all: a declared ``Content-Length`` over the limit
    (:data:`MAX_BODY_BYTES`, or ``MAX_CONTENT_LENGTH`` for a multipart upload) is 413
    before authentication and before one byte of the body is read. A body without a
    length (chunked) is cut off with the same 413 once it runs over, while it is read
    (Werkzeug's limited input stream)."""
    length, limit = request.content_length, request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise RequestEntityTooLarge()


def out_of_range(value: Any, where: str = "") -> str | None:
    """The field path of the first integer in ``value`` an INTEGER column cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else (where or "body")
    if isinstance(value, dict):
        items: Iterable = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = out_of_range(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


def check_integers(arguments: Any) -> None:
    """422 ``number_out_of_range`` when parsed arguments hold an integer beyond INTEGER."""
    field = out_of_range(arguments)
    if field is not None:
        raise NumberOutOfRange(fields={field: [f"Must be between {INT_MIN} and {INT_MAX}."]})


def init_app(app: Flask) -> None:
    """Install the guards; call before any route is added (the converter applies to the
    rules added after it)."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_declared_oversize)
    app.before_request(refuse_unstorable_url)
