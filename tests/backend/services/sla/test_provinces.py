"""SLA policies and the working calendar per province: a province's own policy and its own
exceptions apply to its reports only; the national ones to every province."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from backend.db import commit, db
from backend.domain.sla import WORKING_DAY
from backend.models import CalendarException
from backend.services import sla, sla_config
from tests.backend.services.test_sla import at, clock, user
from tests.backend.services.two_provinces import move_to, two_provinces

FILED = at(2026, 11, 2, 8)  # Monday; 15 working days -> Mon 23/11 8h (24/11 is a holiday)


@pytest.fixture
def two_reports(file_report):
    provinces = two_provinces()
    in_can_tho, in_vinh_long = file_report(FILED), file_report(FILED)
    move_to(in_can_tho, provinces.can_tho)
    move_to(in_vinh_long, provinces.vinh_long, provinces.vl_unit)
    return provinces, in_can_tho, in_vinh_long


def restart(report, unit):
    """The report's clocks start again at its unit (as a new assignment starts them)."""
    sla.start_clocks(report, unit, FILED)
    commit()
    return clock(report, "handle")


def test_a_province_policy_overrides_the_national_one_there_only(two_reports):
    provinces, in_can_tho, in_vinh_long = two_reports
    admin = user("admin")
    policy = {"severity": "normal", "accept_hours": 4, "handle_days": 5, "publish_days": 1}
    view = sla_config.set_policy(
        admin,
        {**policy, "category": "giao-thong"},
        at(2026, 11, 1),
        province_id=provinces.vinh_long.id,
    )
    commit()
    assert view["source"] == "province_policy" and view["handle_days"] == 5
    assert restart(in_vinh_long, provinces.vl_unit).due_at == at(2026, 11, 9, 8)  # 5 days
    assert restart(in_can_tho, in_can_tho.department).due_at == at(2026, 11, 23, 8)  # 15 days
    category = in_can_tho.category.id
    national = sla.durations_for(category, "normal", FILED)
    there = sla.durations_for(category, "normal", FILED, provinces.vinh_long.id)
    assert there.handle < national.handle
    # The listing of the province's policies shows its own; the national listing does not.
    listed = sla_config.current_policies(FILED, province_id=provinces.vinh_long.id)
    assert any(p["category"] == "giao-thong" and p["handle_days"] == 5 for p in listed)
    assert not any(p["handle_days"] == 5 for p in sla_config.current_policies(FILED))


def test_resolution_order_province_first_then_national(two_reports):
    provinces, in_can_tho, _ = two_reports
    admin, vl = user("admin"), provinces.vinh_long.id
    category = in_can_tho.category.id
    base = {"severity": "normal", "accept_hours": 4, "publish_days": 1}
    sla_config.set_policy(admin, {**base, "handle_days": 12, "category": "giao-thong"}, FILED)
    sla_config.set_policy(admin, {**base, "handle_days": 9}, FILED, province_id=vl)
    commit()
    # The province's severity policy beats the national category one in the province.
    in_province = sla.durations_for(category, "normal", FILED, vl)
    assert in_province == sla.durations_for(None, "normal", FILED, vl)
    assert in_province.handle == WORKING_DAY * 9
    assert sla.durations_for(category, "normal", FILED).handle == WORKING_DAY * 12
    sla_config.set_policy(
        admin, {**base, "handle_days": 7, "category": "giao-thong"}, FILED, province_id=vl
    )
    commit()
    days = sla_config.current_policies(FILED, province_id=vl)
    assert {(p["category"], p["handle_days"]) for p in days if p["severity"] == "normal"} == {
        (None, 9),
        ("giao-thong", 7),
    }
    national = sla_config.current_policies(FILED)
    assert {(p["category"], p["handle_days"]) for p in national if p["severity"] == "normal"} >= {
        ("giao-thong", 12)
    }


def test_a_province_day_off_moves_its_deadlines_only(two_reports):
    provinces, in_can_tho, in_vinh_long = two_reports
    vl = provinces.vinh_long.id
    assert clock(in_vinh_long, "handle").due_at == at(2026, 11, 23, 8)
    sla_config.set_exception(date(2026, 11, 20), "day_off", "Nghỉ lễ tỉnh", FILED, province_id=vl)
    commit()
    assert clock(in_vinh_long, "handle").due_at == at(2026, 11, 25, 8)  # Friday off too
    assert clock(in_can_tho, "handle").due_at == at(2026, 11, 23, 8)
    assert not sla.working_calendar(vl).is_working_day(date(2026, 11, 20))
    assert sla.working_calendar(provinces.can_tho.id).is_working_day(date(2026, 11, 20))
    year = sla_config.calendar_year(2026, province_id=vl)
    assert {
        "date": date(2026, 11, 20),
        "kind": "day_off",
        "note": "Nghỉ lễ tỉnh",
        "scope": "province",
    } in year["exceptions"]
    assert sla_config.calendar_year(2026)["exceptions"] == []
    sla_config.delete_exception(date(2026, 11, 20), province_id=vl)
    commit()
    assert clock(in_vinh_long, "handle").due_at == at(2026, 11, 23, 8)


def test_a_national_exception_applies_in_every_province(two_reports):
    provinces, in_can_tho, in_vinh_long = two_reports
    sla_config.set_exception(date(2026, 11, 20), "day_off", "Nghỉ toàn quốc", FILED)
    commit()
    assert clock(in_vinh_long, "handle").due_at == at(2026, 11, 25, 8)
    assert clock(in_can_tho, "handle").due_at == at(2026, 11, 25, 8)
    # A province's own exception on the same day wins there: a make-up working day.
    sla_config.set_exception(
        date(2026, 11, 20),
        "working_day",
        "Tỉnh vẫn làm việc",
        FILED,
        province_id=provinces.vinh_long.id,
    )
    commit()
    assert clock(in_vinh_long, "handle").due_at == at(2026, 11, 23, 8)
    assert clock(in_can_tho, "handle").due_at == at(2026, 11, 25, 8)


def test_another_process_change_is_seen_by_the_next_session(two_reports):
    """The calendars a process keeps are keyed by the exceptions' generation in the
    database: a row written elsewhere (no forget_calendar here) shows in the next session."""
    provinces, *_ = two_reports
    vl, can_tho = provinces.vinh_long.id, provinces.can_tho.id
    assert sla.working_calendar(vl).is_working_day(date(2026, 11, 19))
    db.session.execute(
        insert(CalendarException).values(
            province_id=vl, day=date(2026, 11, 19), kind="day_off", updated_at=FILED
        )
    )
    commit()
    db.session.remove()  # the next request or job
    assert not sla.working_calendar(vl).is_working_day(date(2026, 11, 19))
    assert sla.working_calendar(can_tho).is_working_day(date(2026, 11, 19))
