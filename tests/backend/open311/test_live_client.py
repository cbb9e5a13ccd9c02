"""A third-party Open311 client against the live server (issue 15): plain HTTP, form and
multipart bodies, every call of GeoReport v2 in JSON and in XML, every answer checked
against the project's schemas (JSON) or the specification's structure (XML), and every
error case answering in the specification's error format.

The server is a separate gunicorn process (:mod:`tests.backend.open311.live`), on SQLite or
on PostgreSQL as ``DATABASE_URL`` says. The tests share it and run in the file's order:
the requests filed early are the ones queried, held, approved and resolved later.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.backend.open311.live import FORMATS, JURISDICTION, Live, answer_of, live_open311
from tests.faults.conftest import wait_for
from tests.scaleout.conftest import _ready, _server

PHOTOS = Path(__file__).resolve().parents[2] / "fixtures" / "photos"
#: A camera photo with GPS coordinates in its EXIF (the original must never be served).
PHOTO = PHOTOS / "DSCN0010.jpg"
SERVICE = "o311-via-he"
LAT, LONG = 10.0315, 105.7852  # Ninh Kiều, TP Cần Thơ
QUESTIONS = [
    ("plate", "string", False),
    ("details", "text", False),
    ("width", "number", True),
    ("seen_at", "datetime", False),
    ("side", "singlevaluelist", True),
    ("objects", "multivaluelist", False),
]
VALUES = {
    "side": [("left", "Bên trái", "Left"), ("right", "Bên phải", "Right")],
    "objects": [("table", "Bàn ghế", "Tables"), ("stall", "Quầy hàng", "Stalls")],
}
RESOLUTION = "Đã giải tỏa vỉa hè và nhắc nhở chủ quán."
INSULT = "Quán này lấn chiếm vỉa hè vcl, đề nghị xử lý ngay trước số 12"
#: POST requests answers 200 or 201 (GeoReport v2 names no success code; clients take both).
POSTED = (200, 201)
STATE: dict = {}  # what earlier tests filed, for the later ones


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Live:
    with live_open311(tmp_path_factory.mktemp("open311")) as server:
        admin = server.staff("admin")
        created = server.http.post(
            f"{server.base_url}/staff/v1/admin/categories",
            headers=admin,
            json=_category(),
            timeout=30,
        )
        assert created.status_code == 201, created.text
        yield server


def _category() -> dict:
    questions = []
    for order, (code, datatype, required) in enumerate(QUESTIONS, start=1):
        questions.append(
            {
                "code": code,
                "datatype": datatype,
                "required": required,
                "order": order,
                "description_vi": f"Câu hỏi {code}",
                "description_en": f"Question {code}",
                "values": [
                    {"key": k, "name_vi": vi, "name_en": en} for k, vi, en in VALUES.get(code, [])
                ],
            }
        )
    return {
        "code": SERVICE,
        "name_vi": "Lấn chiếm vỉa hè (Open311)",
        "name_en": "Pavement encroachment (Open311)",
        "group": "do_thi",
        "default_severity": "normal",
        "photo_required": False,
        "questions": questions,
    }


def _form(live: Live, **more) -> dict:
    """A complete POST requests body; ``more`` replaces or adds fields (None: drops)."""
    form = {
        "api_key": live.key,
        "jurisdiction_id": JURISDICTION,
        "service_code": SERVICE,
        "lat": str(LAT),
        "long": str(LONG),
        "description": "Quán nước lấn chiếm toàn bộ vỉa hè trước số 12 Hòa Bình",
        "email": "nguoidan.open311@example.com",
        "first_name": "Lan",
        "last_name": "Nguyễn",
        "phone": "+84911222333",
        "device_id": "device-open311-1",
        "attribute[width]": "2.5",
        "attribute[side]": "left",
        "attribute[plate]": "65A-123.45",
        "attribute[details]": "Bàn ghế kê kín lối đi",
        "attribute[seen_at]": "2026-12-01T07:30:00+07:00",
        "attribute[objects][]": ["table", "stall"],
    }
    form.update(more)
    return {k: v for k, v in form.items() if v is not None}


def _photo():
    return {"media": (PHOTO.name, PHOTO.read_bytes(), "image/jpeg")}


def _assert_private(body: bytes) -> None:
    """The poster's identity (e-mail, phone, names, device) is in no answer."""
    text = body.decode()
    for private in ("nguoidan.open311", "+84911222333", "911222333", "device-open311", "Lan"):
        assert private not in text, private


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _ids(answer) -> list[str]:
    return [r["service_request_id"] for r in answer.data]


