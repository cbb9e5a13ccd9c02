"""What a GeoReport v2 answer must look like, for the Open311 tests.

JSON answers are validated against the project's own JSON Schemas (draft 2020-12, in
``schemas/``, written from the GeoReport v2 text: the public schema files carry no licence
to copy). XML answers are checked by :func:`check_xml`: the UTF-8 declaration, the root
element, every element's name where the specification puts it (an unknown one fails),
the required elements, and the values a client parses (dates with a time zone, status,
booleans, numbers, error codes).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"
#: The answers, one schema file each.
JSON_KINDS = (
    "discovery",
    "services",
    "service_definition",
    "requests",
    "requests_extended",
    "post_response",
    "tokens",
    "errors",
)
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
BASE_URI = "https://phananh.invalid/open311/schemas/"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE_URI + path.name, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def json_errors(kind: str, document) -> list[str]:
    """Every way ``document`` breaks the ``kind`` schema, as readable lines (none: valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator(kind).iter_errors(document), key=lambda e: list(e.path))
    ]


def validate_json(kind: str, document) -> None:
    problems = json_errors(kind, document)
    assert not problems, f"{kind} answer breaks its schema:\n" + "\n".join(problems[:20])


# -- XML ---------------------------------------------------------------------------------

#: A leaf's value check.
TEXT = "text"
DATE = "date"
BOOL = "bool"
NUMBER = "number"
INTEGER = "integer"
STATUS = "status"


@dataclass(frozen=True)
class El:
    """An element: its children by name (``None``: a leaf holding text of ``value``), the
    children that must be there, and whether any subtree is allowed (``free``)."""

    children: dict[str, El] | None = None
    required: frozenset[str] = field(default_factory=frozenset)
    value: str = TEXT
    free: bool = False


def leaf(value: str = TEXT) -> El:
    return El(value=value)


def node(required: tuple[str, ...] = (), /, **children: El) -> El:
    return El(children=children, required=frozenset(required))


ANY = El(free=True)

DISCOVERY = node(
    ("changeset", "contact", "key_service", "endpoints"),
    changeset=leaf(DATE),
    contact=leaf(),
    key_service=leaf(),
    endpoints=node(
        ("endpoint",),
        endpoint=node(
            ("specification", "url", "changeset", "type", "formats"),
            specification=leaf(),
            url=leaf(),
            changeset=leaf(DATE),
            type=leaf(),
            formats=node(("format",), format=leaf()),
        ),
    ),
)
SERVICES = node(
    (),
    service=node(
        ("service_code", "service_name", "metadata", "type"),
        service_code=leaf(),
        service_name=leaf(),
        description=leaf(),
        metadata=leaf(BOOL),
        type=leaf(),
        keywords=leaf(),
        group=leaf(),
    ),
)
SERVICE_DEFINITION = node(
    ("service_code", "attributes"),
    service_code=leaf(),
    attributes=node(
        (),
        attribute=node(
            ("variable", "code", "datatype", "required", "order", "description"),
            variable=leaf(BOOL),
            code=leaf(),
            datatype=leaf(),
            required=leaf(BOOL),
            datatype_description=leaf(),
            order=leaf(INTEGER),
            description=leaf(),
            values=node(("value",), value=node(("key", "name"), key=leaf(), name=leaf())),
        ),
    ),
)
_REQUEST_FIELDS = {
    "service_request_id": leaf(),
    "status": leaf(STATUS),
    "status_notes": leaf(),
    "service_name": leaf(),
    "service_code": leaf(),
    "description": leaf(),
    "agency_responsible": leaf(),
    "service_notice": leaf(),
    "requested_datetime": leaf(DATE),
    "updated_datetime": leaf(DATE),
    "expected_datetime": leaf(DATE),
    "address": leaf(),
    "address_id": leaf(),
    "zipcode": leaf(),
    "lat": leaf(NUMBER),
    "long": leaf(NUMBER),
    "media_url": leaf(),
}
_REQUEST_REQUIRED = ("service_request_id", "status", "service_code", "requested_datetime")
REQUESTS = node((), request=node(_REQUEST_REQUIRED, **_REQUEST_FIELDS))
REQUESTS_EXTENDED = node(
    (),
    request=node(
        (*_REQUEST_REQUIRED, "detailed_status", "extended_attributes", "notes"),
        **_REQUEST_FIELDS,
        detailed_status=leaf(),
        extended_attributes=ANY,
        notes=node(
            (),
            note=node(
                ("datetime", "type"),
                datetime=leaf(DATE),
                type=leaf(),
                status=leaf(),
                summary=leaf(),
            ),
        ),
    ),
)
POST_RESPONSE = node(
    ("request",),
    request=node(
        (), service_request_id=leaf(), token=leaf(), service_notice=leaf(), account_id=leaf()
    ),
)
TOKENS = node(("request",), request=node(("token",), service_request_id=leaf(), token=leaf()))
ERRORS = node(
    ("error",),
    error=node(("code", "description"), code=leaf(INTEGER), description=leaf()),
)

