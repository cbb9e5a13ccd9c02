"""The Open311 schemas and XML checker themselves: documents shaped as GeoReport v2 says
pass, and each way of breaking it fails (so a live answer passing them means something)."""

from __future__ import annotations

import copy

import pytest

from tests.backend.open311.conformance import (
    JSON_KINDS,
    XML_DECLARATION,
    check_xml,
    json_errors,
    validator,
    xml_problems,
)

WHEN = "2026-12-02T09:15:00+07:00"

DISCOVERY = {
    "changeset": WHEN,
    "contact": "Trung tâm điều hành, 0292 1022",
    "key_service": "Ask the administrator of the province for a key",
    "endpoints": [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "https://phananh.example/open311/v2",
            "changeset": WHEN,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ],
}
SERVICES = [
    {
        "service_code": "road-damage",
        "service_name": "Hư hỏng đường",
        "description": "Ổ gà, sụt lún",
        "metadata": True,
        "type": "realtime",
        "keywords": "đường,ổ gà",
        "group": "Hạ tầng",
    }
]
DEFINITION = {
    "service_code": "road-damage",
    "attributes": [
        {
            "variable": True,
            "code": "depth",
            "datatype": "number",
            "required": False,
            "datatype_description": None,
            "order": 1,
            "description": "Độ sâu (cm)",
        },
        {
            "variable": True,
            "code": "lanes",
            "datatype": "multivaluelist",
            "required": True,
            "datatype_description": None,
            "order": 2,
            "description": "Làn đường",
            "values": [{"key": "left", "name": "Trái"}, {"key": "right", "name": "Phải"}],
        },
    ],
}
REQUEST = {
    "service_request_id": "PA-2026-000123",
    "status": "open",
    "status_notes": None,
    "service_name": "Hư hỏng đường",
    "service_code": "road-damage",
    "description": "Ổ gà lớn trước số 12",
    "agency_responsible": "Sở Xây dựng",
    "service_notice": None,
    "requested_datetime": WHEN,
    "updated_datetime": "2026-12-02T02:15:00Z",
    "expected_datetime": None,
    "address": "12 Hòa Bình, Ninh Kiều",
    "address_id": None,
    "zipcode": None,
    "lat": 10.0341,
    "long": 105.7882,
    "media_url": "https://phananh.example/media/r/abc/large.jpg",
}
EXTENDED = REQUEST | {
    "detailed_status": "IN_PROGRESS",
    "extended_attributes": {
        "status": "IN_PROGRESS",
        "status_name": "Đang xử lý",
        "deadlines": {"handling": WHEN},
        "department": {"code": "so-xd", "name": "Sở Xây dựng"},
        "rating": None,
        "attributes": {"depth": 12},
        "channel": "open311",
    },
    "notes": [{"datetime": WHEN, "type": "status", "status": "open", "summary": "Đã tiếp nhận"}],
}
POSTED = [
    {"service_request_id": None, "token": "t-8f2c", "service_notice": None, "account_id": None}
]
TOKENS = [{"service_request_id": "PA-2026-000123", "token": "t-8f2c"}]
ERRORS = [{"code": 400, "description": "service_code is required"}]

VALID = {
    "discovery": DISCOVERY,
    "services": SERVICES,
    "service_definition": DEFINITION,
    "requests": [REQUEST],
    "requests_extended": [EXTENDED],
    "post_response": POSTED,
    "tokens": TOKENS,
    "errors": ERRORS,
}


def _with(document, path: tuple, value=..., drop: bool = False):
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    if drop:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize("kind", JSON_KINDS)
def test_each_schema_is_valid_2020_12_and_accepts_the_spec_shape(kind):
    validator(kind)  # check_schema inside
    assert json_errors(kind, VALID[kind]) == []


