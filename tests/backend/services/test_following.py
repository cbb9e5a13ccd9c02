"""Following ("me too") someone else's report."""

from __future__ import annotations

from tests.conftest import post_json


def test_a_closed_public_report_cannot_be_followed_and_says_so(client, staff, resident, submit):
    alice, binh = resident("+84901000001"), resident("+84901000002")
    original = submit(alice).get_json()["code"]
    copy = submit(alice, description="Lại ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    merged = post_json(
        client, staff("coordinator"), f"/staff/v1/reports/{copy}/duplicate", original=original
    )
    assert merged.status_code == 200, merged.get_json()
    assert client.get(f"/public/v1/reports/{copy}").status_code == 200  # still public
    refused = client.post(f"/mobile/v1/reports/{copy}/follow", headers=binh)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "report_closed"
    assert client.post(f"/mobile/v1/reports/{original}/follow", headers=binh).status_code == 200
