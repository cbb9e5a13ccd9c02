"""The working calendars each process keeps (backend.services.sla.config): a change to an
exception is seen by the next session, also one whose ``updated_at`` is not the latest (an
app server whose clock is behind the others', a transaction committed after a later one)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend.db import commit, db
from backend.services import sla, sla_config

NOW = datetime(2026, 11, 2, 1, tzinfo=UTC)
EARLIER_DAY, DAY = date(2026, 11, 18), date(2026, 11, 19)  # a Wednesday and a Thursday


def test_an_exception_changed_with_an_older_timestamp_is_seen_by_the_next_session(city):
    # The latest change, by a server whose clock is an hour ahead; DAY made a working day.
    sla_config.set_exception(EARLIER_DAY, "day_off", None, NOW + timedelta(hours=1))
    sla_config.set_exception(DAY, "working_day", None, NOW)
    commit()
    db.session.remove()
    assert sla.working_calendar().is_working_day(DAY)  # built, and kept by the process

    # DAY becomes a day off, stamped by a server whose clock is behind: the exceptions'
    # count and latest change stay the same.
    sla_config.set_exception(DAY, "day_off", None, NOW + timedelta(minutes=5))
    commit()
    db.session.remove()  # the next request or job
    assert not sla.working_calendar().is_working_day(DAY)