INVALID = [
    ("discovery", _with(DISCOVERY, ("changeset",), "2026-12-02T09:15:00"), "no time zone"),
    ("discovery", _with(DISCOVERY, ("endpoints", 0, "type"), "staging"), "type"),
    ("discovery", _with(DISCOVERY, ("endpoints", 0, "formats"), ["text/html"]), "format"),
    ("discovery", _with(DISCOVERY, ("key_service",), drop=True), "required"),
    ("services", _with(SERVICES, (0, "service_code"), 12), "code a number"),
    ("services", _with(SERVICES, (0, "metadata"), "true"), "metadata a string"),
    ("services", _with(SERVICES, (0, "type"), "instant"), "type"),
    ("services", _with(SERVICES, (0, "colour"), "red"), "unknown field"),
    ("service_definition", _with(DEFINITION, ("attributes", 1, "values"), drop=True), "no values"),
    ("service_definition", _with(DEFINITION, ("attributes", 0, "datatype"), "boolean"), "type"),
    ("service_definition", _with(DEFINITION, ("attributes", 0, "order"), "1"), "order string"),
    (
        "service_definition",
        _with(DEFINITION, ("attributes", 0, "values"), [{"key": "a", "name": "A"}]),
        "values on a number",
    ),
    (
        "service_definition",
        _with(DEFINITION, ("attributes", 1, "values", 0, "key"), 1),
        "key a number",
    ),
    ("requests", [_with(REQUEST, ("service_request_id",), 123)], "id a number"),
    ("requests", [_with(REQUEST, ("status",), "in_progress")], "status"),
    ("requests", [_with(REQUEST, ("lat",), "10.03")], "lat a string"),
    ("requests", [_with(REQUEST, ("long",), 200)], "long out of range"),
    ("requests", [_with(REQUEST, ("requested_datetime",), "2026-12-02")], "a date only"),
    ("requests", [_with(REQUEST, ("media_url",), "/media/x.jpg")], "relative media_url"),
    ("requests", [_with(REQUEST, ("agency_responsible",), drop=True)], "missing field"),
    ("requests", [REQUEST | {"detailed_status": "NEW"}], "an extension without extensions"),
    ("requests", [EXTENDED], "extended fields without extensions"),
    ("requests", REQUEST, "not an array"),
    ("requests_extended", [REQUEST], "no extension fields"),
    ("requests_extended", [EXTENDED | {"reporter_phone": "+849"}], "unknown extension"),
    ("requests_extended", [_with(EXTENDED, ("notes", 0, "datetime"), "yesterday")], "note date"),
    ("post_response", POSTED[0], "not an array"),
    ("post_response", [POSTED[0] | {"token": None}], "neither id nor token"),
    ("post_response", [POSTED[0] | {"service_request_id": 5}], "id a number"),
    ("tokens", [TOKENS[0] | {"token": None}], "no token"),
    ("errors", {"error": {"code": "bad_request", "message": "x"}}, "the platform's envelope"),
    ("errors", [{"code": "400", "description": "x"}], "code a string"),
    ("errors", [{"code": 400, "description": "x", "field": "lat"}], "extra field"),
    ("errors", [], "empty"),
]


@pytest.mark.parametrize(("kind", "document", "why"), INVALID, ids=[i[2] for i in INVALID])
def test_each_schema_refuses_what_the_spec_does_not_allow(kind, document, why):
    assert json_errors(kind, document), why


def _xml(body: str) -> bytes:
    return XML_DECLARATION + body.encode()


