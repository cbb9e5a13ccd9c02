"""Ended sessions are deleted a month after they ended (the daily job), live ones never."""

from __future__ import annotations

from datetime import timedelta

from backend import tasks
from backend.db import db, utcnow
from backend.models import ResidentSession, StaffSession
from tests.factories import sign_in_resident, sign_in_staff


def test_the_daily_purge_deletes_only_long_ended_sessions(client, city):
    for phone in ("+84905560001", "+84905560002", "+84905560003"):
        sign_in_resident(client, phone)
    sign_in_staff(client, "coordinator")
    sign_in_staff(client, "admin")
    now = utcnow()
    old, recent, live = db.session.query(ResidentSession).order_by(ResidentSession.id).all()[-3:]
    old.revoked_at = now - timedelta(days=31)
    recent.revoked_at = now - timedelta(days=1)
    expired, current = db.session.query(StaffSession).order_by(StaffSession.id).all()[-2:]
    expired.expires_at = now - timedelta(days=40)
    db.session.flush()
    kept = {recent.id, live.id}, {current.id}
    gone = old.id, expired.id

    assert tasks.purge_ended_sessions(now) == 2

    resident_ids = {row.id for row in db.session.query(ResidentSession)}
    staff_ids = {row.id for row in db.session.query(StaffSession)}
    assert kept[0] <= resident_ids and gone[0] not in resident_ids
    assert kept[1] <= staff_ids and gone[1] not in staff_ids
    assert tasks.purge_ended_sessions(now) == 0
