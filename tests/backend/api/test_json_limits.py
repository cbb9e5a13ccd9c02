"""JSON the server cannot read is ``400 invalid_json`` on every route, never a 500.

Python's parser gives up on arrays nested about 1,000 deep (``RecursionError``) and on
integers of more than 4,300 digits (``ValueError``); both used to escape webargs as a 500,
the unauthenticated sign-ins included.
"""

from __future__ import annotations

import re

import pytest
from flask import request

from backend.api.guards import MAX_JSON_DEPTH, InvalidJSON, parse_json, too_deep
from tests.backend.api.routes import session_safe_order
from tests.backend.open311.conformance import open311_refusal

pytestmark = pytest.mark.postgres  # the same on SQLite and PostgreSQL

SKIP_METHODS = {"HEAD", "OPTIONS"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
DIGITS = "9" * 4301


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


#: Bodies no route may answer with a 500; every route that reads JSON answers 400.
UNREADABLE = {
    "arrays 1000 deep": "[" * 1000 + "]" * 1000,
    "objects 1000 deep": '{"a":' * 1000 + "1" + "}" * 1000,
    "unclosed, 60000 deep": "[" * 60_000,  # within the 64 kB a body may have
    "a field 1000 deep": '{"username": ' + _nested(1000) + ', "password": "x"}',
    "a field 500 deep": '{"username": ' + _nested(500) + ', "password": "x"}',
    f"{MAX_JSON_DEPTH + 1} deep": _nested(MAX_JSON_DEPTH + 1),
    "4301 digits in a field": '{"username": ' + DIGITS + ', "password": "x"}',
    "4301 digits, negative, in a list": '{"ids": [1, -' + DIGITS + "]}",
    "a bare 4301-digit integer": "1" * 4301,
    "malformed": '{"note": ',
    "not UTF-8": b'{"note": "\xff\xfe"}',
}


def _url(rule, code: str) -> str:
    return _ARGUMENT.sub(lambda m: "1" if m.group(1) == "int" else code, rule.rule)


def _declares_json(client) -> set[tuple[str, str]]:
    """(rule with <name> variables, METHOD) whose OpenAPI operation takes a JSON body."""
    spec = client.get("/openapi.json").get_json()
    found = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "application/json" in operation.get(
                "requestBody", {}
            ).get("content", {}):
                found.add((re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper()))
    return found


def _assert_envelope(response, where) -> dict:
    assert response.status_code < 500, where
    error = response.get_json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}, where
    assert error["status"] == response.status_code, where
    assert error["message"]["vi"] and error["message"]["en"], where
    return error


@pytest.fixture
def signed_in(resident, staff, submit):
    code = submit().get_json()["code"]
    return code, resident(), staff("admin")


def test_every_json_route_answers_400_invalid_json(app, client, signed_in):
    code, resident_headers, admin_headers = signed_in
    reads_json = _declares_json(client)
    checked = set()
    for rule in session_safe_order(app.url_map.iter_rules()):
        for method in sorted(rule.methods - SKIP_METHODS - {"GET"}):
            headers = {}
            if rule.rule.startswith("/mobile/"):
                headers = resident_headers
            elif rule.rule.startswith(("/staff/", "/moderation/")):
                headers = admin_headers
            declared = (_ARGUMENT.sub(r"<\2>", rule.rule), method) in reads_json
            for name, body in UNREADABLE.items():
                response = client.open(
                    _url(rule, code),
                    method=method,
                    data=body,
                    content_type="application/json",
                    headers=headers,
                )
                where = (method, rule.rule, name, response.status_code)
                if not declared:  # never reads the body: it may succeed, never a 500
                    assert response.status_code < 500, where
                    if rule.rule.startswith("/open311/"):
                        if response.status_code >= 400:  # the spec's errors, not the envelope
                            open311_refusal(response)
                    elif response.status_code >= 400 and response.mimetype != "text/html":
                        _assert_envelope(response, where)
                    continue
                error = _assert_envelope(response, where)
                assert (response.status_code, error["code"]) == (400, "invalid_json"), (
                    where,
                    error,
                )
                assert error["fields"]["body"], where
                checked.add((rule.rule, method))
    assert len(checked) >= 25
    assert {("/staff/v1/auth/login", "POST"), ("/mobile/v1/auth/firebase", "POST")} <= checked


def test_the_reported_bodies(client, city):
    for path in ("/staff/v1/auth/login", "/mobile/v1/auth/firebase"):
        for body, reason in (
            ("[" * 1000 + "]" * 1000, f"Nested more than {MAX_JSON_DEPTH} levels deep."),
            ('{"username": ' + DIGITS + "}", "A number has more than 4300 digits."),
            ("1" * 4301, "A number has more than 4300 digits."),
        ):
            response = client.post(path, data=body, content_type="application/json")
            assert response.status_code == 400, (path, response.get_data(as_text=True)[:200])
            error = response.get_json()["error"]
            assert error["code"] == "invalid_json"
            assert error["message"] == {
                "vi": "Nội dung gửi lên không phải JSON hợp lệ.",
                "en": "The request body is not valid JSON.",
            }
            assert error["fields"] == {"body": [reason]}


def test_what_the_api_can_read_still_reaches_validation(client, city):
    # Nested as deep as allowed: read, then refused by the schema (a username is a string).
    body = '{"username": ' + _nested(MAX_JSON_DEPTH - 1) + ', "password": "x"}'
    response = client.post("/staff/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
    # 4,300 digits can be parsed: beyond the INTEGER columns, named.
    response = client.post("/staff/v1/auth/login", json={"username": int("9" * 4300)})
    assert response.status_code == 422
    # An empty JSON body is no body.
    response = client.post("/staff/v1/auth/login", data="", content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"
    response = client.post("/staff/v1/auth/login", json={"username": "admin", "password": "demo"})
    assert response.status_code == 200


def test_request_get_json_answers_the_same(app):
    for body in ("[" * 1000 + "]" * 1000, _nested(MAX_JSON_DEPTH + 1), "1" * 4301, "{"):
        with app.test_request_context(
            "/staff/v1/auth/login", method="POST", data=body, content_type="application/json"
        ):
            with pytest.raises(InvalidJSON):
                request.get_json()
            assert request.get_json(silent=True) is None
    with app.test_request_context(
        "/x", method="POST", data=_nested(MAX_JSON_DEPTH), content_type="application/json"
    ):
        assert too_deep(request.get_json(), MAX_JSON_DEPTH - 1)


def test_parse_json_and_depth():
    assert parse_json(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert not too_deep({"a": [1, {"b": None}]}, 3)
    assert too_deep({"a": [1, {"b": []}]}, 3)
    assert not too_deep("[[[[", 0)
    for body in (b"[" * 5000, ("9" * 5000).encode(), b"\xff", b"{"):
        with pytest.raises(InvalidJSON) as raised:
            parse_json(body)
        assert raised.value.status == 400 and raised.value.fields["body"]
