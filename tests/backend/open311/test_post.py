"""POST requests through Open311: the same intake as the app, the spec's answers and errors."""

from __future__ import annotations

import io

import pytest

from backend import limits
from backend.db import commit, db, utcnow
from backend.models import Category, Report
from backend.models.category import CategoryQuestion
from backend.services import open311_clients
from tests.backend.open311.conformance import check_xml, validate_json
from tests.conftest import NINH_KIEU, photo
from tests.conftest import post_json as _post

ABUSIVE = "Địt mẹ cái ổ gà này sâu quá không ai sửa"
URL = "/open311/v2/requests"


@pytest.fixture
def key(app, city):
    _client, raw = open311_clients.issue(None, "Ứng dụng thử", utcnow())
    commit()
    return raw


@pytest.fixture
def asked(city):
    """giao-thong with a question of every datatype (two of them required)."""
    category = db.session.query(Category).filter_by(code="giao-thong").one()
    values = [
        {"key": "nong", "name_vi": "Nông", "name_en": "Shallow"},
        {"key": "sau", "name_vi": "Sâu", "name_en": "Deep"},
    ]
    for position, (code, kind, required) in enumerate(
        [
            ("muc-do", "singlevaluelist", True),
            ("lan-duong", "multivaluelist", False),
            ("so-o-ga", "number", True),
            ("ghi-chu", "text", False),
            ("bien-so", "string", False),
            ("luc", "datetime", False),
        ]
    ):
        category.questions.append(
            CategoryQuestion(
                code=code,
                datatype=kind,
                required=required,
                position=position,
                description_vi=f"Câu {code}",
                description_en=f"Question {code}",
                values=values if kind.endswith("list") else None,
            )
        )
    commit()
    return category


def form(key: str, **fields) -> dict:
    data = {
        "api_key": key,
        "jurisdiction_id": "can-tho",
        "service_code": "giao-thong",
        "lat": str(NINH_KIEU[0]),
        "long": str(NINH_KIEU[1]),
        "description": "Ổ gà lớn trước số 12 Hai Bà Trưng",
        "media": (io.BytesIO(photo("DSCN0021.jpg")), "o-ga.jpg"),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, fmt="json", **kwargs):
    return client.post(f"{URL}.{fmt}", data=data, content_type="multipart/form-data", **kwargs)


def errors_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    validate_json("errors", body)
    assert "error" not in response.get_data(as_text=True).split('"')[1:2]
    return " ".join(e["description"] for e in body)


def test_a_request_is_filed_like_the_app_and_answered_with_its_id(client, key, run_jobs):
    answer = post(client, form(key, email="lan@example.vn", first_name="Lan", phone="0912345678"))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    (body,) = answer.get_json()
    validate_json("post_response", answer.get_json())
    assert body["service_request_id"].startswith("PA-") and body["token"]
    run_jobs()
    report = db.session.query(Report).filter_by(code=body["service_request_id"]).one()
    assert report.channel == "open311" and report.status == "assigned"
    assert report.department.code == "so-xd" and len(report.photos) == 1
    assert report.reporter.firebase_uid.startswith("open311:")
    # The poster is private: the public and the handling unit never read the e-mail or phone.
    public = client.get(f"/public/v1/reports/{report.code}").get_data(as_text=True)
    assert "lan@example.vn" not in public and "912345678" not in public
    unit = client.get(
        f"/staff/v1/reports/{report.code}", headers=_staff(client, "so-xd.officer")
    ).get_data(as_text=True)
    assert "lan@example.vn" not in unit and "912345678" not in unit
    coordinator = client.get(
        f"/staff/v1/reports/{report.code}", headers=_staff(client, "coordinator")
    ).get_json()
    submitted = coordinator["timeline"][0]["data"]
    assert submitted["email"] == "lan@example.vn" and submitted["phone"] == "+84912345678"
    assert submitted["client"] == "Ứng dụng thử"


def _staff(client, username):
    from tests.factories import sign_in_staff

    return sign_in_staff(client, username)