XML_VALID = {
    "discovery": (
        "<discovery><changeset>2026-12-02T09:15:00+07:00</changeset><contact>IOC</contact>"
        "<key_service>Ask the administrator</key_service><endpoints><endpoint>"
        "<specification>http://wiki.open311.org/GeoReport_v2</specification>"
        "<url>https://x.example/open311/v2</url><changeset>2026-12-02T02:15:00Z</changeset>"
        "<type>production</type><formats><format>text/xml</format>"
        "<format>application/json</format></formats></endpoint></endpoints></discovery>"
    ),
    "services": (
        "<services><service><service_code>road</service_code><service_name>Đường</service_name>"
        "<description/><metadata>true</metadata><type>realtime</type><keywords>a,b</keywords>"
        "<group>Hạ tầng</group></service></services>"
    ),
    "service_definition": (
        "<service_definition><service_code>road</service_code><attributes><attribute>"
        "<variable>true</variable><code>lanes</code><datatype>singlevaluelist</datatype>"
        "<required>false</required><datatype_description/><order>1</order>"
        "<description>Làn</description><values><value><key>l</key><name>Trái</name></value>"
        "</values></attribute></attributes></service_definition>"
    ),
    "requests": (
        "<service_requests><request><service_request_id>PA-2026-000001</service_request_id>"
        "<status>closed</status><status_notes>Đã sửa</status_notes><service_name>Đường"
        "</service_name><service_code>road</service_code><description>x</description>"
        "<agency_responsible>Sở XD</agency_responsible><service_notice/>"
        "<requested_datetime>2026-12-01T08:00:00+07:00</requested_datetime>"
        "<updated_datetime>2026-12-02T08:00:00+07:00</updated_datetime><expected_datetime/>"
        "<address>12 Hòa Bình</address><address_id/><zipcode/><lat>10.03</lat>"
        "<long>105.78</long><media_url/></request></service_requests>"
    ),
    "post_response": (
        "<service_requests><request><token>t-1</token><service_notice/><account_id/>"
        "</request></service_requests>"
    ),
    "tokens": (
        "<service_requests><request><service_request_id>PA-1</service_request_id>"
        "<token>t-1</token></request></service_requests>"
    ),
    "errors": (
        "<errors><error><code>403</code><description>api_key is unknown</description></error>"
        "</errors>"
    ),
}


@pytest.mark.parametrize("kind", sorted(XML_VALID))
def test_the_xml_checker_accepts_the_spec_structure(kind):
    check_xml(_xml(XML_VALID[kind]), kind)


XML_INVALID = [
    ("errors", XML_VALID["errors"].encode(), "no declaration"),
    (
        "errors",
        b"<?xml version='1.0' encoding='utf-8'?>" + XML_VALID["errors"].encode(),
        "another declaration",
    ),
    ("errors", _xml("<error><code>400</code><description>x</description></error>"), "root"),
    (
        "errors",
        _xml("<errors><error><code>bad</code><description>x</description></error></errors>"),
        "code",
    ),
    ("errors", _xml("<errors><error><description>x</description></error></errors>"), "no code"),
    (
        "services",
        _xml(XML_VALID["services"].replace("<group>", "<colour>x</colour><group>")),
        "unknown",
    ),
    ("services", _xml(XML_VALID["services"].replace(">true<", ">yes<")), "metadata"),
    ("requests", _xml(XML_VALID["requests"].replace(">closed<", ">resolved<")), "status"),
    (
        "requests",
        _xml(XML_VALID["requests"].replace("2026-12-01T08:00:00+07:00", "2026-12-01 08:00")),
        "date",
    ),
    (
        "requests",
        _xml(
            XML_VALID["requests"].replace(
                "<media_url/>", "<media_url/><detailed_status>NEW</detailed_status>"
            )
        ),
        "extension without extensions",
    ),
    ("requests", _xml(XML_VALID["requests"].replace(">10.03<", ">north<")), "lat"),
    (
        "service_definition",
        _xml(XML_VALID["service_definition"].replace("<key>l</key>", "<id>l</id>")),
        "value child",
    ),
    (
        "tokens",
        _xml("<service_requests><request><service_request_id/></request></service_requests>"),
        "no token",
    ),
    ("discovery", _xml(XML_VALID["discovery"].replace("<contact>IOC</contact>", "")), "no contact"),
    ("discovery", _xml("<discovery><changeset>"), "not well-formed"),
]


@pytest.mark.parametrize(("kind", "body", "why"), XML_INVALID, ids=[i[2] for i in XML_INVALID])
def test_the_xml_checker_refuses_what_the_spec_does_not_allow(kind, body, why):
    assert xml_problems(body, kind), why
