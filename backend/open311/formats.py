"""Open311 answers in JSON and XML, and errors in the specification's shape.

An answer is built once as plain data (dicts, lists, strings, numbers, booleans, None) and
written in the format the URL asks (``.json``, ``.xml``; none: XML, the specification's
required format). XML: UTF-8 with its declaration; a list is an element per item, named
by :data:`ITEMS` (``endpoints`` → ``endpoint``...); None is an empty element; booleans are
``true``/``false``. Errors: ``[{"code": 400, "description": "..."}]`` and
``<errors><error><code>400</code><description>…</description></error></errors>``.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from flask import Response, request

from backend.domain.open311 import Format
from backend.i18n import DEFAULT, LANGUAGES

CONTENT_TYPES = {
    Format.JSON: "application/json; charset=utf-8",
    Format.XML: "text/xml; charset=utf-8",
}
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: The element of each item of a list, by the list's name.
ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "notes": "note",
    "history": "entry",
}


def current() -> Format:
    """The format the request's URL names by its extension (``.json``, ``.xml``); XML
    when it names none or another (the answer to that is a 404 in XML)."""
    name = request.path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Format.JSON if extension == Format.JSON else Format.XML


def language() -> str:
    """The reader's language: ``?lang=``, else ``Accept-Language`` (a client sets it more
    often than a cookie), else Vietnamese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def known(extension: str) -> bool:
    return extension.lower() in (Format.JSON, Format.XML)


def text(data, root: str) -> str:
    """``data`` written in the request's format; ``root`` names the XML document element (a list's
    items are then named by :data:`ITEMS`)."""
    if current() == Format.JSON:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    element = ET.Element(root)
    _fill(element, root, data)
    return DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def content_type() -> str:
    return CONTENT_TYPES[current()]


def respond(data, root: str, status: int = 200) -> Response:
    return Response(text(data, root), status=status, content_type=content_type())


def errors(status: int, descriptions: list[str]) -> Response:
    body = [{"code": status, "description": d} for d in descriptions]
    return respond(body, "errors", status)


def _fill(element: ET.Element, name: str, value) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), key, item)
    elif isinstance(value, list | tuple):
        child = ITEMS.get(name, "item")
        for item in value:
            _fill(ET.SubElement(element, child), child, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _clean(str(value))


def _clean(value: str) -> str:
    """XML 1.0 cannot hold most control characters nor U+FFFE/U+FFFF: they are dropped
    (the JSON keeps them)."""
    return "".join(c for c in value if (c >= " " or c in "\t\n\r") and c not in "\ufffe\uffff")
