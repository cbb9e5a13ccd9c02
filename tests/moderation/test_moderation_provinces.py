"""Moderation per province: a province's moderators see and decide only its queue; a
national moderator sees every province's."""

from __future__ import annotations

import pytest

from backend.db import commit
from backend.domain.roles import Role
from backend.services import intake
from backend.services.photos import Upload
from moderation import services
from tests.backend.services.test_sla import at
from tests.backend.services.two_provinces import move_to, staff, two_provinces
from tests.factories import NINH_KIEU, new_resident, photo, sign_in_staff

ABUSIVE = "Địt mẹ cái ổ gà này sâu quá không ai sửa"


@pytest.fixture
def queues(city):
    provinces = two_provinces()
    resident = new_resident("moderation-provinces", "+84900000077")
    in_can_tho, in_vinh_long = (
        intake.submit(
            resident,
            intake.NewReport("giao-thong", ABUSIVE, NINH_KIEU[0], NINH_KIEU[1], None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            at(2026, 11, 2, hour),
            max_photos=6,
        )
        for hour in (8, 9)
    )
    commit()
    codes = [in_can_tho.code, in_vinh_long.code]
    assert services.is_held(in_can_tho) and services.is_held(in_vinh_long)
    move_to(in_can_tho, provinces.can_tho)
    move_to(in_vinh_long, provinces.vinh_long)
    moderators = {
        "vl": staff("vl-test.moderator", Role.MODERATOR, provinces.vinh_long),
        "ct": staff("ct-test.moderator", Role.MODERATOR, provinces.can_tho),
        "national": staff("national-test.moderator", Role.MODERATOR, None),
    }
    return codes[0], codes[1], moderators


def queue_codes(client, username: str) -> set[str]:
    response = client.get("/moderation/v1/queue", headers=sign_in_staff(client, username))
    assert response.status_code == 200, response.get_json()
    return {item["code"] for item in response.get_json()["items"]}


def test_a_province_moderator_sees_only_its_queue(client, queues):
    can_tho, vinh_long, moderators = queues
    assert vinh_long in queue_codes(client, "vl-test.moderator")
    assert can_tho not in queue_codes(client, "vl-test.moderator")
    assert can_tho in queue_codes(client, "ct-test.moderator")
    assert vinh_long not in queue_codes(client, "ct-test.moderator")
    assert {can_tho, vinh_long} <= queue_codes(client, "national-test.moderator")
    # The menu's badge counts the same queue.
    national = services.held_count(moderators["national"])
    assert services.held_count(moderators["vl"]) == national - services.held_count(moderators["ct"])


def test_a_province_moderator_cannot_decide_the_other_province_report(client, queues):
    can_tho, vinh_long, _ = queues
    headers = sign_in_staff(client, "vl-test.moderator")
    other = client.post(f"/moderation/v1/reports/{can_tho}/approve", json={}, headers=headers)
    assert other.status_code == 404
    own = client.post(f"/moderation/v1/reports/{vinh_long}/approve", json={}, headers=headers)
    assert own.status_code == 200, own.get_json()
