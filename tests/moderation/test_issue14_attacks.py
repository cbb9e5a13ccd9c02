"""Issue 14 seen by an attacker through moderation: a province's moderator never merges its
report into another province's (the reporter would follow a report of a province they did
not write to, and the other province's code would be confirmed)."""

from __future__ import annotations

from tests.backend.services.test_provinces import VINH_LONG_SIDE
from tests.factories import sign_in_staff
from tests.moderation.test_moderation_provinces import queues  # noqa: F401 (fixture)


def test_a_report_is_never_merged_into_another_provinces(client, queues, resident, submit):  # noqa: F811
    can_tho, _, _ = queues
    published = submit(resident("+84903333333"), lat=VINH_LONG_SIDE[0], lng=VINH_LONG_SIDE[1])
    assert published.status_code == 201, published.get_json()
    vl_code = published.get_json()["code"]
    for username in ("ct-test.moderator", "national-test.moderator"):
        answer = client.post(
            f"/moderation/v1/reports/{can_tho}/merge",
            json={"original": vl_code},
            headers=sign_in_staff(client, username),
        )
        assert answer.status_code == 422, (username, answer.get_json())
        assert answer.get_json()["error"]["code"] == "unknown_report"
