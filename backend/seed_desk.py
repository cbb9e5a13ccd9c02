"""The demo's desk work for one unit (:data:`backend.demo_data.DESK_WORK`): reports filed
at fixed working-time distances before the seed's "now", so that Sở Xây dựng's desk has
something in each state (to accept, given to an officer, in progress, due within hours,
overdue) whatever day the demo is seeded. Called by :func:`backend.seed.seed_demo`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from backend.db import commit, db
from backend.demo_data import DESK_WORK, DESK_WORK_UNIT, PHOTOS
from backend.models import Category
from backend.services import intake, sla, workflow


def _working_time_before(end: datetime, duration: timedelta) -> datetime:
    """The instant ``duration`` of working time before ``end`` (the calendar only adds)."""
    cal = sla.working_calendar()
    start = end
    while cal.between(start, end) < duration:
        start -= timedelta(days=1)
    return cal.add(start, cal.between(start, end) - duration)


def desk_work(work: tuple, now: datetime, residents, staff, photo) -> None:
    """One of Sở Xây dựng's own road reports (:data:`DESK_WORK`), filed and handled at
    working-time distances from ``now`` (no random draw: the rest of the demo is unchanged).
    ``photo(name)`` reads one of the demo's photos."""
    state, hours_ago, description, address, lat, lng = work
    unit = DESK_WORK_UNIT
    category = db.session.scalar(select(Category).where(Category.code == "giao-thong"))
    cal = sla.working_calendar()
    if hours_ago is None:  # due within hours: today, on a working day before closing
        budget = sla.durations_for(category.id, category.default_severity, now).handle
        created = _working_time_before(cal.add(now, timedelta(hours=3)), budget)
    else:
        created = _working_time_before(now, timedelta(hours=hours_ago))
    number = DESK_WORK.index(work)
    report = intake.submit(
        residents[number % len(residents)],
        intake.NewReport(category.code, description, lat, lng, address),
        [photo(PHOTOS[number % len(PHOTOS)])],
        created,
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    commit()

    def after(hours: float) -> datetime:
        return cal.add(created, timedelta(hours=hours))

    head, officer = staff[f"{unit}.head"], staff[f"{unit}.officer"]
    if state == "given":
        workflow.assign_officer(head, report, after(1), f"{unit}.officer2")
    if state in ("in_progress", "due_today", "overdue"):
        workflow.accept(officer, report, after(1))
        workflow.start(officer, report, after(2), "Đơn vị đã cử cán bộ kiểm tra hiện trường.")
        workflow.assign_officer(head, report, after(2.5), f"{unit}.officer2")
    commit()