def test_the_xml_answer_and_a_retry_with_the_same_key(client, key):
    headers = {"Idempotency-Key": "open311-retry-1"}
    first = post(client, form(key), "xml", headers=headers)
    assert first.status_code == 201 and first.content_type == "text/xml; charset=utf-8"
    root = check_xml(first.data, "post_response")
    again = post(client, form(key), "xml", headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.content_type == "text/xml; charset=utf-8" and again.data == first.data
    assert db.session.query(Report).count() == 1
    assert root.find("request/service_request_id").text.startswith("PA-")


def test_attributes_of_every_datatype_are_kept_and_checked(client, key, asked):
    fields = {
        "attribute[muc-do]": "sau",
        "attribute[so-o-ga]": "3",
        "attribute[ghi-chu]": "Gần trường học",
        "attribute[luc]": "2026-12-01T07:30:00+07:00",
    }
    data = form(key, **fields)
    data["attribute[lan-duong][]"] = ["trai", "phai"]
    refused = post(client, data)
    assert "lan-duong" in errors_of(refused, 400)  # not values of the list
    data = form(key, **fields)
    data["attribute[lan-duong][]"] = ["nong", "sau"]
    answer = post(client, data)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    report = db.session.query(Report).one()
    assert report.answers == {
        "muc-do": "sau",
        "so-o-ga": 3,
        "ghi-chu": "Gần trường học",
        "luc": "2026-12-01T07:30:00+07:00",
        "lan-duong": ["nong", "sau"],
    }


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"attribute[so-o-ga]": "3"}, "muc-do"),  # required, missing
        ({"attribute[muc-do]": "sau", "attribute[so-o-ga]": "ba"}, "so-o-ga"),
        ({"attribute[muc-do]": "rat-sau", "attribute[so-o-ga]": "1"}, "muc-do"),
        ({"attribute[muc-do]": "sau", "attribute[so-o-ga]": "1", "attribute[x]": "1"}, "x"),
        (
            {"attribute[muc-do]": "sau", "attribute[so-o-ga]": "1", "attribute[luc]": "hôm qua"},
            "luc",
        ),
    ],
)
def test_a_wrong_answer_is_a_400_naming_the_attribute(client, key, asked, fields, named):
    assert named in errors_of(post(client, form(key, **fields)), 400)
    assert db.session.query(Report).count() == 0


def test_an_empty_attribute_counts_as_absent(client, key, asked):
    fields = {"attribute[muc-do]": "sau", "attribute[so-o-ga]": "2", "attribute[ghi-chu]": ""}
    assert post(client, form(key, **fields)).status_code == 201
    assert "ghi-chu" not in db.session.query(Report).one().answers


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"api_key": None}, 403, "invalid_api_key"),
        ({"api_key": "o311_not-a-key"}, 403, "invalid_api_key"),
        ({"service_code": None}, 400, "service_code_required"),
        ({"service_code": ""}, 400, "service_code_required"),  # empty is absent
        ({"service_code": "khong-co"}, 400, "service_not_found"),
        ({"jurisdiction_id": None}, 400, "jurisdiction_required"),
        ({"jurisdiction_id": "99"}, 404, "jurisdiction_not_found"),
        ({"lat": "abc"}, 400, "invalid_parameter"),
        ({"lat": "nan"}, 400, "invalid_parameter"),
        ({"lat": "21.0285", "long": "105.8542"}, 400, "province_not_served"),
        (
            {"lat": None, "long": None, "media": (io.BytesIO(photo("jolla.jpg")), "a.jpg")},
            400,
            "location_required",
        ),
        ({"media": None}, 400, "photo_required"),
        ({"description": None}, 400, "validation_error"),
        ({"email": "not an address"}, 400, "invalid_poster"),
        ({"phone": "12"}, 400, "invalid_poster"),
        ({"media_url": "file:///etc/passwd"}, 400, "invalid_media_url"),
        ({"media": (io.BytesIO(b"not a photo"), "x.jpg")}, 400, None),
    ],
)
def test_bad_requests_answer_in_the_specs_format(client, key, fields, status, code):
    data = form(key, **{k: v for k, v in fields.items() if v is not None})
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
    for fmt in ("json", "xml"):
        if "media" in data and not isinstance(data["media"], tuple):
            continue
        response = post(client, dict(data, media=_fresh(data.get("media"))), fmt)
        assert response.status_code == status, response.get_data(as_text=True)
        if fmt == "json":
            text = errors_of(response, status)
        else:
            root = check_xml(response.data, "errors")
            text = root.find("error/description").text
            assert root.find("error/code").text == str(status)
        if code:
            assert f"[{code}]" in text
    assert db.session.query(Report).count() == 0


def _fresh(media):
    if not isinstance(media, tuple):
        return media
    stream, name = media
    stream.seek(0)
    return (io.BytesIO(stream.read()), name)


