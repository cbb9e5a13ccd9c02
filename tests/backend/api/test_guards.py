"""Input no database can store is refused with the envelope on every route, never a 500:
a NUL (or lone surrogate) anywhere in the path, query, form or JSON body; an id beyond
the INTEGER columns."""

from __future__ import annotations

import io
import re

import pytest

from backend.api.guards import INT_MAX, check_integers, out_of_range
from backend.db import db
from backend.errors import ValidationFailed
from backend.models import Report
from tests.backend.api.routes import session_safe_order
from tests.backend.open311.conformance import open311_refusal
from tests.conftest import photo

NUL = "\x00"
HUGE_IDS = (str(INT_MAX + 1), "99999999999", "9" * 5000)
SKIP_METHODS = {"HEAD", "OPTIONS"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _url(rule, text: str = "x", number: str = "1") -> str:
    """The rule's URL with every string variable ``text`` and every int variable ``number``."""

    def value(match):
        return number if match.group(1) == "int" else text.replace(NUL, "%00")

    return _ARGUMENT.sub(value, rule.rule)


def _headers(rule, resident_headers, admin_headers) -> dict:
    if rule.rule.startswith("/mobile/"):
        return resident_headers
    if rule.rule.startswith(("/staff/", "/moderation/")):
        return admin_headers
    return {}


def _routes(app):
    return [
        (rule, method)
        for rule in session_safe_order(app.url_map.iter_rules())
        for method in sorted(rule.methods - SKIP_METHODS)
    ]


def _assert_refused(response, status: int | None = None, code: str | None = None, rule=None):
    """No 500; the error envelope (or, on the portal, its HTML error page)."""
    where = f"{rule.rule if rule else ''} -> {response.status_code}"
    assert response.status_code < 500, where
    assert response.status_code >= 400, where
    if status is not None and not (rule is not None and rule.rule.startswith("/open311/")):
        assert response.status_code == status, (where, response.get_data(as_text=True)[:300])
    if rule is not None and rule.rule.startswith("/open311/"):
        # Open311 answers errors in the GeoReport v2 shape, never the envelope.
        open311_refusal(response, status, code)
        return None
    if response.mimetype == "text/html":
        # The portal and the staff console answer a person's browser with an HTML page.
        assert (
            rule is None
            or rule.endpoint.startswith("portal.")
            or rule.endpoint == "static"
            or rule.rule.startswith("/console")
        ), rule.rule
        return None
    error = response.get_json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}, where
    assert error["status"] == response.status_code
    assert error["message"]["vi"] and error["message"]["en"]
    if code is not None:
        assert error["code"] == code, (where, error)
    return error


def _assert_no_500(response, rule) -> None:
    """A route that never reads the body may succeed; an error is still the envelope."""
    if response.status_code >= 400:
        _assert_refused(response, rule=rule)


@pytest.fixture
def signed_in(resident, staff, submit):
    submit()  # PA-...-000001 exists, so URL variables name something real where they can
    return resident(), staff("admin")


def test_every_route_refuses_nul_in_the_path_and_the_query(app, client, signed_in):
    resident_headers, admin_headers = signed_in
    for rule, method in _routes(app):
        headers = _headers(rule, resident_headers, admin_headers)
        if "<" in rule.rule and _ARGUMENT.search(rule.rule).group(1) != "int":
            response = client.open(_url(rule, text=f"PA{NUL}1"), method=method, headers=headers)
            error = _assert_refused(response, 422, "invalid_characters", rule)
            if error is not None:
                assert error["fields"], rule.rule
        for query in ("q=%00", "category=a%00b", "%00=1", "page=1%00"):
            response = client.open(f"{_url(rule)}?{query}", method=method, headers=headers)
            _assert_refused(response, 422, "invalid_characters", rule)


def _bodies(client) -> dict[tuple[str, str], set[str]]:
    """(rule, method) -> the request body media types the OpenAPI document declares."""
    spec = client.get("/openapi.json").get_json()
    found = {}
    for path, operations in spec["paths"].items():
        rule = re.sub(r"\{(\w+)\}", r"<\1>", path)
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue  # path-level "parameters"
            content = operation.get("requestBody", {}).get("content", {})
            found[(rule, method.upper())] = set(content)
    return found


def _declared(bodies, rule, method) -> set[str]:
    return bodies.get((_ARGUMENT.sub(lambda m: f"<{m.group(2)}>", rule.rule), method), set())


JSON_BODIES = (
    '{"note": "a\\u0000b"}',
    '{"k\\u0000": "v"}',
    '{"items": [{"text": "\\u0000"}]}',
    '{"reason": "\\ud800"}',
)


def test_every_route_refuses_nul_in_a_json_body(app, client, signed_in):
    resident_headers, admin_headers = signed_in
    bodies = _bodies(client)
    checked = 0
    for rule, method in _routes(app):
        if method == "GET":
            continue
        headers = _headers(rule, resident_headers, admin_headers)
        reads_json = "application/json" in _declared(bodies, rule, method)
        for body in JSON_BODIES:
            response = client.open(
                _url(rule, text="PA-2026-000001"),
                method=method,
                data=body,
                content_type="application/json",
                headers=headers,
            )
            if not reads_json:
                _assert_no_500(response, rule)
            else:
                _assert_refused(response, 422, rule=rule)
                checked += 1
                assert response.get_json()["error"]["code"] == "invalid_characters", rule.rule
    assert checked >= 4 * 25


