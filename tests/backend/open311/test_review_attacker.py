"""Review (attacker): Open311 inputs a hostile client sends, each a bug found in review.

Every test is ``xfail(strict=True)``: it turns green (and then fails as XPASS) once fixed.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from backend.db import db
from backend.models import Report
from backend.services import operator_intake
from tests.backend.open311.test_post import URL, form, key  # noqa: F401 (the fixture)
from tests.conftest import photo

#: The tests' deployment hosts several provinces: every call names one.
JURISDICTION = {"jurisdiction_id": "can-tho"}


def test_a_posts_query_string_is_not_read(app, client, key):  # noqa: F811
    """Fixed: a POST's parameters come from its body only (what its idempotency fingerprint
    covers); two POSTs whose fields are in the URL were one request, the second replayed."""
    app.config["DUPLICATE_SUBMISSION_SECONDS"] = 120  # as deployed
    fields = form(key)
    fields.pop("media")
    answers = []
    for description in ("Ổ gà lớn trước số 12 Hai Bà Trưng", "Đèn đường hỏng cả dãy phố"):
        query = {**fields, "description": description}
        answers.append(
            client.post(
                URL + ".json",
                query_string=query,
                data={"media": (io.BytesIO(photo("DSCN0021.jpg")), "o-ga.jpg")},
                content_type="multipart/form-data",
            )
        )
    assert [a.status_code for a in answers] == [403, 403]  # no api_key in the body
    assert all("invalid_api_key" in a.get_json()[0]["description"] for a in answers)
    assert db.session.query(Report).count() == 0


def test_a_key_reused_with_another_query_is_the_same_request(client, key):  # noqa: F811
    """Fixed: the query string of a POST is ignored, so only the body makes the request."""
    headers = {"Idempotency-Key": "attacker-q-1"}

    def send(description):
        return client.post(
            URL + ".json",
            query_string={"description": description},
            data=form(key),
            content_type="multipart/form-data",
            headers=headers,
        )

    first = send("Ổ gà lớn trước số 12 Hai Bà Trưng")
    again = send("Một phản ánh khác hẳn về đèn đường")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.data == first.data
    report = db.session.query(Report).one()
    assert report.description == "Ổ gà lớn trước số 12 Hai Bà Trưng"


def test_a_noncharacter_does_not_break_the_xml(client, key):  # noqa: F811
    answer = client.post(
        URL + ".json",
        data=form(key, description="Ổ gà lớn trước số 12 \uffff\ufffe Hai Bà Trưng"),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    code = answer.get_json()[0]["service_request_id"]
    for path in (f"{URL}/{code}.xml", f"{URL}.xml", URL):
        ET.fromstring(client.get(path, query_string=JURISDICTION).data)


@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_superscript_digit_is_a_400(client, city, name):
    answer = client.get(URL + ".json", query_string={**JURISDICTION, name: "²"})
    assert answer.status_code == 400, answer.get_data(as_text=True)


@pytest.mark.parametrize("query", [{"end_date": "0001-01-01"}, {"start_date": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_a_400(client, city, query):
    answer = client.get(URL + ".json", query_string={**JURISDICTION, **query})
    assert answer.status_code == 400, answer.get_data(as_text=True)


def test_a_phone_a_client_typed_is_not_an_app_user(client, key):  # noqa: F811
    answer = client.post(
        URL + ".json",
        data=form(key, phone="0987654321", first_name="Kẻ mạo danh"),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert operator_intake.app_user("+84987654321") is None