#: The answer kinds: their root element's name and its structure.
XML_KINDS: dict[str, tuple[str, El]] = {
    "discovery": ("discovery", DISCOVERY),
    "services": ("services", SERVICES),
    "service_definition": ("service_definition", SERVICE_DEFINITION),
    "requests": ("service_requests", REQUESTS),
    "requests_extended": ("service_requests", REQUESTS_EXTENDED),
    "post_response": ("service_requests", POST_RESPONSE),
    "tokens": ("service_requests", TOKENS),
    "errors": ("errors", ERRORS),
}


def _value_problem(value_kind: str, text: str) -> str | None:
    if not text:  # an empty element is the XML spelling of a null
        return None
    if value_kind == DATE and not DATETIME.match(text):
        return f"{text!r} is not an ISO 8601 date and time with a time zone"
    if value_kind == BOOL and text not in ("true", "false"):
        return f"{text!r} is not true or false"
    if value_kind == STATUS and text not in ("open", "closed"):
        return f"{text!r} is not open or closed"
    if value_kind == INTEGER and not re.fullmatch(r"-?[0-9]+", text):
        return f"{text!r} is not an integer"
    if value_kind == NUMBER:
        try:
            float(text)
        except ValueError:
            return f"{text!r} is not a number"
    return None


def _walk(element: ET.Element, spec: El, path: str, problems: list[str]) -> None:
    if spec.free:
        return
    if spec.children is None:
        if len(element):
            problems.append(f"{path}: a value, not elements ({[c.tag for c in element]})")
        problem = _value_problem(spec.value, (element.text or "").strip())
        if problem:
            problems.append(f"{path}: {problem}")
        return
    if (element.text or "").strip():
        problems.append(f"{path}: text {element.text.strip()[:40]!r} where only elements go")
    seen = set()
    for child in element:
        name = child.tag
        seen.add(name)
        child_spec = spec.children.get(name)
        if child_spec is None:
            problems.append(f"{path}: unknown element <{name}>")
            continue
        _walk(child, child_spec, f"{path}/{name}", problems)
        if (child.tail or "").strip():
            problems.append(f"{path}: stray text after <{name}>")
    for name in sorted(spec.required - seen):
        problems.append(f"{path}: no <{name}>")


def xml_problems(body: bytes, kind: str) -> list[str]:
    """Every way the XML ``body`` breaks the ``kind`` answer's structure (none: conforms)."""
    problems = []
    if not body.startswith(XML_DECLARATION):
        problems.append(f"does not start with {XML_DECLARATION.decode()}: {body[:60]!r}")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    root_name, spec = XML_KINDS[kind]
    if root.tag != root_name:
        return [*problems, f"root element <{root.tag}>, not <{root_name}>"]
    _walk(root, spec, root_name, problems)
    return problems


def check_xml(body: bytes, kind: str) -> ET.Element:
    """Assert that ``body`` is a conforming ``kind`` answer; returns its root element."""
    problems = xml_problems(body, kind)
    assert not problems, f"{kind} XML answer breaks the structure:\n" + "\n".join(problems[:20])
    return ET.fromstring(body)


#: The platform's statuses as the Open311 routes answer them (a refused input is a 400).
OPEN311_STATUS = {422: 400, 401: 403}


def open311_refusal(response, status: int | None = None, code: str | None = None) -> str:
    """Assert ``response`` is an Open311 error in the specification's shape (JSON or XML,
    never the platform's envelope), with ``status`` as Open311 maps it and the platform's
    ``code`` named in its description; returns the description."""
    if status is not None:
        status = OPEN311_STATUS.get(status, status)
        assert response.status_code == status, (response.status_code, response.data[:300])
    if response.mimetype == "application/json":
        document = response.get_json()
        validate_json("errors", document)
        text = " ".join(e["description"] for e in document)
        assert all(e["code"] == response.status_code for e in document)
    else:
        root = check_xml(response.data, "errors")
        text = " ".join(e.text or "" for e in root.iter("description"))
        assert root.find("error/code").text == str(response.status_code)
    if code is not None:
        assert f"[{code}]" in text, text
    return text
