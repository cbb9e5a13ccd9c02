"""A third-party Open311 client against the live server (issue 15): plain HTTP, form and
multipart bodies, every call of GeoReport v2 in JSON and in XML, every answer checked
against the project's schemas (JSON) or the specification's structure (XML), and every
answer checked for the poster's privacy.

The server is a separate gunicorn process (:mod:`tests.backend.open311.live`, the
``live`` fixture of this package's conftest), on SQLite or on PostgreSQL as
``DATABASE_URL`` says; the error cases are in ``test_live_errors``. The tests share it and
run in the file's order: the requests filed early are the ones queried, held, approved
and resolved later.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.backend.open311.live import (
    FORMATS,
    JURISDICTION,
    LAT,
    LONG,
    PHOTO,
    POSTED,
    QUESTIONS,
    SERVICE,
    VALUES,
    Live,
    form,
    gps_photo,
)

RESOLUTION = "Đã giải tỏa vỉa hè và nhắc nhở chủ quán."
INSULT = "Quán này lấn chiếm vỉa hè vcl, đề nghị xử lý ngay trước số 12"
STATE: dict = {}  # what earlier tests filed, for the later ones


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
        "POST", "requests", fmt, "post_response", expect=POSTED, data=form(live), files=gps_photo()
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
        data=form(live, device_id="device-open311-2"),
        files=[("media[]", (PHOTO.name, PHOTO.read_bytes(), "image/jpeg"))],
    ).data
    form_only = live.call(
        "POST",
        "requests",
        "json",
        "post_response",
        expect=POSTED,
        data=form(
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
        data=form(live, description=f"Vỉa hè bị chiếm dụng làm bãi giữ xe ({fmt})", **empties),
    ).data
    assert answer["service_request_id"]


def test_a_request_located_by_address_string(live):
    (answer,) = live.call(
        "POST",
        "requests",
        "json",
        "post_response",
        expect=POSTED,
        data=form(
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
        data=form(live, description=description, device_id=f"device-held-{fmt}"),
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
