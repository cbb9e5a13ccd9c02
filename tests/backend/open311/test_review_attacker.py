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


@pytest.mark.xfail(
    strict=True,
    reason="idempotency fingerprints only the body: two different POSTs whose fields are in "
    "the query string (arg() reads request.values) are one request, the second replayed",
)
def test_two_different_requests_in_the_query_string_are_two_requests(app, client, key):  # noqa: F811
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
    assert [a.status_code for a in answers] == [201, 201]
    assert "Idempotent-Replayed" not in answers[1].headers
    assert db.session.query(Report).count() == 2


@pytest.mark.xfail(
    strict=True,
    reason="an Idempotency-Key reused with other query-string fields replays instead of 400",
)
def test_a_key_reused_with_another_query_is_refused(client, key):  # noqa: F811
    headers = {"Idempotency-Key": "attacker-q-1"}

    def send(description):
        return client.post(
            URL + ".json",
            query_string={"description": description},
            data=form(key, description=None),
            content_type="multipart/form-data",
            headers=headers,
        )

    assert send("Ổ gà lớn trước số 12 Hai Bà Trưng").status_code == 201
    again = send("Một phản ánh khác hẳn về đèn đường")
    assert again.status_code == 400, again.get_data(as_text=True)


@pytest.mark.xfail(
    strict=True,
    reason="formats._clean keeps U+FFFE/U+FFFF (not XML 1.0 characters): one report's "
    "description makes every XML answer that lists it ill-formed",
)
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


@pytest.mark.xfail(strict=True, reason="'²'.isdigit() is true, int('²') raises: a 500")
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_superscript_digit_is_a_400(client, city, name):
    answer = client.get(URL + ".json", query_string={**JURISDICTION, name: "²"})
    assert answer.status_code == 400, answer.get_data(as_text=True)


@pytest.mark.xfail(strict=True, reason="the 90-day window overflows datetime: a 500")
@pytest.mark.parametrize("query", [{"end_date": "0001-01-01"}, {"start_date": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_a_400(client, city, query):
    answer = client.get(URL + ".json", query_string={**JURISDICTION, **query})
    assert answer.status_code == 400, answer.get_data(as_text=True)


@pytest.mark.xfail(
    strict=True,
    reason="operator_intake.app_user skips placeholder and walk-in uids but not open311:...: "
    "a phone a third party typed becomes the app user the hotline files that caller's "
    "reports for",
)
def test_a_phone_a_client_typed_is_not_an_app_user(client, key):  # noqa: F811
    answer = client.post(
        URL + ".json",
        data=form(key, phone="0987654321", first_name="Kẻ mạo danh"),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert operator_intake.app_user("+84987654321") is None