# -- discovery, services, definitions ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_points_at_this_endpoint(live, fmt):
    doc = live.call("GET", "discovery", fmt, "discovery").data
    (endpoint,) = [e for e in doc["endpoints"] if e["url"].endswith("/open311/v2")]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].startswith(live.base_url)
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_the_categories_with_group_and_keywords(live, fmt):
    services = live.call(
        "GET", "services", fmt, "services", params={"jurisdiction_id": JURISDICTION}
    ).data
    ours = {s["service_code"]: s for s in services}[SERVICE]
    assert ours["service_name"]
    assert str(ours["metadata"]).lower() == "true"  # it has questions
    assert ours["type"] == "realtime"
    assert ours["group"]
    assert len(services) > 5  # the demo's categories too


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_service_definition_has_every_datatype(live, fmt):
    definition = live.call(
        "GET",
        f"services/{SERVICE}",
        fmt,
        "service_definition",
        params={"jurisdiction_id": JURISDICTION},
    ).data
    assert definition["service_code"] == SERVICE
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert set(attributes) == {q[0] for q in QUESTIONS}
    for order, (code, datatype, required) in enumerate(QUESTIONS, start=1):
        attribute = attributes[code]
        assert attribute["datatype"] == datatype
        assert str(attribute["required"]).lower() == str(required).lower()
        assert str(attribute["variable"]).lower() == "true"
        assert int(attribute["order"]) == order
        assert attribute["description"]
        if code in VALUES:
            assert [v["key"] for v in attribute["values"]] == [k for k, _, _ in VALUES[code]]
            assert all(v["name"] for v in attribute["values"])
        else:
            assert not attribute.get("values")


# -- posting and reading back -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_with_attributes_and_a_photo_is_filed_and_read_back(live, fmt):
    posted = live.call(
        "POST", "requests", fmt, "post_response", expect=POSTED, data=_form(live), files=_photo()
    ).data
    (answer,) = posted
    request_id = answer["service_request_id"]
    assert request_id, answer  # not held: published at once
    STATE.setdefault("filed", []).append(request_id)

    assert answer["token"]  # a published request's token answers its id at once
    (followed,) = live.call(
        "GET", f"tokens/{answer['token']}", fmt, "tokens", params={"jurisdiction_id": JURISDICTION}
    ).data
    assert followed == {"service_request_id": request_id, "token": answer["token"]}

    got = live.call(
        "GET", f"requests/{request_id}", fmt, "requests", params={"jurisdiction_id": JURISDICTION}
    )
    (read,) = got.data
    assert read["service_request_id"] == request_id
    assert read["service_code"] == SERVICE
    assert read["status"] == "open"
    assert read["description"].startswith("Quán nước lấn chiếm")
    assert abs(float(read["lat"]) - LAT) < 1e-4 and abs(float(read["long"]) - LONG) < 1e-4
    assert read["agency_responsible"]
    assert read["expected_datetime"]  # the handling deadline
    assert read["service_notice"] == answer["service_notice"]
    assert abs(datetime.now(UTC) - _when(read["requested_datetime"])) < timedelta(minutes=10)
    _assert_private(got.body)

    media_url = read["media_url"]
    assert media_url, "the photo's public rendition"
    photo = live.http.get(media_url, timeout=30)
    assert photo.status_code == 200, media_url
    assert photo.content != PHOTO.read_bytes()  # never the original
    exif = Image.open(io.BytesIO(photo.content)).getexif()
    assert not exif.get_ifd(0x8825), "the served photo keeps its GPS"