def test_a_request_waiting_for_moderation_is_followed_by_its_token(client, key, staff):
    answer = post(client, form(key, description=ABUSIVE))
    (body,) = answer.get_json()
    assert body["service_request_id"] is None and body["token"]
    token = client.get(f"/open311/v2/tokens/{body['token']}.json?jurisdiction_id=can-tho")
    validate_json("tokens", token.get_json())
    assert token.get_json() == [{"service_request_id": None, "token": body["token"]}]
    code = db.session.query(Report).one().code
    hidden = client.get(f"/open311/v2/requests/{code}.json?jurisdiction_id=can-tho")
    assert "service_request_not_found" in errors_of(hidden, 404)
    moderator = staff("moderator")
    assert _post(client, moderator, f"/moderation/v1/reports/{code}/approve").status_code == 200
    token = client.get(f"/open311/v2/tokens/{body['token']}.xml?jurisdiction_id=can-tho")
    root = check_xml(token.data, "tokens")
    assert root.find("request/service_request_id").text == code


def test_a_request_refused_by_moderation_has_no_id(client, key, staff):
    (body,) = post(client, form(key, description=ABUSIVE)).get_json()
    code = db.session.query(Report).one().code
    moderator = staff("moderator")
    refused = _post(
        client,
        moderator,
        f"/moderation/v1/reports/{code}/reject",
        reason="abusive",
        message="Ngôn từ không phù hợp",
    )
    assert refused.status_code == 200, refused.get_json()
    token = client.get(f"/open311/v2/tokens/{body['token']}.json?jurisdiction_id=can-tho")
    assert "token_not_found" in errors_of(token, 404)


def test_a_revoked_key_files_nothing(client, key):
    client_row = open311_clients.by_key(key)
    open311_clients.revoke(None, client_row.id, utcnow())
    commit()
    assert "invalid_api_key" in errors_of(post(client, form(key)), 403)


def test_a_key_of_one_province_files_there_only(client, city):
    _c, raw = open311_clients.issue(None, "Vĩnh Long app", utcnow(), province="vinh-long")
    commit()
    refused = post(client, form(raw))  # jurisdiction can-tho
    assert "jurisdiction_not_allowed" in errors_of(refused, 403)
    refused = post(client, form(raw, jurisdiction_id="vinh-long"))  # a point in Cần Thơ
    assert refused.status_code in (400, 403), refused.get_data(as_text=True)
    assert db.session.query(Report).count() == 0


def test_a_locked_poster_files_nothing(client, key):
    assert post(client, form(key, account_id="user-7")).status_code == 201
    report = db.session.query(Report).one()
    report.reporter.locked_at = utcnow()
    commit()
    again = post(client, form(key, account_id="user-7", description="Đèn tắt cả tuần nay"))
    assert "poster_locked" in errors_of(again, 403)
    other = post(client, form(key, account_id="user-8", description="Đèn tắt cả tuần nay"))
    assert other.status_code == 201


def test_each_key_is_limited_and_told_when_to_retry(client, key, app):
    app.config.update(RATELIMIT_ENABLED=True, LIMIT_OPEN311_CLIENT="2/minute")
    limits.limiter.reset()
    try:
        statuses = [
            post(client, form(key, description=f"Ổ gà số {n} trên đường")).status_code
            for n in range(2)
        ]
        refused = post(client, form(key, description="Ổ gà số 3 trên đường"), "xml")
    finally:
        limits.limiter.reset()
    assert statuses == [201, 201]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert check_xml(refused.data, "errors").find("error/code").text == "429"


def test_a_place_in_another_hosted_province_than_the_jurisdiction_is_refused(client, key):
    def in_vinh_long():
        return {
            "lat": "10.2537",
            "long": "105.9722",
            "media": (io.BytesIO(photo("jolla.jpg")), "den.jpg"),
        }

    refused = post(client, form(key, **in_vinh_long()))
    assert "[outside_jurisdiction]" in errors_of(refused, 400)
    assert db.session.query(Report).count() == 0
    filed = post(client, form(key, jurisdiction_id="vinh-long", **in_vinh_long()))
    assert filed.status_code == 201, filed.get_data(as_text=True)
    assert db.session.query(Report).one().province_id != _province_id("can-tho")


def _province_id(slug):
    from backend.services import provinces

    return provinces.by_slug(slug).id
