"""The sweep service never commits; the job commits batch by batch and stays idempotent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from backend import tasks
from backend.db import db
from backend.models import ReportEvent
from backend.services import sla

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def overdue_events(report) -> int:
    return db.session.query(ReportEvent).filter_by(report_id=report.id, type="overdue").count()


def test_the_service_leaves_the_commit_to_its_caller(file_report):
    report = file_report(at(2026, 11, 2, 8))
    assert sla.sweep(at(2026, 12, 1, 8)).overdue == 2
    db.session.rollback()  # the caller changed its mind: nothing was written
    assert overdue_events(report) == 0


def test_the_job_commits_each_batch_and_a_second_run_finds_nothing(file_report):
    reports = [file_report(at(2026, 11, 2, 8)) for _ in range(3)]
    first = tasks.sla_sweep(at(2026, 12, 1, 8), batch=2)
    assert (first["clocks"], first["overdue"], first["conflicts"]) == (6, 6, 0)
    db.session.rollback()  # committed already: a rollback loses nothing
    assert [overdue_events(r) for r in reports] == [2, 2, 2]
    again = tasks.sla_sweep(at(2026, 12, 1, 8), batch=2)
    assert again == sla.SweepResult().as_dict()