def test_a_multipart_post_with_media_list_and_a_form_encoded_post_without_photo(live):
    with_list = live.call(
        "POST",
        "requests",
        "json",
        "post_response",
        expect=POSTED,
        data=_form(live, device_id="device-open311-2"),
        files=[("media[]", (PHOTO.name, PHOTO.read_bytes(), "image/jpeg"))],
    ).data
    form_only = live.call(
        "POST",
        "requests",
        "json",
        "post_response",
        expect=POSTED,
        data=_form(
            live,
            description=("Xe máy đậu kín vỉa hè đường Hòa Bình, người đi bộ phải xuống lòng đường"),
        ),
    ).data
    for (answer,) in (with_list, form_only):
        assert answer["service_request_id"]
        STATE.setdefault("filed", []).append(answer["service_request_id"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_optional_fields_count_as_absent_on_post(live, fmt):
    empties = {
        "email": "",
        "first_name": "",
        "last_name": "",
        "phone": "",
        "device_id": "",
        "account_id": "",
        "media_url": "",
        "address_string": "",
        "attribute[plate]": "",
        "attribute[objects][]": "",
    }
    (answer,) = live.call(
        "POST",
        "requests",
        fmt,
        "post_response",
        expect=POSTED,
        data=_form(live, description=f"Vỉa hè bị chiếm dụng làm bãi giữ xe ({fmt})", **empties),
    ).data
    assert answer["service_request_id"]


def test_a_request_located_by_address_string(live):
    (answer,) = live.call(
        "POST",
        "requests",
        "json",
        "post_response",
        expect=POSTED,
        data=_form(
            live,
            lat=None,
            long=None,
            address_string="12 Hòa Bình, Ninh Kiều, Cần Thơ",
            description="Hàng rong chiếm vỉa hè trước cổng trường, đề nghị kiểm tra",
        ),
    ).data
    (read,) = live.call(
        "GET",
        f"requests/{answer['service_request_id']}",
        "json",
        "requests",
        params={"jurisdiction_id": JURISDICTION},
    ).data
    assert 9.5 < read["lat"] < 10.5 and 105.2 < read["long"] < 106.0  # in TP Cần Thơ
    assert read["address"] == "12 Hòa Bình, Ninh Kiều, Cần Thơ"


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_provinces_jurisdiction_does_not_see_the_request(live, fmt):
    code = STATE["filed"][0]
    other = {"jurisdiction_id": "86"}  # Vĩnh Long, the demo's second province
    live.call("GET", f"requests/{code}", fmt, "errors", expect=404, params=other)
    listed = live.call("GET", "requests", fmt, "requests", params=other)
    assert code not in _ids(listed)
    services = live.call("GET", "services", fmt, "services", params=other).data
    assert SERVICE not in [s["service_code"] for s in services]  # Cần Thơ's own category


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_retried_post_with_its_idempotency_key_answers_the_same_request(live, fmt):
    retry = {"Idempotency-Key": f"open311-retry-{fmt}-0001"}
    form = _form(live, description=f"Quán ăn bày bàn ghế kín vỉa hè, xin kiểm tra ({fmt})")
    first = live.call(
        "POST", "requests", fmt, "post_response", expect=POSTED, data=form, headers=retry
    )
    again = live.call(
        "POST", "requests", fmt, "post_response", expect=POSTED, data=form, headers=retry
    )
    assert again.data == first.data and again.data[0]["service_request_id"]
    # the same key with another request: refused, in the spec's error format
    other = {**form, "description": f"Một phản ánh khác về vỉa hè bị lấn chiếm ({fmt})"}
    refused = live.http.post(live.url("requests", fmt), data=other, headers=retry, timeout=30)
    assert 400 <= refused.status_code < 500, refused.text
    errors = answer_of(refused, fmt, "errors").data
    assert all(int(e["code"]) == refused.status_code for e in errors)


@pytest.fixture(scope="module")
def as_deployed(live):
    """A second server of the same deployment with the default duplicate window
    (DUPLICATE_SUBMISSION_SECONDS: 120 s, where ``live`` has none) and a client limit of
    five requests a minute (LIMIT_OPEN311_CLIENT)."""
    env = {k: v for k, v in live.env.items() if k != "DUPLICATE_SUBMISSION_SECONDS"}
    process, base_url = _server("open311-default", env | {"LIMIT_OPEN311_CLIENT": "5/minute"})
    try:
        wait_for(lambda: _ready(process, base_url), 90, "the second server to answer")
        yield base_url
    finally:
        process.stop()


@pytest.mark.parametrize("encoding", ["form", "multipart"])
def test_two_different_requests_within_the_duplicate_window_are_both_filed(
    live, as_deployed, encoding
):
    """The duplicate window answers a request sent twice with the first answer; two
    different requests are two requests, however they are encoded."""
    url = f"{as_deployed}/open311/v2/requests.json"
    ids = []
    for n in (1, 2):
        form = _form(
            live,
            description=f"{encoding} {n}: vỉa hè trước chợ bị lấn chiếm làm bãi xe",
            lat=str(LAT + n / 1000),
        )
        photo = {"media": ("jolla.jpg", (PHOTOS / "jolla.jpg").read_bytes(), "image/jpeg")}
        response = live.http.post(
            url, data=form, files=photo if encoding == "multipart" else None, timeout=30
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
        form = _form(live, description=f"Lần thứ {n + 1}: vỉa hè bị lấn chiếm trước cổng chợ")
        photo = {"media": ("jolla.jpg", (PHOTOS / "jolla.jpg").read_bytes(), "image/jpeg")}
        response = live.http.post(
            f"{as_deployed}/open311/v2/requests.xml", data=form, files=photo, timeout=30
        )
        statuses.append(response.status_code)
        if response.status_code not in POSTED:
            break
    assert statuses[-1] == 429, statuses
    assert len(statuses) <= 6, statuses  # five a minute, whatever the other tests used
    errors = answer_of(response, "xml", "errors").data
    assert [int(e["code"]) for e in errors] == [429]
    assert response.headers.get("Retry-After")


# -- querying -----------------------------------------------------------------------------


def _get_requests(live, fmt, **params):
    params = {"jurisdiction_id": JURISDICTION, **params}
    return live.call("GET", "requests", fmt, "requests", params=params)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_by_id_override_the_other_filters(live, fmt):
    filed = STATE["filed"][:2]
    answer = _get_requests(
        live, fmt, service_request_id=",".join(filed), status="closed", service_code="giao-thong"
    )
    assert sorted(_ids(answer)) == sorted(filed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_by_service_code_list_window_and_status(live, fmt):
    filed = set(STATE["filed"])
    by_code = _get_requests(live, fmt, service_code=f"{SERVICE},giao-thong")
    assert filed <= set(_ids(by_code))
    assert {r["service_code"] for r in by_code.data} <= {SERVICE, "giao-thong"}
    other_code = _get_requests(live, fmt, service_code="giao-thong")
    assert not filed & set(_ids(other_code))

    now = datetime.now(UTC)
    window = {
        "start_date": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    }
    assert filed <= set(_ids(_get_requests(live, fmt, service_code=SERVICE, **window)))
    past = {
        "start_date": (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        "end_date": (now - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%S+07:00"),
    }
    assert not filed & set(_ids(_get_requests(live, fmt, service_code=SERVICE, **past)))

    assert filed <= set(_ids(_get_requests(live, fmt, service_code=SERVICE, status="open")))
    assert not filed & set(_ids(_get_requests(live, fmt, service_code=SERVICE, status="closed")))
    both = _get_requests(live, fmt, service_code=SERVICE, status="open,closed")
    assert filed <= set(_ids(both))
    assert {r["status"] for r in both.data} <= {"open", "closed"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_page_by_page(live, fmt):
    everything = _ids(_get_requests(live, fmt, service_code=SERVICE))
    assert len(everything) >= 3
    pages = [
        _ids(_get_requests(live, fmt, service_code=SERVICE, page=str(n), page_size="2"))
        for n in (1, 2)
    ]
    assert len(pages[0]) == 2 and pages[1]
    assert not set(pages[0]) & set(pages[1])
    assert pages[0] + pages[1] == everything[: len(pages[0]) + len(pages[1])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_parameters_count_as_absent(live, fmt):
    plain = _ids(_get_requests(live, fmt, service_code=SERVICE))
    empties = _get_requests(
        live,
        fmt,
        service_code=SERVICE,
        status="",
        start_date="",
        end_date="",
        service_request_id="",
        page="",
        page_size="",
        extensions="",
    )
    assert _ids(empties) == plain  # the "requests" schema: no extension fields either


# -- a request held for moderation: token first, then its id --------------------------------


def _queue_code(live: Live, moderator: dict, description: str) -> str:
    queue = live.http.get(
        f"{live.base_url}/moderation/v1/queue",
        headers=moderator,
        params={"page_size": 100},
        timeout=30,
    )
    assert queue.status_code == 200, queue.text
    items = queue.json()["items"]
    matches = [i["code"] for i in items if description in (i.get("description") or str(i))]
    assert len(matches) == 1, [i.get("code") for i in items]
    return matches[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_held_request_answers_a_token_then_its_id_once_approved(live, fmt):
    description = f"{INSULT} ({fmt})"
    (posted,) = live.call(
        "POST",
        "requests",
        fmt,
        "post_response",
        expect=POSTED,
        data=_form(live, description=description, device_id=f"device-held-{fmt}"),
    ).data
    assert not posted["service_request_id"], posted
    token = posted["token"]
    assert token

    (pending,) = live.call(
        "GET", f"tokens/{token}", fmt, "tokens", params={"jurisdiction_id": JURISDICTION}
    ).data
    assert pending["token"] == token and not pending["service_request_id"]

    moderator = live.staff("moderator")
    code = _queue_code(live, moderator, description)
    # not public while held: neither by id nor in the lists
    live.call(
        "GET",
        f"requests/{code}",
        fmt,
        "errors",
        expect=404,
        params={"jurisdiction_id": JURISDICTION},
    )
    assert code not in _ids(_get_requests(live, fmt, service_code=SERVICE))

    approved = live.http.post(
        f"{live.base_url}/moderation/v1/reports/{code}/approve",
        headers=moderator,
        json={},
        timeout=30,
    )
    assert approved.status_code == 200, approved.text

    (resolved,) = live.call(
        "GET", f"tokens/{token}", fmt, "tokens", params={"jurisdiction_id": JURISDICTION}
    ).data
    assert resolved == {"service_request_id": code, "token": token}
    (read,) = live.call(
        "GET", f"requests/{code}", fmt, "requests", params={"jurisdiction_id": JURISDICTION}
    ).data
    assert read["service_request_id"] == code
    STATE.setdefault("approved", []).append(code)


# -- the unit resolves it: closed, with the resolution as status_notes ---------------------


def test_the_unit_resolving_a_request_closes_it_with_its_note(live):
    code = STATE["filed"][0]
    coordinator = live.staff("coordinator")
    staff_url = f"{live.base_url}/staff/v1/reports/{code}"
    report = live.http.get(staff_url, headers=coordinator, timeout=30).json()
    department = (report.get("department") or {}).get("code")
    if department is None:  # no routing rule for the new category: the coordinator sends it
        forwarded = live.http.post(
            f"{staff_url}/forward", headers=coordinator, json={"department": "so-xd"}, timeout=30
        )
        assert forwarded.status_code == 200, forwarded.text
        department = "so-xd"
    officer = live.staff(f"{department}.officer")
    for action, body in (("accept", None), ("start", {"note": "Đã cử cán bộ đến hiện trường."})):
        done = live.http.post(f"{staff_url}/{action}", headers=officer, json=body or {}, timeout=30)
        assert done.status_code == 200, f"{action}: {done.text}"
    resolved = live.http.post(
        f"{staff_url}/resolve", headers=officer, data={"response": RESOLUTION}, timeout=30
    )
    assert resolved.status_code == 200, resolved.text

    for fmt in FORMATS:
        (read,) = live.call(
            "GET", f"requests/{code}", fmt, "requests", params={"jurisdiction_id": JURISDICTION}
        ).data
        assert read["status"] == "closed"
        assert read["status_notes"] == RESOLUTION
        assert _when(read["updated_datetime"]) > _when(read["requested_datetime"])
        closed = _ids(_get_requests(live, fmt, service_code=SERVICE, status="closed"))
        assert code in closed
        assert code not in _ids(_get_requests(live, fmt, service_code=SERVICE, status="open"))
    STATE["resolved"] = code


# -- extensions ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_status_deadlines_department_rating_attributes_and_notes(live, fmt):
    code = STATE["resolved"]
    params = {"jurisdiction_id": JURISDICTION, "extensions": "true"}
    (read,) = live.call("GET", f"requests/{code}", fmt, "requests_extended", params=params).data
    assert read["detailed_status"] == "RESOLVED"
    extended = read["extended_attributes"]
    for field in ("status", "status_name", "deadlines", "department", "rating", "attributes"):
        assert field in extended, field
    assert extended["channel"]
    attributes = str(extended["attributes"])
    for given in ("65A-123.45", "left", "table", "stall", "2.5"):
        assert given in attributes, (given, attributes)
    _assert_private(live.http.get(live.url(f"requests/{code}", fmt), params=params).content)
    notes = read["notes"]
    assert notes and any(RESOLUTION in str(n.get("summary")) for n in notes)
    listed = live.call(
        "GET",
        "requests",
        fmt,
        "requests_extended",
        params={**params, "service_request_id": code},
    ).data
    assert [r["service_request_id"] for r in listed] == [code]
    # without extensions=true the same request has only the specification's fields
    live.call("GET", f"requests/{code}", fmt, "requests", params={"jurisdiction_id": JURISDICTION})


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
    photo = {"media": ("jolla.jpg", (PHOTOS / "jolla.jpg").read_bytes(), "image/jpeg")}
    errors = _error(live, "POST", "requests", fmt, expect, data=_form(live, **changes), files=photo)
    assert any(mentions in e["description"] for e in errors), errors  # names the parameter


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_is_refused(live, fmt):
    _error(live, "POST", "requests", fmt, 403, data=_form(live, api_key=live.revoked_key))


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
