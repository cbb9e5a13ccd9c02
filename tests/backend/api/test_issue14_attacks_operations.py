"""Issue 14 seen by an attacker, the operations trends of one province: national staff
asking for one province's trends get that province's reports per day (not the country's
under its name, beside its units per month); a province's staff never another's."""

from __future__ import annotations

import pytest

from tests.backend.services.test_provinces import VINH_LONG_SIDE

TRENDS = "/staff/v1/operations/trends"


@pytest.fixture
def both(resident, submit):
    """A report filed today in Vĩnh Long and two in TP Cần Thơ."""
    vl = submit(resident("+84906673001"), lat=VINH_LONG_SIDE[0], lng=VINH_LONG_SIDE[1])
    assert vl.status_code == 201, vl.get_json()
    for phone in ("+84906673002", "+84906673003"):
        assert submit(resident(phone)).status_code == 201


def _filed(answer) -> tuple[int, int]:
    body = answer.get_json()
    assert answer.status_code == 200, body
    by_category = sum(day["total"] for day in body["daily"]["days"])
    by_channel = sum(day["total"] for day in body["daily_by_channel"]["days"])
    return by_category, by_channel


def test_one_provinces_trends_count_that_provinces_reports_per_day(client, staff, both):
    national = staff("national.admin")
    everyone = _filed(client.get(TRENDS, headers=national))
    vinh_long = _filed(client.get(TRENDS + "?province=vinh-long", headers=national))
    own = _filed(client.get(TRENDS, headers=staff("vl.coordinator")))
    assert vinh_long == own == (1, 1)
    assert everyone[0] >= 3 and everyone[1] >= 3
    can_tho = _filed(client.get(TRENDS + "?province=can-tho", headers=national))
    assert can_tho == _filed(client.get(TRENDS, headers=staff("coordinator"))) == (2, 2)


def test_another_provinces_trends_are_refused(client, staff, both):
    refused = client.get(TRENDS + "?province=vinh-long", headers=staff("coordinator"))
    assert refused.status_code == 403, refused.get_json()
    unknown = client.get(TRENDS + "?province=atlantis", headers=staff("national.admin"))
    assert unknown.status_code == 404, unknown.get_json()
