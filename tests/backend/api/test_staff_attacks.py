"""The staff API's new parts under attack: ``If-Match``, ``POST .../assignee``,
``GET /units/<code>/officers``, ``?queue=`` and ``?assignee=``."""

from __future__ import annotations

import pytest


@pytest.fixture
def code(submit):
    """A pothole at Ninh Kiều: assigned to Sở Xây dựng (so-xd)."""
    return submit(description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]


@pytest.mark.parametrize("header", ["²", 'W/"²"', '"1²"', "¹²³"])
def test_an_if_match_of_digits_that_are_not_ascii_is_the_422_envelope(client, staff, code, header):
    # A header arrives as latin-1 text: "²" (0xB2) passes str.isdigit() and fails int().
    officer = staff("so-xd.officer")
    response = client.post(
        f"/staff/v1/reports/{code}/accept", headers={**officer, "If-Match": header}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_if_match"
    report = client.get(f"/staff/v1/reports/{code}", headers=officer).get_json()
    assert report["status"] == "assigned"


def test_the_supervising_unit_may_not_list_the_officers_of_the_unit_it_supervises(
    client, staff, city
):
    # so-xd supervises chieu-sang and reads its escalated cases, read only: giving them to
    # someone is not its business, nor who works there.
    for username in ("so-xd.head", "so-xd.officer"):
        response = client.get("/staff/v1/units/chieu-sang/officers", headers=staff(username))
        assert response.status_code == 404, username


@pytest.mark.parametrize(
    "query",
    ["queue=bogus", "assignee=" + "x" * 100, "assignee=%00", "page=99999999999999999999"],
)
def test_bad_desk_arguments_are_the_422_envelope(client, staff, city, query):
    response = client.get(f"/staff/v1/reports?{query}", headers=staff("so-xd.head"))
    assert response.status_code == 422
    assert response.get_json()["error"]["status"] == 422
