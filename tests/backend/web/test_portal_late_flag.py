"""The board keeps saying a report is late after the unit apologised."""

from __future__ import annotations

from datetime import timedelta

from backend.db import commit, db, utcnow
from backend.localtime import local_tz
from backend.models import Report


def test_the_board_says_late_with_the_promised_date(client, resident, submit):
    code = submit(resident()).get_json()["code"]
    report = db.session.query(Report).filter_by(code=code).one()
    handle = next(c for c in report.clocks if c.kind == "handle" and c.open)
    now = utcnow()
    handle.due_at = handle.overdue_at = now - timedelta(days=1)
    handle.apology_at = now - timedelta(hours=1)
    handle.promised_due_at = promised = now + timedelta(days=3)
    commit()
    row = client.get("/public/v1/reports").get_json()["items"][0]
    assert (row["code"], row["overdue"], row["late"]) == (code, False, True)
    html = client.get("/").get_data(as_text=True)
    label = promised.astimezone(local_tz()).strftime("%d/%m")
    assert f"Trễ hạn · hẹn {label}" in html
    english = client.get("/?lang=en").get_data(as_text=True)
    assert f"Late · promised for {label}" in english
