"""A third-party Open311 client's mistakes and retries against the live server (issue
15): every error case answers in the specification's format (a JSON array of
``{code, description}``, XML ``<errors><error>``) with its HTTP status and names the
parameter it is about, never the platform's ``{"error": {...}}`` envelope; retried POSTs,
the duplicate window and the per-client limit. The server: ``conftest.live``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.backend.open311.live import (
    FORMATS,
    JURISDICTION,
    LAT,
    POSTED,
    QUESTIONS,
    Live,
    answer_of,
    form,
    plain_photo,
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_retried_post_with_its_idempotency_key_answers_the_same_request(live, fmt):
    retry = {"Idempotency-Key": f"open311-retry-{fmt}-0001"}
    body = form(live, description=f"Quán ăn bày bàn ghế kín vỉa hè, xin kiểm tra ({fmt})")
    first = live.call(
        "POST", "requests", fmt, "post_response", expect=POSTED, data=body, headers=retry
    )
    again = live.call(
        "POST", "requests", fmt, "post_response", expect=POSTED, data=body, headers=retry
    )
    assert again.data == first.data and again.data[0]["service_request_id"]
    # the same key with another request: refused, in the spec's error format
    other = {**body, "description": f"Một phản ánh khác về vỉa hè bị lấn chiếm ({fmt})"}
    refused = live.http.post(live.url("requests", fmt), data=other, headers=retry, timeout=30)
    assert 400 <= refused.status_code < 500, refused.text
    errors = answer_of(refused, fmt, "errors").data
    assert all(int(e["code"]) == refused.status_code for e in errors)


@pytest.mark.parametrize("encoding", ["form", "multipart"])
def test_two_different_requests_within_the_duplicate_window_are_both_filed(
    live, as_deployed, encoding
):
    """The duplicate window answers a request sent twice with the first answer; two
    different requests are two requests, however they are encoded."""
    url = f"{as_deployed}/open311/v2/requests.json"
    ids = []
    for n in (1, 2):
        body = form(
            live,
            description=f"{encoding} {n}: vỉa hè trước chợ bị lấn chiếm làm bãi xe",
            lat=str(LAT + n / 1000),
        )
        response = live.http.post(
            url, data=body, files=plain_photo() if encoding == "multipart" else None, timeout=30
        )
        assert response.status_code in POSTED, response.text
        ids.append(answer_of(response, "json", "post_response").data[0]["service_request_id"])
        assert response.headers.get("Idempotent-Replayed") is None, (
            f"request {n} ({encoding}) answered as a replay of an earlier one: {ids}"
        )
    assert ids[0] != ids[1]


def test_a_client_over_its_limit_is_refused_in_the_spec_format(live, as_deployed):
    statuses = []
    for n in range(7):
        body = form(live, description=f"Lần thứ {n + 1}: vỉa hè bị lấn chiếm trước cổng chợ")
        response = live.http.post(
            f"{as_deployed}/open311/v2/requests.xml", data=body, files=plain_photo(), timeout=30
        )
        statuses.append(response.status_code)
        if response.status_code not in POSTED:
            break
    assert statuses[-1] == 429, statuses
    assert len(statuses) <= 6, statuses  # five a minute, whatever the other tests used
    errors = answer_of(response, "xml", "errors").data
    assert [int(e["code"]) for e in errors] == [429]
    assert response.headers.get("Retry-After")


# -- every error in the specification's format ----------------------------------------------


def _error(live: Live, method: str, path: str, fmt: str, expect: int | tuple, **kwargs) -> list:
    response = live.http.request(method, live.url(path, fmt), timeout=30, **kwargs)
    codes = expect if isinstance(expect, tuple) else (expect,)
    assert response.status_code in codes, (
        f"{method} {path}.{fmt}: {response.status_code}, not {expect}: {response.text[:500]}"
    )
    errors = answer_of(response, fmt, "errors").data
    assert all(int(e["code"]) == response.status_code for e in errors), errors
    assert all(e["description"] for e in errors)
    return errors


NO_ATTRIBUTES = {f"attribute[{code}]": None for code, _, _ in QUESTIONS} | {
    "attribute[objects][]": None
}
#: case: (the form's changes, the HTTP status, the parameter the description names).
POST_ERRORS = {
    "missing api_key": ({"api_key": None}, 403, "api_key"),
    "empty api_key": ({"api_key": ""}, 403, "api_key"),
    "unknown api_key": ({"api_key": "not-a-key-0123456789"}, 403, "api_key"),
    "missing service_code": ({"service_code": None}, 400, "service_code"),
    "empty service_code": ({"service_code": ""}, 400, "service_code"),
    "unknown service_code": ({"service_code": "no-such-service"}, 400, "service_code"),
    "missing required attribute": ({"attribute[width]": None}, 400, "attribute[width]"),
    "empty required attribute": ({"attribute[side]": ""}, 400, "attribute[side]"),
    "invalid single list value": ({"attribute[side]": "middle"}, 400, "attribute[side]"),
    "invalid multi list value": (
        {"attribute[objects][]": ["table", "car"]},
        400,
        "attribute[objects]",
    ),
    "number attribute not a number": ({"attribute[width]": "wide"}, 400, "attribute[width]"),
    "datetime attribute not a date": (
        {"attribute[seen_at]": "yesterday"},
        400,
        "attribute[seen_at]",
    ),
    "lat not a number": ({"lat": "north"}, 400, "lat"),
    "lat out of range": ({"lat": "95"}, 400, "lat"),
    "long out of range": ({"long": "-181"}, 400, "long"),
    "no location": ({"lat": None, "long": None}, 400, "lat"),
    "lat without long": ({"long": None}, 400, "long"),
    # GeoReport v2 answers an unknown jurisdiction_id 404 on reads; on POST 400 or 404.
    "unknown jurisdiction": (
        {"jurisdiction_id": "no-such-province"},
        (400, 404),
        "jurisdiction_id",
    ),
    "media_url not a URL": ({"media_url": "photo.jpg"}, 400, "media_url"),
    "outside every served province": ({"lat": "21.0285", "long": "105.8542"}, 400, "lat"),
    "address_string nowhere": (
        {"lat": None, "long": None, "address_string": "zzzz qqqq"},
        400,
        "address",
    ),
    # Vĩnh Long's jurisdiction, a national category, a place in Cần Thơ (and a photo)
    "a place outside the jurisdiction": (
        {"jurisdiction_id": "86", "service_code": "giao-thong", **NO_ATTRIBUTES},
        400,
        "lat",
    ),
    "missing jurisdiction (two provinces hosted)": (
        {"jurisdiction_id": None},
        400,
        "jurisdiction_id",
    ),
    "empty jurisdiction (two provinces hosted)": ({"jurisdiction_id": ""}, 400, "jurisdiction_id"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(POST_ERRORS))
def test_post_errors(live, case, fmt):
    changes, expect, mentions = POST_ERRORS[case]
    body = form(live, **changes)
    errors = _error(live, "POST", "requests", fmt, expect, data=body, files=plain_photo())
    assert any(mentions in e["description"] for e in errors), errors  # names the parameter


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_is_refused(live, fmt):
    _error(live, "POST", "requests", fmt, 403, data=form(live, api_key=live.revoked_key))


def _long_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


GET_ERRORS = {
    "unknown service definition": ("GET", "services/no-such-service", {}, 404),
    "unknown request id": ("GET", "requests/PA-2099-999999", {}, 404),
    "unknown token": ("GET", "tokens/no-such-token", {}, 404),
    "unknown route": ("GET", "no-such-route", {}, 404),
    "unknown nested route": ("GET", "requests/PA-2026-000001/notes", {}, 404),
    "date range over 90 days": (
        "GET",
        "requests",
        {"start_date": _long_ago(120), "end_date": _long_ago(1)},
        400,
    ),
    "start_date not a date": ("GET", "requests", {"start_date": "last week"}, 400),
    "bad status": ("GET", "requests", {"status": "pending"}, 400),
    "bad page_size": ("GET", "requests", {"page_size": "many"}, 400),
    "unknown jurisdiction on services": (
        "GET",
        "services",
        {"jurisdiction_id": "no-such-province"},
        404,
    ),
    "missing jurisdiction on services": ("GET", "services", {"jurisdiction_id": None}, 400),
    "missing jurisdiction on requests": ("GET", "requests", {"jurisdiction_id": None}, 400),
    "empty jurisdiction on services": ("GET", "services", {"jurisdiction_id": ""}, 400),
    "wrong method on services": ("DELETE", "services", {}, 405),
    "wrong method on discovery": ("POST", "discovery", {}, 405),
    "wrong method on a request": ("PUT", "requests/PA-2026-000001", {}, 405),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(GET_ERRORS))
def test_read_errors(live, case, fmt):
    method, path, params, expect = GET_ERRORS[case]
    params = {"jurisdiction_id": JURISDICTION, **params}
    _error(live, method, path, fmt, expect, params=params)


def test_an_unknown_format_answers_the_spec_error(live):
    response = live.http.get(
        f"{live.base_url}/open311/v2/services.html",
        params={"jurisdiction_id": JURISDICTION},
        timeout=30,
    )
    assert response.status_code == 404, response.text
    fmt = "json" if "json" in response.headers.get("Content-Type", "") else "xml"
    answer_of(response, fmt, "errors")