def test_every_route_refuses_nul_in_a_form_body(app, client, signed_in):
    resident_headers, admin_headers = signed_in
    bodies = _bodies(client)
    checked = 0
    for rule, method in _routes(app):
        if method == "GET":
            continue
        headers = _headers(rule, resident_headers, admin_headers)
        reads_form = "multipart/form-data" in _declared(bodies, rule, method)
        for form in (
            {"description": f"Ổ gà{NUL}", "category": "giao-thong"},
            {f"x{NUL}": "1"},
            {"photos": (io.BytesIO(photo("DSCN0021.jpg")), f"a{NUL}.jpg")},
        ):
            response = client.open(
                _url(rule, text="PA-2026-000001"),
                method=method,
                data=form,
                headers=headers,
                content_type="multipart/form-data",
            )
            if not reads_form:
                _assert_no_500(response, rule)
            else:
                _assert_refused(response, 422, rule=rule)
                checked += 1
                assert response.get_json()["error"]["code"] == "invalid_characters", rule.rule
    assert checked >= 3 * 2


def test_every_route_answers_404_for_an_id_beyond_the_integer_columns(app, client, signed_in):
    resident_headers, admin_headers = signed_in
    with_ids = [(r, m) for r, m in _routes(app) if "<int:" in r.rule]
    assert len(with_ids) >= 5
    for rule, method in with_ids:
        headers = _headers(rule, resident_headers, admin_headers)
        for number in HUGE_IDS:
            response = client.open(
                _url(rule, text="PA-2026-000001", number=number),
                method=method,
                json={"approve": True, "reason": "Ảnh có thông tin cá nhân"},
                headers=headers,
            )
            _assert_refused(response, 404, "not_found", rule)


def test_the_reported_cases(client, signed_in, submit):
    resident_headers, admin_headers = signed_in
    response = client.get("/public/v1/reports?category=%00")
    assert _assert_refused(response, 422, "invalid_characters")["fields"] == {
        "category": ["Contains a NUL or another character that cannot be stored."]
    }
    response = client.post("/staff/v1/auth/login", json={"username": NUL, "password": "demo"})
    assert "username" in _assert_refused(response, 422, "invalid_characters")["fields"]
    for field in ("description", "address"):
        response = submit(resident_headers, **{field: f"Ổ gà lớn {NUL} đường Hai Bà Trưng"})
        assert field in _assert_refused(response, 422, "invalid_characters")["fields"]
    response = client.post(
        "/staff/v1/reports/PA-2026-000001/updates", json={"note": NUL}, headers=admin_headers
    )
    assert "note" in _assert_refused(response, 422, "invalid_characters")["fields"]
    for owner, headers in (("mobile", resident_headers), ("staff", admin_headers)):
        response = client.post(
            f"/{owner}/v1/devices",
            json={"token": f"fcm-token-{NUL}-1234", "platform": "android"},
            headers=headers,
        )
        assert "token" in _assert_refused(response, 422, "invalid_characters")["fields"]
        response = client.delete(f"/{owner}/v1/devices/fcm%00token", headers=headers)
        assert "token" in _assert_refused(response, 422, "invalid_characters")["fields"]
        response = client.post(f"/{owner}/v1/inbox/99999999999/read", headers=headers)
        _assert_refused(response, 404, "not_found")
    # Nothing of it was stored.
    assert db.session.query(Report).count() == 1


def test_the_portal_answers_its_html_error_page(client, city):
    response = client.get("/?q=%00", headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True).lower()
    response = client.get("/r/PA%00", headers={"Accept": "text/html"})
    assert (response.status_code, response.mimetype) == (422, "text/html")


def test_integers_in_arguments_cannot_overflow_the_database(client, resident):
    for query in ("page=99999999999", "page_size=99999999999", "page=-99999999999"):
        response = client.get(f"/public/v1/reports?{query}")
        _assert_refused(response, 422, "validation_error")
    response = client.get("/mobile/v1/inbox?page=99999999999", headers=resident())
    _assert_refused(response, 422, "validation_error")


def test_out_of_range_integers_are_found_anywhere_in_parsed_arguments():
    assert out_of_range({"page": 3, "ids": [1, 2]}) is None
    assert out_of_range({"ok": True, "n": INT_MAX}) is None
    assert out_of_range({"filter": {"ids": [1, INT_MAX + 1]}}) == "filter.ids.1"
    assert out_of_range({"n": -(INT_MAX + 2)}) == "n"
    with pytest.raises(ValidationFailed) as raised:
        check_integers({"original_id": 10**20})
    assert raised.value.code == "number_out_of_range"
    assert raised.value.fields == {"original_id": ["Must be between -2147483648 and 2147483647."]}


def test_an_export_limit_beyond_the_database_is_no_limit(client, submit):
    submit()
    for limit in ("99999999999999999999", str(INT_MAX + 1), "9" * 5000):
        for path in ("/open-data/reports.csv", "/open-data/reports.geojson"):
            response = client.get(f"{path}?limit={limit}")
            assert response.status_code == 200, (path, limit)
            assert "PA-" in response.get_data(as_text=True)


def test_a_multipart_part_without_a_name_is_no_500(client, signed_in):
    """Found by fuzzing: a part with a file name but no field name (its key is None)."""
    resident_headers, admin_headers = signed_in
    body = (
        b'--b\r\nContent-Disposition: form-data; filename="x.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\nabc\r\n--b--\r\n"
    )
    for path, headers in (
        ("/mobile/v1/reports", resident_headers),
        ("/staff/v1/reports/PA-2026-000001/resolve", admin_headers),
    ):
        response = client.post(
            path, data=body, content_type="multipart/form-data; boundary=b", headers=headers
        )
        assert 400 <= response.status_code < 500, (path, response.get_data(as_text=True)[:300])
        assert response.get_json()["error"]["code"]
