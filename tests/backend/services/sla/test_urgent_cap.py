"""Urgent reports: acknowledging is never due after handling (accept 8 h, handle 4 h)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from backend.db import commit
from backend.services import sla
from tests.conftest import post_json

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def clocks(report) -> dict:
    return {c.kind: c for c in report.clocks if not c.superseded}


def test_an_urgent_reports_accept_deadline_is_capped_at_its_handling_deadline(file_report):
    report = file_report(at(2026, 11, 2, 8), category="an-ninh")  # public order: urgent
    assert report.severity == "urgent"
    accept, handle = clocks(report)["accept"], clocks(report)["handle"]
    assert handle.due_at == at(2026, 11, 2, 13, 30)  # 4 working hours (lunch 11:30-13:00)
    assert accept.due_at == handle.due_at
    assert accept.budget_seconds == handle.budget_seconds == 4 * 3600


def test_a_stored_policy_with_accept_over_handle_is_capped_too(file_report):
    from backend.db import db
    from backend.models import SlaPolicy

    db.session.add(
        SlaPolicy(
            severity="normal",
            accept_seconds=16 * 3600,
            handle_seconds=8 * 3600,
            publish_seconds=8 * 3600,
            effective_from=at(2026, 1, 1),
        )
    )
    commit()
    report = file_report(at(2026, 11, 2, 8))
    assert clocks(report)["accept"].due_at <= clocks(report)["handle"].due_at
    assert sla.durations_for(None, "normal", at(2026, 11, 2)).accept.total_seconds() == 8 * 3600


def test_the_policy_api_refuses_accept_longer_than_handle(client, staff):
    admin = staff("admin")
    refused = post_json(
        client,
        admin,
        "/staff/v1/admin/sla-policies",
        severity="urgent",
        accept_hours=8,
        handle_hours=4,
        publish_days=2,
    )
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "accept_after_handle"
    assert error["message"]["vi"] and error["message"]["en"]
    assert "accept_hours" in error["fields"]
    policies = client.get("/staff/v1/admin/sla-policies", headers=admin).get_json()
    urgent = next(p for p in policies if p["severity"] == "urgent" and p["category"] is None)
    assert urgent["accept_hours"] == urgent["handle_hours"] == 4
    equal = post_json(
        client,
        admin,
        "/staff/v1/admin/sla-policies",
        severity="urgent",
        accept_hours=4,
        handle_hours=4,
        publish_days=2,
    )
    assert equal.status_code == 201, equal.get_json()
