"""The calendar's year view, its exceptions and the effect on a sample deadline."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.console.admin_calendar import sample_deadline
from backend.db import db
from backend.domain.calendar import Exceptions, WorkingCalendar
from backend.models import CalendarException, StaffUser
from tests.backend.console.conftest import post_form

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE = "/console/admin/calendar"
SAMPLE = "year=2026&start=2026-12-07T08:00&days=15"


def test_a_day_off_in_the_window_moves_the_sample_deadline_by_a_working_day():
    start = datetime(2026, 12, 7, 8, 0, tzinfo=TZ)  # a Monday
    plain = sample_deadline(WorkingCalendar(), start, 15)
    assert plain.with_exceptions == plain.without_exceptions and plain.moved_days == 0
    off = WorkingCalendar(exceptions=Exceptions(days_off=frozenset({date(2026, 12, 10)})))
    moved = sample_deadline(off, start, 15)
    assert moved.without_exceptions == plain.with_exceptions
    assert moved.with_exceptions.date() == date(2026, 12, 29)  # Mon 28 -> Tue 29
    assert moved.moved_days == 1
    saturday = WorkingCalendar(exceptions=Exceptions(working_days=frozenset({date(2026, 12, 12)})))
    assert sample_deadline(saturday, start, 15).moved_days == -1


def exception(day: date) -> CalendarException | None:
    """The admin's exception on ``day`` (their province's, or national for a national one)."""
    admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
    column = CalendarException.province_id
    mine = column.is_(None) if admin.province_id is None else column == admin.province_id
    return db.session.scalar(select(CalendarException).where(CalendarException.day == day, mine))


def test_the_year_view_marks_holidays_and_exceptions(console):
    client = console("admin")
    body = client.get(f"{PAGE}?year=2026").get_data(as_text=True)
    assert body.count('class="month"') == 12
    assert 'id="day-2026-09-02"' in body and "day-holiday" in body  # National Day
    assert 'id="day-2026-12-07" title=' in body


def test_an_admin_adds_and_removes_a_day_off_and_the_sample_moves(console):
    client = console("admin")
    before = client.get(f"{PAGE}?{SAMPLE}").get_data(as_text=True)
    assert 'id="deadline-moved" data-days="0' in before
    response = post_form(
        client,
        f"{PAGE}/exceptions?{SAMPLE}",
        {"date": "2026-12-10", "kind": "day_off", "note": "Nghỉ bù"},
        page=PAGE,
    )
    assert response.status_code == 302 and "start=2026-12-07T08" in response.location
    assert exception(date(2026, 12, 10)).kind == "day_off"
    after = client.get(f"{PAGE}?{SAMPLE}").get_data(as_text=True)
    assert 'id="deadline-moved" class="moved" data-days="1' in after
    assert 'class="day-extra-off" id="day-2026-12-10"' in after
    removed = post_form(client, f"{PAGE}/exceptions/2026-12-10/delete?{SAMPLE}", page=PAGE)
    assert removed.status_code == 302
    db.session.expire_all()
    assert exception(date(2026, 12, 10)) is None


def test_a_bad_exception_is_refused_on_the_form(console):
    client = console("admin")
    response = post_form(
        client, f"{PAGE}/exceptions", {"date": "10/12", "kind": "day_off"}, page=PAGE
    )
    assert response.status_code == 422
    assert 'value="10/12"' in response.get_data(as_text=True)
    unknown = post_form(
        client, f"{PAGE}/exceptions", {"date": "2026-12-10", "kind": "x"}, page=PAGE
    )
    assert unknown.status_code == 422


def test_a_bad_sample_is_explained_not_refused(console):
    client = console("admin")
    page = client.get(f"{PAGE}?start=nope&days=9999")
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)


def test_holidays_are_named_in_the_page_language_and_the_library_is_not(console):
    client = console("admin")
    vi = client.get(f"{PAGE}?year=2026&lang=vi").get_data(as_text=True)
    assert "Quốc khánh" in vi and "Ngày nghỉ (thay cho ngày 22/08/2026)" in vi
    assert "National Day" not in vi and "substituted" not in vi
    assert "thư viện" not in vi.lower() and "library" not in vi.lower()
    assert "ngày lễ theo quy định" in vi.lower()
    en = client.get(f"{PAGE}?year=2026&lang=en").get_data(as_text=True)
    assert "National Day" in en and "Quốc khánh" not in en
    assert "library" not in en.lower() and "public holidays by law" in en.lower()
    response = post_form(
        client, f"{PAGE}/exceptions", {"date": "2026-09-02", "kind": "ignore_holiday"}, page=PAGE
    )
    assert response.status_code == 302
    vi = client.get(f"{PAGE}?year=2026&lang=vi").get_data(as_text=True)
    assert "Ngày lễ không áp dụng" in vi


def test_a_province_admin_keeps_its_own_exceptions_and_reads_the_national_ones(console):
    from backend.db import commit
    from backend.domain.roles import Role
    from backend.services import sla, sla_config
    from tests.backend.services.two_provinces import staff, two_provinces

    provinces = two_provinces()
    vinh_long, can_tho = provinces.vinh_long.id, provinces.can_tho.id
    staff("vl-test.admin", Role.ADMIN, provinces.vinh_long)
    sla_config.set_exception(date(2026, 12, 11), "day_off", "Toàn quốc", datetime.now(TZ))
    commit()
    client = console("vl-test.admin")
    page = client.get(f"{PAGE}?{SAMPLE}").get_data(as_text=True)
    assert 'id="exception-2026-12-11-national"' in page
    assert 'id="remove-2026-12-11"' not in page  # read-only to a province's admin
    response = post_form(
        client,
        f"{PAGE}/exceptions?{SAMPLE}",
        {"date": "2026-12-10", "kind": "day_off", "note": "Nghỉ của tỉnh"},
        page=PAGE,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not sla.working_calendar(vinh_long).is_working_day(date(2026, 12, 10))
    assert sla.working_calendar(can_tho).is_working_day(date(2026, 12, 10))
    assert 'id="remove-2026-12-10"' in client.get(f"{PAGE}?{SAMPLE}").get_data(as_text=True)
    # Removing the national one from the province's page finds nothing to remove.
    refused = post_form(client, f"{PAGE}/exceptions/2026-12-11/delete?{SAMPLE}", page=PAGE)
    assert refused.status_code == 422
    assert not sla.working_calendar(can_tho).is_working_day(date(2026, 12, 11))
